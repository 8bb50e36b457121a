"""Negative tests in the shape of the OpenID Foundation conformance suite's OP test plans (basic,
implicit, hybrid, form_post, PKCE, refresh): each row one bad request and exactly what must come
back — the error code, the status, and where it goes: `shown` on our page (never redirected, RFC
6749 §4.1.2.1), redirected in the `query`, the `fragment` or by `form_post` with the state, or as
`json` from a back-channel endpoint (RFC 6749 §5.2)."""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from e2e.helpers import REDIRECT_URI, new_verifier, s256

STATE = "st-neg"


@dataclass(frozen=True)
class Case:
    plan: str
    name: str
    params: dict
    error: str
    status: int
    where: str  # shown | query | fragment | form_post | json
    endpoint: str = "authorization_endpoint"
    auth: tuple | None = None
    extra: list = field(default_factory=list)  # repeated parameters, appended as given

    @property
    def id(self) -> str:
        return f"{self.plan}-{self.name}"


def code(**params) -> dict:
    return {"client_id": "demo-web", "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "openid",
            "state": STATE, **params}


def implicit(response_type="id_token", **params) -> dict:
    return code(response_type=response_type, nonce="n-1", **params)


WEB = ("demo-web", "demo-web-secret")
AUTHORIZATION = [
    # basic (oidcc-basic-certification-test-plan): before the client and redirect URI are trusted
    Case("basic", "missing-client-id", code(client_id=None), "invalid_request", 400, "shown"),
    Case("basic", "unknown-client", code(client_id="nobody"), "invalid_client", 400, "shown"),
    Case("basic", "unregistered-redirect-uri", code(redirect_uri="https://evil.example/cb"),
         "invalid_request", 400, "shown"),
    Case("basic", "redirect-uri-with-extra-path", code(redirect_uri=REDIRECT_URI + "/x"), "invalid_request", 400,
         "shown"),
    Case("basic", "repeated-client-id", code(), "invalid_request", 400, "shown", extra=[("client_id", "demo-web")]),
    # basic: after — redirected with the state
    Case("basic", "unsupported-response-type", code(response_type="banana"), "unsupported_response_type", 302,
         "query"),
    Case("basic", "prompt-none-without-session", code(prompt="none"), "login_required", 302, "query"),
    Case("basic", "max-age-not-a-number", code(max_age="soon"), "invalid_request", 302, "query"),
    Case("basic", "max-age-too-long", code(max_age="9" * 40), "invalid_request", 302, "query"),
    Case("basic", "repeated-nonce", code(nonce="a"), "invalid_request", 302, "query", extra=[("nonce", "b")]),
    Case("basic", "repeated-prompt", code(prompt="login"), "invalid_request", 302, "query",
         extra=[("prompt", "login")]),
    Case("basic", "unknown-response-mode", code(response_mode="carrier-pigeon"), "invalid_request", 302, "query"),
    # OIDC Core §3.1.2.6: what discovery says is not supported is refused, not silently ignored
    # (oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported, oidcc-request-uri-*)
    Case("basic", "request-object", code(request="eyJhbGciOiJub25lIn0.eyJzdGF0ZSI6Inh4In0."), "request_not_supported",
         302, "query"),
    Case("basic", "request-uri", code(request_uri="https://rp.example/request.jwt"), "request_uri_not_supported",
         302, "query"),
    Case("basic", "registration", code(registration='{"client_name": "x"}'), "registration_not_supported", 302,
         "query"),
    Case("implicit", "request-object", implicit(request="eyJhbGciOiJub25lIn0.e30."), "request_not_supported", 302,
         "fragment"),
    # implicit (oidcc-implicit-certification-test-plan)
    Case("implicit", "prompt-none-without-session", implicit(prompt="none"), "login_required", 302, "fragment"),
    Case("implicit", "nonce-missing", code(response_type="id_token"), "invalid_request", 302, "fragment"),
    Case("implicit", "tokens-in-query-refused", implicit(response_mode="query"), "invalid_request", 302,
         "fragment"),
    # hybrid (oidcc-hybrid-certification-test-plan)
    Case("hybrid", "prompt-none-without-session", implicit("code id_token", prompt="none"), "login_required", 302,
         "fragment"),
    Case("hybrid", "nonce-missing", code(response_type="code id_token"), "invalid_request", 302, "fragment"),
    # form_post (oidcc-formpost-*-certification-test-plan)
    Case("form_post", "prompt-none-without-session", code(prompt="none", response_mode="form_post"),
         "login_required", 200, "form_post"),
    Case("form_post", "implicit-prompt-none", implicit(prompt="none", response_mode="form_post"),
         "login_required", 200, "form_post"),
    # PKCE (RFC 7636 §4.4.1, OAuth 2.1: public clients must use it)
    Case("pkce", "public-client-without-challenge", code(client_id="demo-spa"), "invalid_request", 302, "query"),
    Case("pkce", "unknown-challenge-method", code(client_id="demo-spa", code_challenge="x" * 43,
                                                  code_challenge_method="S512"), "invalid_request", 302, "query"),
]

TOKEN = [
    Case("basic", "unsupported-grant-type", {"grant_type": "urn:example:nope"}, "unsupported_grant_type", 400,
         "json", "token_endpoint", WEB),
    Case("basic", "missing-grant-type", {}, "invalid_request", 400, "json", "token_endpoint", WEB),
    Case("basic", "missing-code", {"grant_type": "authorization_code", "redirect_uri": REDIRECT_URI},
         "invalid_request", 400, "json", "token_endpoint", WEB),
    Case("basic", "unknown-code", {"grant_type": "authorization_code", "code": "nope", "redirect_uri": REDIRECT_URI},
         "invalid_grant", 400, "json", "token_endpoint", WEB),
    Case("basic", "wrong-client-secret", {"grant_type": "authorization_code", "code": "nope"}, "invalid_client",
         401, "json", "token_endpoint", ("demo-web", "wrong")),
    Case("basic", "no-client-authentication", {"grant_type": "authorization_code", "code": "nope",
                                               "client_id": "demo-web"}, "invalid_client", 401, "json",
         "token_endpoint"),
    Case("basic", "repeated-parameter", {"grant_type": "client_credentials"}, "invalid_request", 400, "json",
         "token_endpoint", ("demo-service", "demo-service-secret"), extra=[("scope", "a"), ("scope", "b")]),
    Case("basic", "grant-not-allowed-for-client", {"grant_type": "client_credentials"}, "unauthorized_client", 400,
         "json", "token_endpoint", WEB),
    Case("refresh", "unknown-refresh-token", {"grant_type": "refresh_token", "refresh_token": "nope"},
         "invalid_grant", 400, "json", "token_endpoint", WEB),
    Case("refresh", "missing-refresh-token", {"grant_type": "refresh_token"}, "invalid_request", 400, "json",
         "token_endpoint", WEB),
    Case("basic", "introspection-without-client", {"token": "x"}, "invalid_client", 401, "json",
         "introspection_endpoint"),
    Case("basic", "revocation-bad-hint", {"token": "x", "token_type_hint": "banana"}, "unsupported_token_type", 400,
         "json", "revocation_endpoint", ("demo-service", "demo-service-secret")),
]


def outcome(response: httpx.Response) -> tuple[str, int, dict]:
    """(where it went, status, the parameters or body) of an answer."""
    status = response.status_code
    if status == 302:
        location = urlsplit(response.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
        where = "fragment" if location.fragment else "query"
        return where, status, dict(parse_qsl(location.fragment or location.query))
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        return "json", status, response.json()
    form = re.search(r'<form method="post" action="([^"]*)">(.*?)</form>', response.text, re.S)
    if status == 200 and form:
        assert html.unescape(form.group(1)) == REDIRECT_URI
        fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))
        return "form_post", status, {html.unescape(k): html.unescape(v) for k, v in fields}
    error = next((e for e in ("invalid_request", "invalid_client") if e in response.text), None)
    return "shown", status, {"error": error}


@pytest.mark.parametrize("case", AUTHORIZATION, ids=lambda case: case.id)
def test_authorization_request(core_discovery, case):
    items = [(k, v) for k, v in case.params.items() if v is not None] + case.extra
    response = httpx.get(core_discovery[case.endpoint] + "?" + urlencode(items))
    where, status, answer = outcome(response)
    assert (where, status, answer.get("error")) == (case.where, case.status, case.error), answer
    if where != "shown":
        assert answer["state"] == STATE  # RFC 6749 §4.1.2.1: the state comes back with the error
        assert "error_description" not in answer or "Traceback" not in answer["error_description"]
    else:
        assert "location" not in response.headers


@pytest.mark.parametrize("case", TOKEN, ids=lambda case: case.id)
def test_back_channel_request(core_discovery, case):
    items = list(case.params.items()) + case.extra
    response = httpx.post(core_discovery[case.endpoint], content=urlencode(items), auth=case.auth,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    where, status, answer = outcome(response)
    assert (where, status, answer.get("error")) == (case.where, case.status, case.error), answer
    assert response.headers["cache-control"] == "no-store"
    if status == 401:
        assert response.headers["www-authenticate"]  # RFC 6749 §5.2: a challenge with the 401


def test_pkce_mismatch_is_invalid_grant_and_a_missing_verifier_invalid_request(browser, core_discovery):
    verifier = new_verifier()
    query = code(client_id="demo-spa", code_challenge=s256(verifier), code_challenge_method="S256")
    location = browser.authorize(core_discovery["authorization_endpoint"] + "?" + urlencode(query))
    issued = dict(parse_qsl(urlsplit(location.headers["location"]).query))["code"]
    base = {"grant_type": "authorization_code", "code": issued, "redirect_uri": REDIRECT_URI, "client_id": "demo-spa"}
    # RFC 7636 §4.6 for the mismatch; RFC 6749 §5.2 for a required parameter left out.
    for verifier_sent, error in (("x" * 43, "invalid_grant"), (None, "invalid_request")):
        data = {**base, **({"code_verifier": verifier_sent} if verifier_sent else {})}
        answer = httpx.post(core_discovery["token_endpoint"], data=data)
        assert (answer.status_code, answer.json()["error"]) == (400, error)
    assert httpx.post(core_discovery["token_endpoint"], data={**base, "code_verifier": verifier}).status_code == 200


def test_userinfo_without_and_with_a_bad_token(core_discovery):
    bare = httpx.get(core_discovery["userinfo_endpoint"])
    assert bare.status_code == 401 and bare.headers["www-authenticate"].startswith("Bearer")
    bad = httpx.get(core_discovery["userinfo_endpoint"], headers={"Authorization": "Bearer not.a.token"})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["www-authenticate"]
