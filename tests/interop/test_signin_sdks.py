"""Signing in without a browser, with the vendors' own SDKs and their defaults, over HTTPS (the
local CA trusted as the README says: NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, boto3's `verify`):
@okta/okta-auth-js signInWithCredentials + sessionToken + code exchange, auth0-python GetToken.login
and Database.signup, boto3 cognito-idp. Each token is then verified as test_vendor_libraries does.
"""

import base64
import hashlib
import hmac
import secrets

import boto3
import pytest
from auth0.authentication import Database, GetToken, RevokeToken, Users
from auth0.authentication.exceptions import Auth0Error
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier

from node_runner import run_node
from vendor_interop import REDIRECT_URI

CONNECTION = "Username-Password-Authentication"
API = "https://customers.example.com"


def accepted(result: dict) -> dict:
    assert result["ok"], f"the library refused: {result}"
    return result


# -- @okta/okta-auth-js ---------------------------------------------------------------------------

@pytest.mark.parametrize("issuer_path, audience", [("/okta/oauth2/default", "api://default"), ("/okta", None)])
def test_okta_auth_js_signs_in_with_credentials_and_trades_the_session_token_for_tokens(tls_seed_server, issuer_path,
                                                                                         audience):
    issuer = tls_seed_server.tenant_url(issuer_path)
    result = accepted(run_node("okta_signin.mjs", {
        "issuer": issuer, "clientId": "0oa-spa", "redirectUri": REDIRECT_URI,
        "username": "alice@example.com", "password": "alice-password"}, ca=tls_seed_server.ca))
    assert result["status"] == "SUCCESS" and result["user"]["profile"]["login"] == "alice@example.com"
    # The SDK checked the ID token (signature, iss, aud, nonce) in exchangeCodeForTokens.
    assert result["idClaims"]["sub"] == result["user"]["id"] and result["idClaims"]["nonce"] == result["nonce"]
    assert result["idClaims"]["iss"] == issuer and result["idClaims"]["sub"].startswith("00u")
    if audience:  # @okta/jwt-verifier knows custom authorization servers only ({issuer}/v1/keys)
        id_token = accepted(run_node("okta.mjs", {"issuer": issuer, "clientId": "0oa-spa", "kind": "id",
                                                  "token": result["idToken"], "nonce": result["nonce"]},
                                     ca=tls_seed_server.ca))
        assert id_token["claims"]["sub"] == result["user"]["id"]
        access = accepted(run_node("okta.mjs", {"issuer": issuer, "clientId": "0oa-spa", "kind": "access",
                                                "token": result["accessToken"], "audience": audience}, ca=tls_seed_server.ca))
        assert access["claims"]["sub"] == "alice@example.com" and access["claims"]["cid"] == "0oa-spa"


def test_okta_auth_js_reports_a_wrong_password_as_okta_does(tls_seed_server):
    result = run_node("okta_signin.mjs", {
        "issuer": tls_seed_server.tenant_url("/okta/oauth2/default"), "clientId": "0oa-spa", "redirectUri": REDIRECT_URI,
        "username": "alice@example.com", "password": "wrong"}, ca=tls_seed_server.ca)
    assert not result["ok"] and "Authentication failed" in result["error"]


# -- auth0-python -----------------------------------------------------------------------------------

@pytest.fixture
def auth0(tls_seed_server, monkeypatch):
    """auth0-python (requests) trusting the local CA; its domain is the tenant without https://."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_seed_server.ca))
    return tls_seed_server.tenant_url("/auth0").removeprefix("https://")


def auth0_verified(tls_seed_server, token: str, client_id: str) -> dict:
    issuer = tls_seed_server.tenant_url("/auth0/")
    signature = AsymmetricSignatureVerifier(issuer + ".well-known/jwks.json")
    return TokenVerifier(signature_verifier=signature, issuer=issuer, audience=client_id).verify(token)


def auth0_api_accepts(tls_seed_server, token: str) -> dict:
    result = accepted(run_node("auth0_api.mjs", {"issuerBaseURL": tls_seed_server.tenant_url("/auth0/"), "audience": API,
                                                 "token": token}, ca=tls_seed_server.ca))
    assert result["status"] == 200, result
    return result["payload"]


def test_auth0_python_get_token_login_with_a_realm(tls_seed_server, auth0):
    tokens = GetToken(auth0, "auth0-tests", client_secret="auth0-tests-secret").login(
        "alice@example.com", "alice-password", realm=CONNECTION, scope="openid profile email offline_access",
        audience=API)
    claims = auth0_verified(tls_seed_server, tokens["id_token"], "auth0-tests")
    assert claims["email"] == "alice@example.com" and "refresh_token" in tokens
    payload = auth0_api_accepts(tls_seed_server, tokens["access_token"])
    assert payload["sub"] == claims["sub"] and payload["gty"] == "password"


def test_auth0_python_database_signup_then_login_as_the_new_user(tls_seed_server, auth0):
    email = f"new-{secrets.token_hex(4)}@example.com"
    created = Database(auth0, "auth0-spa").signup(email, "N3w-user-password!", CONNECTION, name="New User")
    tokens = GetToken(auth0, "auth0-tests", client_secret="auth0-tests-secret").login(
        email, "N3w-user-password!", realm=CONNECTION, scope="openid profile email", audience=API)
    claims = auth0_verified(tls_seed_server, tokens["id_token"], "auth0-tests")
    assert claims["sub"] == "auth0|" + created["_id"] and claims["email"] == email
    assert auth0_api_accepts(tls_seed_server, tokens["access_token"])["sub"] == claims["sub"]


def test_auth0_python_refreshes_reads_userinfo_and_revokes_the_refresh_token(tls_seed_server, auth0):
    client = GetToken(auth0, "auth0-tests", client_secret="auth0-tests-secret")
    tokens = client.login("alice@example.com", "alice-password", realm=CONNECTION,
                          scope="openid profile email offline_access", audience=API)
    refreshed = client.refresh_token(tokens["refresh_token"])
    assert auth0_api_accepts(tls_seed_server, refreshed["access_token"])["sub"] == \
        auth0_verified(tls_seed_server, tokens["id_token"], "auth0-tests")["sub"]
    assert Users(auth0).userinfo(refreshed["access_token"])["email"] == "alice@example.com"
    # RevokeToken posts JSON, as Auth0's /oauth/revoke takes it; the revoked token refreshes no more.
    RevokeToken(auth0, "auth0-tests", client_secret="auth0-tests-secret").revoke_refresh_token(
        refreshed.get("refresh_token", tokens["refresh_token"]))
    with pytest.raises(Auth0Error) as refused:
        client.refresh_token(refreshed.get("refresh_token", tokens["refresh_token"]))
    assert (refused.value.status_code, refused.value.error_code) == (403, "invalid_grant")


# -- boto3 cognito-idp --------------------------------------------------------------------------------

def cognito(tls_seed_server):
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=tls_seed_server.tenant_url("/cognito"),
                        verify=str(tls_seed_server.ca))


def cognito_verified(tls_seed_server, token: str, kind: str, client_id: str) -> dict:
    issuer = tls_seed_server.tenant_url("/cognito")
    result = accepted(run_node("aws_verify.mjs", {
        "verifier": "cognito", "issuer": issuer, "jwksUri": issuer + "/.well-known/jwks.json",
        "tokenUse": kind, "clientId": client_id, "token": token}, ca=tls_seed_server.ca))
    return result["payload"]


@pytest.mark.parametrize("client_id, secret", [("cognito-public-client", None),
                                               ("cognito-app-client", "cognito-app-secret-0123456789")])
def test_boto3_initiate_auth_get_user_refresh_and_global_sign_out(tls_seed_server, client_id, secret):
    idp = cognito(tls_seed_server)
    extra = {}
    if secret:  # SECRET_HASH as AWS documents it: Base64(HMAC-SHA256(secret, username + client id))
        digest = hmac.new(secret.encode(), ("alice" + client_id).encode(), hashlib.sha256).digest()
        extra["SECRET_HASH"] = base64.b64encode(digest).decode()
    result = idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
                               AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password", **extra})
    tokens = result["AuthenticationResult"]
    assert cognito_verified(tls_seed_server, tokens["IdToken"], "id", client_id)["cognito:username"] == "alice"
    assert cognito_verified(tls_seed_server, tokens["AccessToken"], "access", client_id)["username"] == "alice"
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"

    refreshed = idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
                                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], **extra})
    renewed = refreshed["AuthenticationResult"]
    assert "RefreshToken" not in renewed
    assert cognito_verified(tls_seed_server, renewed["AccessToken"], "access", client_id)["username"] == "alice"

    idp.global_sign_out(AccessToken=renewed["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=tokens["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
                          AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], **extra})
    # botocore checks RevokeToken's ClientSecret client-side (24 characters at least): the seeded one passes.
    idp.revoke_token(Token=tokens["RefreshToken"], ClientId=client_id, **({"ClientSecret": secret} if secret else {}))
