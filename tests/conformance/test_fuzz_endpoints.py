"""A hypothesis fuzzer of every form and JSON endpoint, starting from valid requests and mutating
them (parameters dropped, repeated, replaced by arbitrary text, junk added, other content types,
Basic credentials of any bytes). Over one keep-alive connection to a real server: never a 5xx, never
a traceback, and the connection is never closed on us.

Bounded: MOCK_IDP_FUZZ_REQUESTS in all (3,000 by default), spread over the endpoints."""

import base64
import json
import os
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2e.helpers import REDIRECT_URI

TOTAL = int(os.environ.get("MOCK_IDP_FUZZ_REQUESTS", "3000"))
AUTHZ = {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "openid",
         "state": "s", "nonce": "n", "code_challenge": "E9Melhoe2OwvFrEMTJguCHaoeK1t8URWtrd0bmkEHGk",
         "code_challenge_method": "S256", "prompt": "login", "max_age": "60", "response_mode": "query"}
# (name, method, path under the tenant, valid parameters, Basic credentials, may take JSON)
ENDPOINTS = [
    ("authorize", "GET", "/authorize", AUTHZ, None),
    ("authorize_post", "POST", "/authorize", AUTHZ, None),
    ("login", "POST", "/login", {**AUTHZ, "username": "alice", "password": "alice-password"}, None),
    ("token_code", "POST", "/token", {"grant_type": "authorization_code", "code": "c", "redirect_uri": REDIRECT_URI,
                                      "code_verifier": "v" * 43}, ("demo-web", "demo-web-secret")),
    ("token_refresh", "POST", "/token", {"grant_type": "refresh_token", "refresh_token": "r", "scope": "openid"},
     ("demo-web", "demo-web-secret")),
    ("token_client_credentials", "POST", "/token", {"grant_type": "client_credentials", "scope": "a"},
     ("demo-service", "demo-service-secret")),
    ("token_password", "POST", "/token", {"grant_type": "password", "username": "alice",
                                          "password": "alice-password", "scope": "openid"},
     ("demo-web", "demo-web-secret")),
    ("userinfo", "POST", "/userinfo", {"access_token": "a.b.c"}, None),
    ("introspect", "POST", "/introspect", {"token": "t", "token_type_hint": "access_token"},
     ("demo-service", "demo-service-secret")),
    ("revoke", "POST", "/revoke", {"token": "t", "token_type_hint": "refresh_token"},
     ("demo-service", "demo-service-secret")),
    ("logout", "GET", "/logout", {"id_token_hint": "a.b.c", "post_logout_redirect_uri": "http://localhost:3000/",
                                  "state": "s", "client_id": "demo-web"}, None),
    ("device_authorization", "POST", "/device_authorization", {"client_id": "demo-device", "scope": "openid"}, None),
    ("token_device", "POST", "/token", {"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                                        "device_code": "d", "client_id": "demo-device"}, None),
    ("activate", "POST", "/device", {"user_code": "BCDF-GHJK", "username": "alice", "password": "alice-password",
                                     "decision": "allow"}, None),
]
PER_ENDPOINT = max(1, TOTAL // len(ENDPOINTS))

text = st.text(min_size=0, max_size=60)
weird = st.one_of(text, st.sampled_from(["", "%00", "\x00", "9" * 5000, "é", "\ud7ff", "a" * 3000, "openid openid",
                                         "none login", "form_post", "fragment", "S256", "plain", "[]", "{}"]))


@st.composite
def mutated(draw, valid: dict):
    items = list(valid.items())
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["drop", "repeat", "replace", "add"]))
        if action == "drop" and items:
            items.pop(draw(st.integers(0, len(items) - 1)))
        elif action == "repeat" and items:
            items.append(items[draw(st.integers(0, len(items) - 1))])
        elif action == "replace" and items:
            index = draw(st.integers(0, len(items) - 1))
            items[index] = (items[index][0], draw(weird))
        else:
            items.append((draw(st.one_of(text, st.sampled_from(list(valid)))), draw(weird)))
    return items


def basic(credentials: bytes) -> str:
    return "Basic " + base64.b64encode(credentials).decode()


@st.composite
def requests(draw, valid: dict, auth):
    items = draw(mutated(valid))
    headers = {}
    if auth is not None or draw(st.booleans()):
        choice = draw(st.sampled_from(["valid", "bytes", "scheme", "none"]))
        if choice == "valid" and auth:
            headers["Authorization"] = basic(f"{auth[0]}:{auth[1]}".encode())
        elif choice == "bytes":
            headers["Authorization"] = basic(draw(st.binary(min_size=1, max_size=40)))
        elif choice == "scheme":
            headers["Authorization"] = draw(st.sampled_from(["Basic", "Basic !!!", "Bearer", "Bearer x y", "Digest a"]))
    body = draw(st.sampled_from(["form", "form", "form", "json", "junk", "none"]))
    return items, headers, body


def send(http: httpx.Client, method: str, url: str, items, headers, body) -> httpx.Response:
    if method == "GET":
        return http.get(url + "?" + urlencode(items), headers=headers)
    if body == "json":
        content, kind = json.dumps(dict(items)).encode(), "application/json"
    elif body == "junk":
        content, kind = urlencode(items).encode() + b"\xff\xfe", "application/x-www-form-urlencoded"
    elif body == "none":
        content, kind = b"", ""
    else:
        content, kind = urlencode(items).encode(), "application/x-www-form-urlencoded"
    return http.post(url, content=content, headers={**headers, **({"Content-Type": kind} if kind else {})})


@pytest.fixture(scope="module")
def http(core_server):
    with httpx.Client(timeout=10, http1=True, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize("name, method, path, valid, auth", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_mutated_requests_never_break_the_server_or_the_connection(http, core_issuer, name, method, path, valid,
                                                                   auth):
    @settings(max_examples=PER_ENDPOINT, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(request=requests(valid, auth))
    def fuzz(request):
        items, headers, body = request
        response = send(http, method, core_issuer + path, items, headers, body)
        assert response.status_code < 500, (name, items, headers, response.text[:300])
        assert "Traceback" not in response.text
        # uvicorn says "Connection: close" when it is about to drop the connection.
        assert response.headers.get("connection", "").lower() != "close", (name, items, response.status_code)
    fuzz()
    assert http.get(core_issuer.rsplit("/", 1)[0] + "/healthz").status_code == 200
