"""Token endpoint grants, userinfo, introspection and revocation, driven by authlib's client
(RFC 6749 §4.3-§4.4 and §6, RFC 6750, RFC 7009, RFC 7662, OIDC Core §5.3 and §12)."""

import time

import httpx
import pytest
from authlib.integrations.httpx_client import OAuthError

from conftest import SEEDS, start_server

from .helpers import half_hash, rp, sign_in, verify, verify_id_token

RFC7662_MEMBERS = {"active", "scope", "client_id", "username", "token_type", "exp", "iat", "sub", "aud",
                   "iss", "jti"}


def introspect(discovery, token: str, **extra) -> dict:
    """Introspection as a resource server would do it, authenticated as demo-service."""
    client = rp(discovery, "demo-service", scope=None)
    response = client.introspect_token(discovery["introspection_endpoint"], token=token, **extra)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    return response.json()


def userinfo(discovery, access_token: str) -> httpx.Response:
    return httpx.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"})


def test_refresh_rotates_the_refresh_token_and_keeps_the_identity(browser, core_discovery):
    client, token, _ = sign_in(browser, core_discovery)
    original = verify_id_token(token["id_token"], core_discovery, "demo-web")

    refreshed = client.refresh_token(core_discovery["token_endpoint"], refresh_token=token["refresh_token"])

    assert refreshed["refresh_token"] != token["refresh_token"]
    assert refreshed["access_token"] != token["access_token"]
    claims = verify_id_token(refreshed["id_token"], core_discovery, "demo-web")
    # OIDC Core §12.2: same iss and sub, auth_time of the original authentication.
    assert (claims["sub"], claims["auth_time"]) == (original["sub"], original["auth_time"])
    assert claims["at_hash"] == half_hash(refreshed["access_token"])
    verify(refreshed["access_token"], core_discovery, sub=original["sub"], client_id="demo-web")

    again = client.refresh_token(core_discovery["token_endpoint"], refresh_token=refreshed["refresh_token"])
    assert again["access_token"]
    with pytest.raises(OAuthError) as reused:
        client.refresh_token(core_discovery["token_endpoint"], refresh_token=token["refresh_token"])
    assert reused.value.error == "invalid_grant"


def test_refresh_token_of_another_client_is_an_invalid_grant(browser, core_discovery):
    _, token, _ = sign_in(browser, core_discovery)
    spa = rp(core_discovery, "demo-spa")
    with pytest.raises(OAuthError) as stolen:
        spa.refresh_token(core_discovery["token_endpoint"], refresh_token=token["refresh_token"])
    assert stolen.value.error == "invalid_grant"  # RFC 6749 §6: bound to the client it was issued to


def test_client_credentials_token_names_the_client_and_has_no_id_or_refresh_token(core_discovery):
    client = rp(core_discovery, "demo-service", scope=None)

    token = client.fetch_token(grant_type="client_credentials")

    assert token["token_type"] == "Bearer" and "id_token" not in token and "refresh_token" not in token
    claims = verify(token["access_token"], core_discovery, aud="demo-service", sub="demo-service",
                    client_id="demo-service")
    assert "auth_time" not in claims
    assert introspect(core_discovery, token["access_token"])["sub"] == "demo-service"


def test_client_credentials_with_a_wrong_secret_is_an_invalid_client(core_discovery):
    client = rp(core_discovery, "demo-service", scope=None, client_secret="wrong")
    with pytest.raises(OAuthError) as refused:
        client.fetch_token(grant_type="client_credentials")
    assert refused.value.error == "invalid_client"


def test_password_grant_issues_an_id_token_with_openid(core_discovery):
    client = rp(core_discovery, "demo-web", scope="openid email")

    token = client.fetch_token(grant_type="password", username="bob", password="bob-password")

    claims = verify_id_token(token["id_token"], core_discovery, "demo-web", nonce=None)
    assert claims["email"] == "bob@example.com" and "name" not in claims
    assert abs(claims["auth_time"] - time.time()) < 5
    assert claims["at_hash"] == half_hash(token["access_token"])


def test_password_grant_without_openid_has_no_id_token(core_discovery):
    token = rp(core_discovery, "demo-web", scope="email").fetch_token(
        grant_type="password", username="bob", password="bob-password")
    assert "id_token" not in token and token["access_token"]


def test_password_grant_with_a_wrong_password_is_an_invalid_grant(core_discovery):
    client = rp(core_discovery, "demo-web", scope="openid")
    with pytest.raises(OAuthError) as refused:
        client.fetch_token(grant_type="password", username="alice", password="bob-password")
    assert refused.value.error == "invalid_grant"


@pytest.mark.parametrize(("scope", "released", "withheld"), [
    ("openid", set(), {"email", "name", "department", "groups"}),
    ("openid email", {"email", "email_verified"}, {"name", "department", "groups"}),
    ("openid profile", {"name", "given_name", "family_name", "department", "groups"}, {"email"}),
])
def test_userinfo_claims_are_filtered_by_scope(browser, core_discovery, scope, released, withheld):
    client, token, _ = sign_in(browser, core_discovery, scope=scope)
    sub = verify_id_token(token["id_token"], core_discovery, "demo-web")["sub"]

    claims = client.get(core_discovery["userinfo_endpoint"]).json()

    assert claims["sub"] == sub  # OIDC Core §5.3.2: MUST match the ID token
    assert released <= set(claims) and not withheld & set(claims)
    if scope == "openid":
        assert claims == {"sub": sub}
    if "profile" in scope:
        assert claims["department"] == "IT" and claims["groups"] == ["Everyone", "admins"]


def test_userinfo_takes_the_bearer_token_by_get_post_header_and_form_body(browser, core_discovery):
    client, token, _ = sign_in(browser, core_discovery, scope="openid email")
    endpoint, access = core_discovery["userinfo_endpoint"], token["access_token"]

    by_get = client.get(endpoint)
    by_post_header = client.post(endpoint)
    by_form_body = httpx.post(endpoint, data={"access_token": access})  # RFC 6750 §2.2

    for response in (by_get, by_post_header, by_form_body):
        assert response.status_code == 200, response.text
        assert response.json()["email"] == "alice@example.com"
    both = httpx.post(endpoint, data={"access_token": access}, headers={"Authorization": f"Bearer {access}"})
    assert both.status_code == 400 and both.json()["error"] == "invalid_request"  # RFC 6750 §2
    missing = httpx.get(endpoint)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")


def test_introspection_of_a_live_token_has_the_rfc7662_members(browser, core_discovery):
    _, token, _ = sign_in(browser, core_discovery)
    claims = verify(token["access_token"], core_discovery)

    answer = introspect(core_discovery, token["access_token"])

    assert answer["active"] is True and RFC7662_MEMBERS <= set(answer)
    for name in ("scope", "client_id", "exp", "iat", "sub", "aud", "iss", "jti"):
        assert answer[name] == claims[name], name
    assert answer["username"] == "alice" and answer["token_type"] == "Bearer"
    assert answer["iss"] == core_discovery["issuer"]
    refresh = introspect(core_discovery, token["refresh_token"], token_type_hint="refresh_token")
    assert refresh["active"] is True and refresh["client_id"] == "demo-web"


def test_introspection_of_garbage_and_of_foreign_tokens_is_inactive(core_discovery):
    foreign = rp(core_discovery, "demo-service", scope=None).fetch_token(grant_type="client_credentials")
    head, body, signature = foreign["access_token"].split(".")
    tampered = ".".join([head, body, signature[::-1]])
    for token in ("garbage", "a.b.c", tampered, "x" * 43):
        assert introspect(core_discovery, token) == {"active": False}, token


def test_introspection_of_an_expired_token_is_inactive(tmp_path):
    # The tenant's clock moves past the token's exp (no sleep: a timed wait flakes on a busy machine).
    server = start_server(SEEDS / "core.yaml", tmp_path / "data", admin=True)
    try:
        discovery = httpx.get(server.tenant_url("/default/.well-known/openid-configuration")).json()
        token = rp(discovery, "demo-web", scope="openid").fetch_token(
            grant_type="password", username="alice", password="alice-password")
        assert introspect(discovery, token["access_token"])["active"] is True
        lifetime = verify(token["access_token"], discovery)["exp"] - int(time.time())
        moved = httpx.post(server.tenant_url("/_admin/tenants/default/clock"),
                           json={"offset_seconds": lifetime + 60})
        assert moved.status_code == 200, moved.text

        assert introspect(discovery, token["access_token"]) == {"active": False}
        assert userinfo(discovery, token["access_token"]).status_code == 401
    finally:
        server.stop()


def test_revoked_access_token_is_inactive_and_refused_by_userinfo(browser, core_discovery):
    client, token, _ = sign_in(browser, core_discovery)
    assert userinfo(core_discovery, token["access_token"]).status_code == 200

    revoked = client.revoke_token(core_discovery["revocation_endpoint"], token=token["access_token"],
                                  token_type_hint="access_token")

    assert revoked.status_code == 200
    assert introspect(core_discovery, token["access_token"]) == {"active": False}
    assert userinfo(core_discovery, token["access_token"]).status_code == 401
    # RFC 7009 §2.1: the server MAY revoke the refresh token too, so that is not asserted either way.


def test_revoked_refresh_token_ends_the_grant_and_its_access_token(browser, core_discovery):
    client, token, _ = sign_in(browser, core_discovery)

    revoked = client.revoke_token(core_discovery["revocation_endpoint"], token=token["refresh_token"],
                                  token_type_hint="refresh_token")

    assert revoked.status_code == 200
    with pytest.raises(OAuthError) as refused:
        client.refresh_token(core_discovery["token_endpoint"], refresh_token=token["refresh_token"])
    assert refused.value.error == "invalid_grant"
    assert introspect(core_discovery, token["refresh_token"]) == {"active": False}
    assert introspect(core_discovery, token["access_token"]) == {"active": False}
    assert userinfo(core_discovery, token["access_token"]).status_code == 401


def test_revoking_an_unknown_token_answers_200(core_discovery):
    client = rp(core_discovery, "demo-web")
    # RFC 7009 §2.2: invalid tokens do not cause an error response.
    assert client.revoke_token(core_discovery["revocation_endpoint"], token="never-issued").status_code == 200


def test_concurrent_refreshes_with_one_refresh_token_get_one_new_grant(browser, core_discovery):
    from concurrent.futures import ThreadPoolExecutor

    _, token, _ = sign_in(browser, core_discovery)

    def refresh(_):
        return httpx.post(core_discovery["token_endpoint"], auth=("demo-web", "demo-web-secret"),
                          data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(refresh, range(4)))

    # OAuth 2.1 §4.3.1 rotation: the token is good for one refresh, however the requests interleave.
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400]
    assert {a.json()["error"] for a in answers if a.status_code == 400} == {"invalid_grant"}
