"""check-token: AppSync's OPENID_CONNECT rules and Cognito's OIDC-IdP rules on real tokens."""

import base64
import json
import time

import pytest
from aws_support import (APPSYNC_CLIENT, auth0_issuer, auth0_m2m_token, mock_idp, okta_id_token,  # noqa: F401
                         okta_implicit_id_token, okta_issuer)

from mock_idp.aws import AppSyncConfig, check_appsync, check_cognito_idp, fetch_provider


def outcome(verdict) -> dict:
    return {rule.name: rule.ok for rule in verdict.rules}


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_okta_implicit_id_token_is_accepted_with_the_identity_appsync_hands_resolvers(seed_server, okta_id_token):
    config = AppSyncConfig(okta_issuer(seed_server), client_id=APPSYNC_CLIENT, iat_ttl_ms=3_600_000,
                           auth_ttl_ms=3_600_000)
    verdict = check_appsync(okta_id_token, config)

    assert verdict.accepted, verdict.failures
    assert list(outcome(verdict)) == ["jwt", "discovery", "jwks", "iss", "kid", "signature", "exp",
                                      "clientId", "iatTTL", "authTTL"]
    identity = verdict.identity
    assert identity["issuer"] == okta_issuer(seed_server) and identity["sub"].startswith("00u")
    assert identity["claims"]["email"] == "alice@example.com" and identity["claims"]["aud"] == APPSYNC_CLIENT


def test_client_id_is_a_regex_matched_in_full_against_aud_or_azp(seed_server):
    token = auth0_m2m_token(seed_server)  # aud: the API identifier; azp: auth0-m2m
    provider = fetch_provider(auth0_issuer(seed_server))

    def verdict(pattern):
        return check_appsync(token, AppSyncConfig(auth0_issuer(seed_server), client_id=pattern), provider=provider)

    assert verdict(".*").accepted
    assert verdict("auth0-m2m").accepted  # azp
    assert verdict("https://customers\\.example\\.com").accepted  # aud
    refused = verdict("auth0-web")
    assert not refused.accepted and [r.name for r in refused.failures] == ["clientId"]
    assert "auth0-m2m" in refused.failures[0].reason and refused.failures[0].fix
    assert not verdict("auth0").accepted  # a prefix is not a full match


def test_iat_ttl_and_auth_ttl_count_milliseconds(seed_server, okta_id_token):
    claims = claims_of(okta_id_token)
    provider = fetch_provider(okta_issuer(seed_server))
    config = AppSyncConfig(okta_issuer(seed_server), iat_ttl_ms=1500, auth_ttl_ms=1500)

    assert check_appsync(okta_id_token, config, provider=provider, at=claims["iat"] + 1).accepted
    late = check_appsync(okta_id_token, config, provider=provider, at=claims["iat"] + 2)
    assert {r.name for r in late.failures} == {"iatTTL", "authTTL"}
    assert late.identity is None


def test_auth_ttl_rejects_a_token_without_auth_time(seed_server):
    token = auth0_m2m_token(seed_server)
    verdict = check_appsync(token, AppSyncConfig(auth0_issuer(seed_server), auth_ttl_ms=60_000))
    assert [r.name for r in verdict.failures] == ["authTTL"]
    assert "no auth_time" in verdict.failures[0].reason


def test_expired_tampered_and_foreign_tokens_are_refused(seed_server, okta_id_token):
    issuer = okta_issuer(seed_server)
    provider = fetch_provider(issuer)
    expired = check_appsync(okta_id_token, AppSyncConfig(issuer), provider=provider,
                            at=claims_of(okta_id_token)["exp"] + 1)
    assert [r.name for r in expired.failures] == ["exp"]

    header, payload, signature = okta_id_token.split(".")
    forged_claims = {**claims_of(okta_id_token), "email": "mallory@example.com"}
    forged = ".".join([header, base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=").decode(),
                       signature])
    assert [r.name for r in check_appsync(forged, AppSyncConfig(issuer), provider=provider).failures] == ["signature"]

    foreign = check_appsync(auth0_m2m_token(seed_server), AppSyncConfig(issuer), provider=provider)
    assert {"iss", "kid"} <= {r.name for r in foreign.failures}


def test_issuer_must_be_configured_byte_for_byte(seed_server):
    token = auth0_m2m_token(seed_server)
    verdict = check_appsync(token, AppSyncConfig(auth0_issuer(seed_server).rstrip("/")))
    assert [r.name for r in verdict.failures] == ["iss"]
    assert "trailing slash" in verdict.failures[0].reason
    assert auth0_issuer(seed_server) in verdict.failures[0].fix


def test_unreachable_issuer_is_a_rejection_naming_discovery(okta_id_token):
    from conftest import free_port

    verdict = check_appsync(okta_id_token, AppSyncConfig(f"http://127.0.0.1:{free_port()}/okta/oauth2/default"))
    assert [r.name for r in verdict.rules] == ["jwt", "discovery"] and not verdict.accepted
    assert "/.well-known/openid-configuration" in verdict.failures[0].reason


def test_a_string_that_is_no_jwt_is_refused_as_unparsable(seed_server):
    verdict = check_appsync("Bearer nonsense", AppSyncConfig(okta_issuer(seed_server)))
    assert [r.name for r in verdict.rules] == ["jwt"] and not verdict.accepted


def test_cognito_rules_over_plain_http_ask_for_https_and_port_443(seed_server, okta_id_token):
    verdict = check_cognito_idp(okta_id_token, okta_issuer(seed_server), client_id=APPSYNC_CLIENT)
    assert {r.name for r in verdict.failures} == {"https", "ports"}
    passed = outcome(verdict)
    assert passed["signature"] and passed["aud"] and passed["email_verified"] and passed["kid"]
    wrong_client = check_cognito_idp(okta_id_token, okta_issuer(seed_server), client_id="0oa-cognito-federation")
    assert "aud" in {r.name for r in wrong_client.failures}


def test_cognito_wants_email_verified_as_a_boolean(tmp_path, browser):
    from conftest import REPO, start_server

    seed = (REPO / "seed_users.yaml").read_text().replace("email_verified: true", 'email_verified: "true"', 1)
    (tmp_path / "seed.yaml").write_text(seed)
    server = start_server(tmp_path / "seed.yaml", tmp_path / "data")
    try:
        token = okta_implicit_id_token(browser, server)
        verdict = check_cognito_idp(token, okta_issuer(server))
        rule = next(r for r in verdict.rules if r.name == "email_verified")
        assert not rule.ok and "str 'true'" in rule.reason
    finally:
        server.stop()


# -- the command ----------------------------------------------------------------------------------

def test_command_accepts_with_exit_0_and_prints_the_identity(seed_server, okta_id_token):
    result = mock_idp("check-token", okta_id_token, "--for", "appsync", "--issuer", okta_issuer(seed_server),
                      "--client-id", "0oa-appsync-.*", "--iat-ttl", "3600000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ACCEPT: appsync")
    assert "$context.identity:" in result.stdout and '"sub": "00u' in result.stdout


def test_command_rejects_with_exit_1_reason_and_fix(seed_server):
    token = auth0_m2m_token(seed_server)
    result = mock_idp("check-token", "-", "--for", "appsync", "--issuer", auth0_issuer(seed_server),
                      "--client-id", "auth0-web", stdin=token)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("REJECT") and any(line.strip().startswith("FAIL clientId") for line in lines)
    assert any(line.strip().startswith("fix: set the API's clientId") for line in lines)


def test_command_json_carries_every_rule(seed_server, okta_id_token):
    at = str(claims_of(okta_id_token)["exp"] + 60)
    result = mock_idp("check-token", okta_id_token, "--for", "appsync", "--issuer", okta_issuer(seed_server),
                      "--at", at, "--json")
    assert result.returncode == 1
    verdict = json.loads(result.stdout)
    assert verdict["accepted"] is False and verdict["identity"] is None
    assert [r for r in verdict["rules"] if not r["ok"]] == [
        {"name": "exp", "ok": False, "reason": "expired 60 s ago", "fix": "get a fresh token"}]


@pytest.mark.parametrize("args, message", [
    (["--client-id", "("], "not a regular expression"),
    (["--at", "yesterday"], "neither epoch seconds"),
    (["--ca", "/nonexistent/ca.pem"], "no such file"),
    (["--iat-ttl", "0"], "positive number of milliseconds"),
])
def test_unusable_input_exits_2(seed_server, args, message):
    result = mock_idp("check-token", "x.y.z", "--for", "appsync", "--issuer", okta_issuer(seed_server), *args)
    assert result.returncode == 2 and message in result.stderr


def test_at_takes_iso_8601(seed_server, okta_id_token):
    exp = claims_of(okta_id_token)["exp"]
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp - 10))
    result = mock_idp("check-token", okta_id_token, "--for", "appsync", "--issuer", okta_issuer(seed_server),
                      "--at", moment)
    assert result.returncode == 0, result.stdout


def test_the_readme_appsync_steps_work_as_written(seed_server, browser):
    """The authorize URL and the check-token command of docs/aws.md "Using mock_idp with AppSync"."""
    import re
    import shlex
    from urllib.parse import parse_qsl, urlsplit

    from conftest import REPO

    section = (REPO / "docs" / "aws.md").read_text().split("## Using mock_idp with AppSync", 1)[1].split("\n## ", 1)[0]
    encoded = seed_server.base_url.replace(":", "%3A").replace("/", "%2F")  # the redirect_uri's base
    local = lambda text: text.replace("http://127.0.0.1:8000", seed_server.base_url).replace(  # noqa: E731
        "http%3A%2F%2F127.0.0.1%3A8000", encoded)
    url = local(re.search(r"^\s+(http://127\.0\.0\.1:8000/okta\S+/v1/authorize\?\S+)$", section, re.M).group(1))
    landed = browser.authorize(url, "alice", "alice-password")
    fragment = dict(parse_qsl(urlsplit(landed.headers["location"]).fragment))
    assert fragment["state"] == "state-1"
    command = re.search(r"mock-idp check-token .*?\n(?:.*\\\n)*.*", section).group(0)
    args = shlex.split(local(command).replace("\\\n", " ").replace('"$ID_TOKEN"', fragment["id_token"]))
    result = mock_idp(*args[1:])
    assert result.returncode == 0 and result.stdout.startswith("ACCEPT"), result.stdout


@pytest.mark.parametrize("token, message", [
    ("not-a-jwt", "not a signed JWT"), ("a.b.c", "not a signed JWT"), ("", "the token is empty"),
])
@pytest.mark.parametrize("consumer", ["appsync", "cognito-idp"])
def test_a_token_that_is_no_jwt_is_unusable_input_exit_2(token, message, consumer):
    result = mock_idp("check-token", token, "--for", consumer, "--issuer", "http://127.0.0.1:9/unused")
    assert result.returncode == 2 and message in result.stderr and "three base64url parts" in result.stderr
    assert result.stdout == ""
