"""Malformed input at the day's new operations (Cognito SRP, Auth0 organizations and logout, CORS
Origins): never a 5xx or a traceback; Cognito answers in its JSON error shape (__type, message)."""

import httpx
import pytest

from conftest import SEEDS, start_server

AMZ = "AWSCognitoIdentityProviderService."
BAD_VALUES = [None, 1, [], {}, ["x"], {"a": 1}, "x" * 100_000, "\u00e4\U0001F600\x00", True]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(SEEDS / "management.yaml", tmp_path_factory.mktemp("fuzz-today"), admin=True)
    yield running
    running.stop()


def handled(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.request.method, response.request.url, response.text[:300])
    assert "Traceback" not in response.text


SRP = [("InitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "pool-app",
                         "AuthParameters": {"USERNAME": "x", "SRP_A": "ab"}}),
       ("AdminInitiateAuth", {"AuthFlow": "USER_SRP_AUTH", "ClientId": "pool-app", "UserPoolId": "x",
                              "AuthParameters": {"USERNAME": "x", "SRP_A": "ab"}}),
       ("RespondToAuthChallenge", {"ChallengeName": "PASSWORD_VERIFIER", "ClientId": "pool-app", "Session": "s",
                                   "ChallengeResponses": {"USERNAME": "x", "PASSWORD_CLAIM_SIGNATURE": "x",
                                                          "PASSWORD_CLAIM_SECRET_BLOCK": "x", "TIMESTAMP": "x"}})]


@pytest.mark.parametrize("operation, body", SRP)
def test_cognito_srp_fields_of_every_wrong_type(server, operation, body):
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        def post(payload):
            response = client.post("/cognito", json=payload, headers={
                "X-Amz-Target": AMZ + operation, "Content-Type": "application/x-amz-json-1.1"})
            handled(response)
            if response.status_code >= 400:
                assert set(response.json()) >= {"__type", "message"}, response.text
        for key in body:
            post({k: v for k, v in body.items() if k != key})
            for bad in BAD_VALUES:
                post({**body, key: bad})
            if isinstance(body[key], dict):
                for inner in body[key]:
                    for bad in BAD_VALUES:
                        post({**body, key: {**body[key], inner: bad}})


ODD_QUERIES = ["organization=%00", "organization[]=1&organization=2", "invitation=" + "x" * 20000,
               "organization=%E0%A4", "client_id=app&organization=org_%FF&invitation=%22",
               "returnTo=%00&client_id=%00", "post_logout_redirect_uri=javascript:x&id_token_hint=a.b.c",
               "fields=%00&include_fields=maybe&page=-1&per_page=99999999999999999999&take=x&from=%zz"]
AUTH0_PATHS = ["/auth0/authorize", "/auth0/u/organization", "/auth0/v2/logout", "/auth0/oidc/logout",
               "/auth0/api/v2/organizations", "/auth0/api/v2/organizations/org_x",
               "/auth0/api/v2/organizations/org_x/members", "/auth0/api/v2/organizations/org_x/invitations",
               "/auth0/api/v2/organizations/name/%00"]
ODD_BODIES = [b"{not json", b"[1]", b'{"name": ["a"], "display_name": {"x": 1}, "members": "x"}',
              b'{"members": [1, null, {"a": 1}]}', b'{"invitee": "x", "inviter": [], "client_id": 1}',
              b'{"name": "' + b"x" * 100_000 + b'"}', b"\xff\xfe"]


def test_auth0_organization_and_logout_routes(server):
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        for path in AUTH0_PATHS:
            for query in ODD_QUERIES:
                handled(client.get(f"{path}?{query}"))
            for method in ("POST", "PATCH", "DELETE"):
                for body in ODD_BODIES:
                    for auth in ({}, {"Authorization": "Bearer a.b.c"}):
                        handled(client.request(method, path, content=body,
                                               headers={"Content-Type": "application/json", **auth}))
        for body in (b"grant_type=client_credentials&client_id=backend&client_secret=backend-secret&organization=%00",
                     b"grant_type=client_credentials&client_id=backend&client_secret=backend-secret&organization=a&organization=b",
                     b"grant_type=client_credentials&client_id=backend&client_secret=backend-secret&organization=" + b"x" * 50000):
            handled(client.post("/auth0/oauth/token", content=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}))


ORIGINS = ["null", "http://" + "a" * 20000 + ".com", "http://\u00e4.example", "http://a.com, http://b.com",
           "%00", "http://localhost:3000\r\nX: y", ""]


def test_weird_origins_at_cors_routes(server):
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        for path in ("/auth0/oauth/token", "/okta/oauth2/default/v1/token", "/okta/api/v1/authn", "/cognito",
                     "/auth0/.well-known/openid-configuration", "/okta/api/v1/trustedOrigins"):
            for origin in ORIGINS:
                try:
                    headers = [("Origin", origin)]
                    if origin == "http://a.com, http://b.com":
                        headers = [("Origin", "http://a.com"), ("Origin", "http://b.com")]
                    handled(client.options(path, headers=headers + [("Access-Control-Request-Method", "POST")]))
                    handled(client.post(path, headers=headers, content=b"x"))
                except (httpx.LocalProtocolError, UnicodeEncodeError):
                    continue  # the client refuses to send it: nothing reached the server


def test_auth0_organizations_api_with_a_valid_token(tmp_path_factory):
    """Past the token check: the writes' bodies and params of every wrong shape are Auth0's 4xx JSON."""
    from tests.personas.auth0.test_organizations_api import token as management_token
    server = start_server(SEEDS / "organizations.yaml", tmp_path_factory.mktemp("fuzz-orgs"))
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            token = management_token(server.tenant_url("/auth0/"), "b2b-admin")
            auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            org = client.post("/auth0/api/v2/organizations", headers=auth, json={"name": "fuzz-org"})
            assert org.status_code == 201, org.text
            org_id = org.json()["id"]
            paths = ["/auth0/api/v2/organizations", f"/auth0/api/v2/organizations/{org_id}",
                     f"/auth0/api/v2/organizations/{org_id}/members", f"/auth0/api/v2/organizations/{org_id}/invitations",
                     f"/auth0/api/v2/organizations/{org_id}/invitations/x", "/auth0/api/v2/organizations/name/%00"]
            for path in paths:
                for query in ODD_QUERIES:
                    handled(client.get(f"{path}?{query}", headers=auth))
                for method in ("POST", "PATCH", "DELETE"):
                    for body in ODD_BODIES + [b'{"name": null}', b'{"members": ["' + b"x" * 5000 + b'"]}',
                                              b'{"invitee": {"email": 1}, "inviter": {"name": []}, "client_id": "app"}']:
                        response = client.request(method, path, content=body, headers=auth)
                        handled(response)
                        if response.status_code >= 400 and response.status_code != 405:
                            assert set(response.json()) >= {"statusCode", "error", "message"}, (path, response.text)
    finally:
        server.stop()


ENTRA = "/entra/0c0ffee0-0000-4000-8000-00000000e17a"  # the shipped seed's Entra tenant
ODD_VALUES = ["", "\x00", "x" * 20_000, "é😀", "a&b=c", "https://x"]


def test_entra_v1_and_saml_urls_with_malformed_input(seed_server):
    """The v1.0 token endpoint (every grant, resource and client of odd shape, odd bodies), the v1.0
    discovery, keys, federation metadata, /saml2 and logout with odd queries and methods: Entra's
    4xx, never a 5xx or a traceback."""
    token_paths = [ENTRA + "/oauth2/token", "/entra/common/oauth2/token", "/entra/organizations/oauth2/token"]
    with httpx.Client(base_url=seed_server.base_url, timeout=30) as client:
        for path in token_paths:
            reached = client.post(path, data={"grant_type": "client_credentials"})  # Entra's own refusal, not a 404
            assert reached.status_code == 400 and "AADSTS" in reached.json()["error_description"], reached.text
            for grant in ("client_credentials", "", "password", "\x00", "authorization_code", "refresh_token"):
                for value in ODD_VALUES:
                    handled(client.post(path, data={"grant_type": grant, "resource": value, "client_id": value,
                                                    "client_secret": value}))
            for content_type, body in [("application/json", b"{}"), ("application/json", b"[1]"), ("text/plain", b"x"),
                                       ("application/x-www-form-urlencoded", b"%zz&=%"),
                                       ("application/x-www-form-urlencoded", b"grant_type=a&grant_type=b")]:
                handled(client.post(path, content=body, headers={"Content-Type": content_type}))
        for path in [ENTRA + "/.well-known/openid-configuration", ENTRA + "/discovery/keys",
                     "/entra/common/.well-known/openid-configuration",
                     ENTRA + "/federationmetadata/2007-06/federationmetadata.xml", ENTRA + "/saml2",
                     ENTRA + "/oauth2/v2.0/logout"]:
            for query in ["appid=%00", "appid=" + "x" * 20_000, "appid=a&appid=b", "%zz", "SAMLRequest=%00",
                          "sid=%00&post_logout_redirect_uri=http://evil.example"]:
                for method in ("GET", "POST", "HEAD", "OPTIONS"):
                    handled(client.request(method, f"{path}?{query}", headers={"Origin": "http://evil.example"}))
