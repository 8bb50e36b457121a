"""A tenant's clock offset moves iat, exp, auth_time and every expiry check, of that tenant only."""

import time

import httpx
import pytest

from admin_support import WEB, admin, introspect, password_grant, refresh, server, unverified_claims, userinfo  # noqa: F401
from conftest import SEEDS, Browser

ADMIN_SEED = SEEDS / "two_tenants.yaml"


def test_an_offset_moves_iat_exp_and_auth_time_and_the_checks_with_them(server, admin):
    moved = admin.post("/tenants/red/clock", json={"offset_seconds": -7200})
    assert moved.status_code == 200 and moved.json()["offset_seconds"] == -7200
    tokens = password_grant(server, "red").json()
    access, id_token = unverified_claims(tokens["access_token"]), unverified_claims(tokens["id_token"])
    assert abs(access["iat"] - (time.time() - 7200)) < 5 and access["exp"] == access["iat"] + 3600
    assert abs(id_token["auth_time"] - (time.time() - 7200)) < 5
    # Expired by the wall clock, alive by the tenant's:
    assert userinfo(server, "red", tokens["access_token"]).status_code == 200

    admin.post("/tenants/red/clock", json={"offset_seconds": 0})
    assert userinfo(server, "red", tokens["access_token"]).status_code == 401
    assert introspect(server, "red", tokens["access_token"]) == {"active": False}


def test_advancing_past_the_refresh_lifetime_expires_the_refresh_token(server, admin):
    tokens = password_grant(server, "red").json()
    admin.post("/tenants/red/clock", json={"advance_seconds": 3601})
    assert introspect(server, "red", tokens["access_token"]) == {"active": False}
    refreshed = refresh(server, "red", tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert admin.post("/tenants/red/clock", json={"advance_seconds": 31 * 24 * 3600}).json()["offset_seconds"] > 0
    again = refresh(server, "red", refreshed.json()["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_code_expires_with_the_clock(server, admin):
    browser = Browser()
    response = browser.authorize(f"{server.base_url}/red/authorize?response_type=code&client_id=web"
                                 "&redirect_uri=http://localhost:3000/callback&scope=openid")
    code = httpx.URL(response.headers["location"]).params["code"]
    admin.post("/tenants/red/clock", json={"advance_seconds": 601})
    exchanged = httpx.post(f"{server.base_url}/red/token", auth=WEB, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost:3000/callback"})
    assert exchanged.status_code == 400 and exchanged.json()["error"] == "invalid_grant"


def test_the_clock_of_one_tenant_leaves_the_other_alone(server, admin):
    admin.post("/tenants/red/clock", json={"offset_seconds": 86400})
    blue = unverified_claims(password_grant(server, "blue").json()["access_token"])
    assert abs(blue["iat"] - time.time()) < 5
    assert admin.get("/tenants/blue/clock").json()["offset_seconds"] == 0
    assert admin.post("/reset", json={"tenant": "red"}).status_code == 200
    assert admin.get("/tenants/red/clock").json()["offset_seconds"] == 0


@pytest.mark.parametrize("body, field", [
    ({}, ""), ({"offset_seconds": 1, "advance_seconds": 1}, ""), ({"offset_seconds": "60"}, "offset_seconds"),
    ({"offset_seconds": 10**12}, "offset_seconds"), ({"offset": 5}, "offset"),
])
def test_a_bad_clock_body_is_a_400_naming_the_field(admin, body, field):
    response = admin.post("/tenants/red/clock", json=body)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == field, response.json()
