"""`mock-idp serve` writes one line per request (tenant, endpoint, client, grant, outcome, error,
duration) as text or JSON, with codes, tokens and secrets in query strings redacted."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import REPO, SEEDS, free_port, stop_process

MOCK_IDP = Path(sys.executable).parent / "mock-idp"


def serve(tmp_path, *flags: str, config: Path = SEEDS / "core.yaml") -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}
    process = subprocess.Popen([MOCK_IDP, "serve", "--config", str(config), "--port", str(port),
                                "--data-dir", str(tmp_path / "data"), *flags], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=0.5)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.05)
    stop_process(process)
    raise AssertionError(process.stderr.read())


def requests(base: str) -> None:
    httpx.post(f"{base}/default/token", auth=("demo-service", "demo-service-secret"),
               data={"grant_type": "client_credentials"})
    httpx.post(f"{base}/default/token", data={"grant_type": "authorization_code", "code": "stolen-code",
                                              "client_id": "demo-web", "client_secret": "wrong"})
    httpx.get(f"{base}/default/authorize", params={"client_id": "demo-web", "response_type": "code",
                                                   "redirect_uri": "http://localhost:3000/callback",
                                                   "scope": "openid", "state": "s", "prompt": "none",
                                                   "id_token_hint": "secret.jwt.here"})


def test_json_lines_name_tenant_endpoint_client_grant_outcome_and_mask_secrets(tmp_path):
    process, base = serve(tmp_path, "--log-format", "json")
    try:
        requests(base)
    finally:
        stop_process(process)
    output = process.stdout.read()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    token_ok, token_bad, authorize = [entry for entry in lines if entry["endpoint"]][-3:]
    assert token_ok | {"duration_ms": 0} == {
        "tenant": "default", "endpoint": "token_endpoint", "method": "POST", "path": "/default/token",
        "status": 200, "client": "demo-service", "grant": "client_credentials", "outcome": "ok",
        "error": None, "duration_ms": 0}
    assert token_ok["duration_ms"] > 0
    assert (token_bad["client"], token_bad["grant"], token_bad["outcome"], token_bad["error"]) == (
        "demo-web", "authorization_code", "error", "invalid_client")
    assert authorize["endpoint"] == "authorization_endpoint" and authorize["error"] == "login_required"
    assert authorize["outcome"] == "error" and "id_token_hint=redacted" in authorize["path"]
    assert "stolen-code" not in output and "secret.jwt.here" not in output and "wrong" not in output
    # One line per request: uvicorn's own access log is replaced, not doubled.
    assert "HTTP/1.1" not in output + process.stderr.read()


def test_text_lines_and_no_access_log(tmp_path):
    process, base = serve(tmp_path)
    try:
        requests(base)
    finally:
        stop_process(process)
    text = [line for line in process.stdout.read().splitlines() if line.startswith("POST /default/token")]
    assert text and "tenant=default endpoint=token_endpoint client=demo-service grant=client_credentials outcome=ok" in text[0]
    assert text[0].endswith("ms")

    quiet, base = serve(tmp_path, "--no-access-log")
    try:
        requests(base)
    finally:
        stop_process(quiet)
    assert "/default/token" not in quiet.stdout.read() + quiet.stderr.read()


def test_a_json_token_request_names_its_client_and_grant(tmp_path):
    """Auth0's /oauth/token takes JSON bodies, as auth0-python and the Auth0 docs' curl lines send."""
    process, base = serve(tmp_path, "--log-format", "json", config=REPO / "seed_users.yaml")
    try:
        response = httpx.post(f"{base}/auth0/oauth/token", json={
            "grant_type": "client_credentials", "client_id": "auth0-m2m", "client_secret": "auth0-m2m-secret",
            "audience": "https://customers.example.com"})
        assert response.status_code == 200, response.text
    finally:
        stop_process(process)
    output = process.stdout.read()
    token = [json.loads(line) for line in output.splitlines()
             if line.startswith("{") and '"/auth0/oauth/token"' in line][-1]
    assert (token["tenant"], token["client"], token["grant"], token["outcome"]) == (
        "auth0", "auth0-m2m", "client_credentials", "ok")
    assert "auth0-m2m-secret" not in output
