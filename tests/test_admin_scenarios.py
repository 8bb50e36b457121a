"""Scenarios (failures, delays, defective tokens) and the audit trail, over real HTTP."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from admin_support import (WEB, admin, introspect, password_grant, refresh, server,  # noqa: F401
                           unverified_claims, userinfo)
from conftest import SEEDS, Browser

ADMIN_SEED = SEEDS / "two_tenants.yaml"


def client_credentials(server, tenant="red"):
    return httpx.post(f"{server.base_url}/{tenant}/token", auth=WEB, data={"grant_type": "client_credentials"})


def test_a_failure_fires_exactly_as_many_times_as_asked_under_concurrent_requests(server, admin):
    armed = admin.post("/tenants/red/scenarios", json={"endpoint": "token", "times": 3, "error": "invalid_grant",
                                                       "error_description": "Injected."})
    assert armed.status_code == 201 and armed.json()["remaining"] == 3
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: client_credentials(server), range(16)))
    failed = [r for r in responses if r.status_code != 200]
    assert len(failed) == 3
    assert all(r.status_code == 400 and r.json() == {"error": "invalid_grant", "error_description": "Injected."}
               for r in failed)
    assert admin.get("/tenants/red/scenarios").json() == []


def test_a_scenario_matches_its_client_and_user_and_leaves_the_other_tenant_alone(server, admin):
    admin.post("/tenants/red/scenarios", json={"username": "alice", "status": 503})
    assert client_credentials(server).status_code == 200  # no username: not matched
    assert password_grant(server, "blue").status_code == 200  # the other tenant
    failed = password_grant(server, "red")
    assert failed.status_code == 503 and failed.json()["error"] == "server_error"
    assert password_grant(server, "red").status_code == 200


def test_a_scenario_naming_a_user_matches_the_tokens_they_present(server, admin):
    admin.post("/tenants/red/users", json={"username": "bob", "password": "bob-pw"})
    alice, bob = password_grant(server, "red").json(), password_grant(server, "red", "bob", "bob-pw").json()
    admin.post("/tenants/red/scenarios", json={"username": "alice", "status": 503, "times": 4})
    assert userinfo(server, "red", bob["access_token"]).status_code == 200
    assert introspect(server, "red", bob["refresh_token"])["active"] is True
    assert userinfo(server, "red", alice["access_token"]).status_code == 503  # a bearer token
    assert httpx.post(f"{server.base_url}/red/introspect", auth=WEB,
                      data={"token": alice["access_token"]}).status_code == 503  # `token`
    assert refresh(server, "red", alice["refresh_token"]).status_code == 503  # `refresh_token`
    assert httpx.post(f"{server.base_url}/red/revoke", auth=WEB,
                      data={"token": alice["refresh_token"]}).status_code == 503
    assert userinfo(server, "red", alice["access_token"]).status_code == 200  # fired 4 times: spent
    assert admin.get("/tenants/red/scenarios").json() == []


def test_a_delay_answers_late(server, admin):
    admin.post("/tenants/red/scenarios", json={"endpoint": "discovery", "delay_ms": 1500})
    started = time.monotonic()
    assert httpx.get(server.base_url + "/red/.well-known/openid-configuration").status_code == 200
    assert time.monotonic() - started >= 1.5
    started = time.monotonic()  # taken once: the next answer is not held (a loaded machine took 0.9 s)
    httpx.get(server.base_url + "/red/.well-known/openid-configuration")
    assert time.monotonic() - started < 1.5


def test_an_authorization_failure_goes_back_to_the_registered_redirect_uri(server, admin):
    admin.post("/tenants/red/scenarios", json={"endpoint": "authorize", "error": "access_denied"})
    response = httpx.get(f"{server.base_url}/red/authorize?response_type=code&client_id=web&scope=openid"
                         "&redirect_uri=http://localhost:3000/callback&state=s-1")
    assert response.status_code == 302
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith("http://localhost:3000/callback?")
    assert location.params["error"] == "access_denied" and location.params["state"] == "s-1"


def test_the_next_tokens_are_defective_then_sound_again(server, admin):
    admin.post("/tenants/red/scenarios", json={"defect": "wrong_aud", "times": 2})
    auds = [unverified_claims(password_grant(server, "red").json()["id_token"])["aud"] for _ in range(3)]
    assert auds[:2] == ["urn:mock-idp:wrong-audience"] * 2 and auds[2] == "web"
    admin.post("/tenants/red/scenarios", json={"defect": "expired", "client_id": "web"})
    token = password_grant(server, "red").json()
    claims = unverified_claims(token["access_token"])
    assert claims["exp"] < time.time()
    assert httpx.get(server.base_url + "/red/userinfo",
                     headers={"Authorization": "Bearer " + token["access_token"]}).status_code == 401


def test_scenarios_are_listed_and_disarmed(server, admin):
    one = admin.post("/tenants/red/scenarios", json={"endpoint": "jwks", "status": 500, "times": 5}).json()
    admin.post("/tenants/blue/scenarios", json={"endpoint": "userinfo", "error": "invalid_token"})
    assert {s["tenant"] for s in admin.get("/scenarios").json()} == {"red", "blue"}
    assert admin.delete(f"/tenants/red/scenarios/{one['id']}").status_code == 204
    assert admin.delete(f"/tenants/red/scenarios/{one['id']}").status_code == 404
    assert httpx.get(server.base_url + "/red/jwks").status_code == 200
    assert admin.delete("/scenarios").status_code == 204 and admin.get("/scenarios").json() == []


@pytest.mark.parametrize("body, field", [
    ({}, ""), ({"error": "x", "delay_ms": 5}, ""), ({"endpoint": "tokens", "status": 500}, "endpoint"),
    ({"status": 200}, "status"), ({"status": 500, "times": 0}, "times"), ({"defect": "missing_claim"}, ""),
    ({"error": 'bad"quote'}, "error"), ({"status": 500, "when": "now"}, "when"),
    ({"defect": "expired", "endpoint": "jwks"}, ""),
])
def test_a_bad_scenario_body_is_a_400_naming_the_field(admin, body, field):
    response = admin.post("/tenants/red/scenarios", json=body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == field, response.json()


def test_the_audit_trail_shows_what_was_sent_with_secrets_masked(server, admin):
    httpx.post(server.base_url + "/red/token", data={"grant_type": "client_credentials", "client_id": "web",
                                                     "client_secret": "web-secret", "scope": "api"})
    password_grant(server, "red", password="wrong")
    trail = admin.get("/tenants/red/requests", params={"endpoint": "token"}).json()
    posted, wrong = trail[-2:]
    # web authenticates with client_secret_basic: the trail shows why this one was refused.
    assert posted["client_auth"] == "client_secret_post" and posted["status"] == 401
    assert posted["error"] == "invalid_client"
    assert ["client_secret", "***"] in posted["params"] and ["scope", "api"] in posted["params"]
    assert "web-secret" not in str(trail)
    assert wrong["client_auth"] == "client_secret_basic" and wrong["username"] == "alice"
    assert wrong["status"] == 400 and wrong["error"] == "invalid_grant" and ["password", "***"] in wrong["params"]
    assert admin.get("/tenants/blue/requests").json() == []
    assert len(admin.get("/tenants/red/requests", params={"limit": 1}).json()) == 1


def test_the_audit_trail_tells_a_code_flow_without_pkce(server, admin):
    browser = Browser()
    response = browser.authorize(f"{server.base_url}/red/authorize?response_type=code&client_id=web"
                                 "&redirect_uri=http://localhost:3000/callback&scope=openid")
    code = httpx.URL(response.headers["location"]).params["code"]
    httpx.post(server.base_url + "/red/token", auth=WEB, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost:3000/callback"})
    authorize = admin.get("/tenants/red/requests", params={"endpoint": "authorize"}).json()[0]
    assert "code_challenge" not in dict(authorize["params"])
    token = admin.get("/tenants/red/requests", params={"endpoint": "token"}).json()[-1]
    assert dict(token["params"])["code"] == "***" and "code_verifier" not in dict(token["params"])


def test_the_trail_keeps_the_last_200_requests_of_each_endpoint(server, admin):
    client_credentials(server)
    with httpx.Client(base_url=server.base_url) as client:  # one connection: a client each costs ~20 ms
        for _ in range(205):
            client.get("/red/jwks")
    assert len(admin.get("/tenants/red/requests", params={"endpoint": "jwks"}).json()) == 200
    assert len(admin.get("/tenants/red/requests", params={"endpoint": "token"}).json()) == 1
    assert len(admin.get("/tenants/red/requests").json()) == 200  # the newest, of any endpoint
    assert admin.get("/tenants/red/requests", params={"limit": 0}).json()["errors"][0]["field"] == "limit"
    assert admin.get("/tenants/red/requests", params={"endpoint": "tokens"}).json()["errors"][0]["field"] == "endpoint"


def test_directory_and_key_changes_stay_on_their_tenant(server, admin):
    blue_kids = [key["kid"] for key in httpx.get(server.base_url + "/blue/jwks").json()["keys"]]
    admin.post("/tenants/red/users", json={"username": "rita", "password": "rita-pw"})
    admin.patch("/tenants/red/clients/web", json={"client_secret": "changed"})
    admin.delete("/tenants/red/users/alice")
    admin.post("/tenants/red/keys/rotate", json={"grace_seconds": 0})
    assert [u["username"] for u in admin.get("/tenants/blue/users").json()] == ["alice"]
    assert admin.get("/tenants/blue/clients/web").json()["client_secret"] == "web-secret"
    assert password_grant(server, "blue").status_code == 200
    assert [key["kid"] for key in httpx.get(server.base_url + "/blue/jwks").json()["keys"]] == blue_kids


def test_a_users_next_sign_in_fails_back_to_the_client(server, admin):
    admin.post("/tenants/red/scenarios", json={"endpoint": "login", "username": "alice", "error": "access_denied",
                                               "error_description": "Account locked."})
    authorize = (f"{server.base_url}/red/authorize?response_type=code&client_id=web&scope=openid&state=s-2"
                 "&redirect_uri=http://localhost:3000/callback")
    refused = Browser().authorize(authorize)
    location = httpx.URL(refused.headers["location"])
    assert location.params["error"] == "access_denied" and location.params["state"] == "s-2"
    assert location.params["error_description"] == "Account locked."
    assert "code" in httpx.URL(Browser().authorize(authorize).headers["location"]).params
    assert admin.get("/tenants/red/requests", params={"endpoint": "login"}).json()[0]["username"] == "alice"
