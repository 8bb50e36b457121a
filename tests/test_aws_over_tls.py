"""check-token and doctor against a --tls mock_idp on port 443, trusting its CA with --ca: what is
left is only what a loopback address cannot give (AWS reaching it) and the verifiers' defaults."""

import json

import pytest
from aws_support import APPSYNC_CLIENT, mock_idp, okta_implicit_id_token
from conftest import REPO, Browser, spare_loopback_address, start_server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    host = spare_loopback_address()
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("aws-tls"), host=host, port=443,
                           tls=True, tls_san=[host])
    assert running.base_url == f"https://{host}"
    yield running
    running.stop()


def test_doctor_on_https_443_leaves_only_reachability_and_default_jwks_uri(tls_server):
    issuer = tls_server.tenant_url("/okta/oauth2/default")
    result = mock_idp("doctor", issuer, "--ca", str(tls_server.ca), "--json")
    assert result.returncode == 1, result.stderr
    failing = {report["consumer"]: {r["name"] for r in report["rules"] if not r["ok"]}
               for report in json.loads(result.stdout)}
    assert failing == {"appsync": {"reachable"}, "cognito-federation": {"reachable"},
                       "okta-jwt-verifier": set(), "aws-jwt-verify": {"jwksUri"}}


def test_doctor_without_the_ca_fails_on_discovery(tls_server):
    result = mock_idp("doctor", tls_server.tenant_url("/okta/oauth2/default"), "--json")
    reports = json.loads(result.stdout)
    assert result.returncode == 1
    assert all([r["name"] for r in report["rules"] if not r["ok"]] == ["discovery"] for report in reports)
    assert "CERTIFICATE_VERIFY_FAILED" in reports[0]["rules"][0]["reason"]


def test_cognito_idp_rules_accept_an_id_token_from_https_443(tls_server):
    browser = Browser(verify=tls_server.verify)
    try:
        token = okta_implicit_id_token(browser, tls_server)
    finally:
        browser.http.close()
    issuer = tls_server.tenant_url("/okta/oauth2/default")
    result = mock_idp("check-token", token, "--for", "cognito-idp", "--issuer", issuer, "--client-id", APPSYNC_CLIENT,
                      "--ca", str(tls_server.ca))
    assert result.returncode == 0, result.stdout
    assert "ok   https" in result.stdout and "ok   ports" in result.stdout
