"""A user pool's two signing keys, as Cognito's JWKS publishes them: one signs the ID tokens, the
other the access tokens. Both verify with aws-jwt-verify (its own node process, its defaults, over
--tls), both are replaced by the admin API's rotation with the old pair kept for the grace, both
survive a restart; other personas keep one key. And /oauth2/userInfo's refusals in Cognito's words."""

import httpx
import pytest
from boto3 import client as boto3_client
from botocore.config import Config
from conftest import start_server
from interop.node_runner import run_node
from joserfc import jwt
from joserfc.jwk import RSAKey

from admin_support import unverified_header
from mock_idp.aws import AppSyncConfig, check_appsync

POOL = "us-east-1_TwoKeys"
APP = "keys-app"
SEED = f"""tenants:
  {POOL}:
    flavor: cognito
    clients:
      - {{client_id: {APP}, redirect_uris: ['https://app.example.com/callback']}}
    users:
      - {{username: alice, password: alice-password, claims: {{email: alice@example.com, email_verified: true}}}}
  okta:
    flavor: okta
    clients:
      - {{client_id: okta-app, redirect_uris: ['https://app.example.com/callback']}}
    users:
      - {{username: alice, password: alice-password}}
"""
BAD_TOKEN = "Access token is expired, disabled, or deleted, or the user has globally signed out."
NO_OPENID = "Access token does not contain openid scope"


def serve(folder):
    if not (folder / "seed.yaml").exists():
        (folder / "seed.yaml").write_text(SEED)
    return start_server(folder / "seed.yaml", folder / "data", tls=True, admin=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = serve(tmp_path_factory.mktemp("cognito-keys"))
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    with httpx.Client(base_url=server.base_url + "/_admin", verify=server.verify, timeout=10,
                      headers={"Content-Type": "application/json"}) as client:
        yield client
        assert client.post("/reset").status_code == 200


def pool_url(server) -> str:
    return server.tenant_url("/" + POOL)


def jwks_kids(server) -> list[str]:
    keys = httpx.get(pool_url(server) + "/.well-known/jwks.json", verify=server.verify).json()["keys"]
    assert all(sorted(key) == ["alg", "e", "kid", "kty", "n", "use"] for key in keys), keys
    return [key["kid"] for key in keys]


def signed_in(server) -> dict:
    """The user-pool API's tokens (InitiateAuth, as Amplify and boto3 sign in)."""
    idp = boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=pool_url(server), verify=str(server.ca),
                       aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
                       config=Config(retries={"max_attempts": 1}))
    return idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=APP, AuthParameters={
        "USERNAME": "alice", "PASSWORD": "alice-password"})["AuthenticationResult"]


def kids_of(tokens: dict) -> tuple[str, str]:
    """(ID token kid, access token kid) of a sign-in's tokens, in either API's spelling."""
    return (unverified_header(tokens.get("IdToken") or tokens["id_token"])["kid"],
            unverified_header(tokens.get("AccessToken") or tokens["access_token"])["kid"])


def aws_jwt_verify(server, token: str, token_use: str) -> dict:
    """aws-jwt-verify with its defaults in its own process: the JWKS from <issuer>/.well-known/jwks.json
    over https (the local CA trusted through NODE_EXTRA_CA_CERTS), Cognito's checks on the claims."""
    return run_node("aws_verify.mjs", {"verifier": "cognito", "issuer": pool_url(server), "jwksUri": None,
                                       "token": token, "tokenUse": token_use, "clientId": APP}, ca=server.ca)


def assert_verified(server, tokens: dict) -> None:
    for token, use in ((tokens.get("IdToken") or tokens["id_token"], "id"),
                       (tokens.get("AccessToken") or tokens["access_token"], "access")):
        result = aws_jwt_verify(server, token, use)
        assert result["ok"] and result["payload"]["token_use"] == use, result


def test_id_and_access_tokens_are_signed_by_the_two_keys_of_the_jwks(server, admin):
    tokens = signed_in(server)
    id_kid, access_kid = kids_of(tokens)
    assert id_kid != access_kid and sorted(jwks_kids(server)) == sorted([id_kid, access_kid])
    assert_verified(server, tokens)
    for token in (tokens["IdToken"], tokens["AccessToken"]):  # check-token's AppSync rules: kid, signature
        verdict = check_appsync(token, AppSyncConfig(pool_url(server)), verify=str(server.ca))
        assert verdict.accepted, verdict.failures
    listed = admin.get(f"/tenants/{POOL}/keys").json()
    assert {key["kid"]: key["signs"] for key in listed} == {access_kid: ["access"], id_kid: ["id"]}
    minted = admin.post(f"/tenants/{POOL}/tokens", json={"username": "alice"}).json()
    assert kids_of(minted) == (id_kid, access_kid)  # the hosted UI's tokens: the same two keys


def test_other_personas_sign_every_token_with_one_key(server, admin):
    minted = admin.post("/tenants/okta/tokens", json={"username": "alice"}).json()
    id_kid, access_kid = kids_of(minted)
    jwks_uri = httpx.get(server.tenant_url("/okta/.well-known/openid-configuration"),
                         verify=server.verify).json()["jwks_uri"]
    assert id_kid == access_kid and [key["kid"] for key in httpx.get(jwks_uri, verify=server.verify).json()["keys"]] == [id_kid]


def test_a_rotation_replaces_both_keys_the_old_pair_verifies_through_the_grace_and_a_reset_brings_it_back(
        server, admin):
    before = signed_in(server)
    old = set(kids_of(before))
    rotated = admin.post(f"/tenants/{POOL}/keys/rotate", json={"grace_seconds": 600})
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["signing_kids"]
    assert new["access"] != new["id"] and not old & set(new.values())
    assert sorted(jwks_kids(server)) == sorted(old | set(new.values()))
    after = signed_in(server)
    assert kids_of(after) == (new["id"], new["access"])
    assert_verified(server, before)  # a fresh verifier, the old pair still published
    assert_verified(server, after)

    assert admin.post(f"/tenants/{POOL}/clock", json={"advance_seconds": 601}).status_code == 200
    assert sorted(jwks_kids(server)) == sorted(new.values())  # the grace ended on the pool's clock
    refused = aws_jwt_verify(server, before["IdToken"], "id")
    assert not refused["ok"] and old & {word.strip("'\".,") for word in refused["error"].split()}, refused

    assert admin.post("/reset").status_code == 200  # back to the seed: the first pair signs again
    assert sorted(jwks_kids(server)) == sorted(old) and kids_of(signed_in(server)) == kids_of(before)


def test_a_restart_keeps_both_keys_and_their_roles(tmp_path):
    first = serve(tmp_path)
    try:
        kids, published = kids_of(signed_in(first)), jwks_kids(first)
    finally:
        first.stop()
    again = serve(tmp_path)
    try:
        assert jwks_kids(again) == published
        assert kids_of(signed_in(again)) == kids
    finally:
        again.stop()


def userinfo(server, headers: dict) -> httpx.Response:
    return httpx.get(server.tenant_url(f"/{POOL}/oauth2/userInfo"), headers=headers, verify=server.verify)


def assert_refused(response: httpx.Response, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": error, "error_description": description}
    assert response.headers["www-authenticate"] == f'Bearer error="{error}", error_description="{description}"'


def test_userinfo_answers_a_token_without_openid_and_a_bad_token_as_cognito_does(server, admin):
    minted = admin.post(f"/tenants/{POOL}/tokens", json={"username": "alice"}).json()
    answered = userinfo(server, {"Authorization": "Bearer " + minted["access_token"]})
    assert answered.status_code == 200 and answered.json()["username"] == "alice"
    # The user-pool API's access token carries aws.cognito.signin.user.admin only (docs/vendors.md).
    api_token = signed_in(server)["AccessToken"]
    for no_openid in (api_token, minted["id_token"]):  # an ID token carries no scope at all
        assert_refused(userinfo(server, {"Authorization": "Bearer " + no_openid}), 401, "invalid_token", NO_OPENID)
    for bad in ("garbage", minted["access_token"][:-4] + "AAAA"):
        assert_refused(userinfo(server, {"Authorization": "Bearer " + bad}), 401, "invalid_token", BAD_TOKEN)
    for headers in ({}, {"Authorization": "Basic a2V5cy1hcHA6eA=="}):
        assert_refused(userinfo(server, headers), 400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint")


def test_a_seeded_key_signs_the_access_tokens_and_a_key_of_its_own_the_id_tokens(tmp_path):
    key = RSAKey.generate_key(2048)
    (tmp_path / "pool.pem").write_bytes(key.as_pem(private=True))
    (tmp_path / "seed.yaml").write_text(SEED.replace("    flavor: cognito\n", "    flavor: cognito\n"
                                                     "    signing_key: {pem_file: pool.pem, kid: pool-key}\n", 1))
    running = serve(tmp_path)
    try:
        minted = httpx.post(running.base_url + f"/_admin/tenants/{POOL}/tokens", json={"username": "alice"},
                            verify=running.verify).json()
        id_kid, access_kid = kids_of(minted)
        assert access_kid == "pool-key" and id_kid != access_kid and sorted(jwks_kids(running)) == sorted([id_kid, access_kid])
        public = RSAKey.import_key(key.as_dict(private=False))
        assert jwt.decode(minted["access_token"], public, algorithms=["RS256"]).claims["token_use"] == "access"
    finally:
        running.stop()
