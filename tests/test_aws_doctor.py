"""doctor: per consumer, what it would reject about a provider, with the fix."""

import json
import os
import subprocess
import sys
from pathlib import Path

from aws_support import auth0_issuer, mock_idp, okta_issuer

from mock_idp.aws import doctor


def failures(reports) -> dict[str, set[str]]:
    return {report.consumer: {rule.name for rule in report.rules if not rule.ok} for report in reports}


def test_a_local_http_okta_issuer_fails_each_consumer_for_its_own_reasons(seed_server):
    found = failures(doctor(okta_issuer(seed_server)))
    assert found == {
        "appsync": {"https", "reachable"},
        "cognito-federation": {"https", "ports", "reachable"},
        "okta-jwt-verifier": {"https"},  # its default jwksUri <issuer>/v1/keys is where Okta's are
        "aws-jwt-verify": {"https", "jwksUri"},  # it looks at <issuer>/.well-known/jwks.json
    }


def test_a_missing_trailing_slash_is_named_for_every_consumer(seed_server):
    reports = doctor(auth0_issuer(seed_server).rstrip("/"))
    for report in reports:
        rule = next(r for r in report.rules if r.name == "issuer")
        assert not rule.ok and "trailing slash" in rule.reason
        assert repr(auth0_issuer(seed_server)) in rule.fix


def test_an_unreachable_provider_fails_every_consumer_on_discovery():
    from conftest import free_port

    reports = doctor(f"http://127.0.0.1:{free_port()}/okta")
    assert all(failures([r])[r.consumer] == {"discovery"} for r in reports)


def test_command_exits_1_and_lists_each_rejection_with_its_fix(seed_server):
    result = mock_idp("doctor", okta_issuer(seed_server))
    assert result.returncode == 1
    assert "cognito-federation: WOULD REJECT" in result.stdout
    assert "FAIL ports" in result.stdout and "fix: serve on 443" in result.stdout
    assert "'Your Okta URL must start with https." in result.stdout


def test_client_checks_for_a_seeded_tenant_client(seed_server):
    seed = str(seed_server.app.state.settings.config)

    def client_failures(client_id):
        result = mock_idp("doctor", okta_issuer(seed_server), "--client", client_id, "--config", seed, "--json")
        assert result.returncode == 1, result.stderr
        return {report["consumer"]: {r["name"] for r in report["rules"] if not r["ok"]}
                for report in json.loads(result.stdout)}

    federation = client_failures("0oa-cognito-federation")["cognito-federation"]
    assert not federation & {"client secret", "client auth", "redirect_uri"}
    spa = client_failures("0oa-spa")
    assert {"client secret", "client auth", "redirect_uri"} <= spa["cognito-federation"]
    assert "client flows" not in spa["appsync"]
    assert "client" in client_failures("no-such-client")["appsync"]


def test_client_checks_without_config_read_the_seed_serve_would(seed_server, tmp_path):
    # As the README's newcomer runs it: no --config, no MOCK_IDP_CONFIG, in a folder without a
    # seed_users.yaml: the packaged default seed, which has the federation client (was a traceback).
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}
    result = subprocess.run([str(Path(sys.executable).with_name("mock-idp")), "doctor", okta_issuer(seed_server),
                             "--client", "0oa-cognito-federation", "--json"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr == "", result.stderr[-2000:]
    federation = next(report for report in json.loads(result.stdout) if report["consumer"] == "cognito-federation")
    failed = {rule["name"] for rule in federation["rules"] if not rule["ok"]}
    assert "client" not in failed and not failed & {"client secret", "client auth", "redirect_uri"}
