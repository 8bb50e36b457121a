"""examples/docker-compose.yml: its settings are real, and its sample app signs a browser in over
mock_idp's public URL while it redeems the code at the internal one (run here without Docker:
the same app script and the same MOCK_IDP_* settings, the two URLs two loopback names)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from conftest import Browser, free_port, stop_process
from mock_idp.config.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / "examples"
COMPOSE = yaml.safe_load((EXAMPLE / "docker-compose.yml").read_text())


def test_compose_file_names_real_settings_and_files():
    idp, app = COMPOSE["services"]["mock-idp"], COMPOSE["services"]["app"]
    assert (EXAMPLE / idp["build"] / "Dockerfile").is_file()
    for name in idp["environment"]:
        assert name.removeprefix("MOCK_IDP_").lower() in Settings.model_fields, name
    assert idp["environment"]["MOCK_IDP_TLS"] == "true"
    assert (EXAMPLE / "compose-app" / "app.py").is_file()
    assert app["environment"]["OIDC_DISCOVERY_URL"].startswith(idp["environment"]["MOCK_IDP_INTERNAL_BASE_URLS"])


def wait_for(url: str, verify, process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(url, verify=verify, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_sample_app_signs_in_through_the_public_url_and_redeems_at_the_internal_one(tmp_path):
    idp_port, app_port = free_port(), free_port()
    public, internal = f"https://localhost:{idp_port}", f"https://127.0.0.1:{idp_port}"
    redirect = f"http://localhost:{app_port}/callback"
    seed = ("tenants:\n  okta:\n    flavor: okta\n    authorization_server: default\n    clients:\n"
            f"      - {{client_id: 0oa-appsync-web, client_secret: appsync-web-secret, redirect_uris: [{redirect}]}}\n"
            "    users: [{username: alice, password: alice-password, claims: {email: alice@example.com}}]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}
    idp_env = {**env, "MOCK_IDP_PORT": str(idp_port), "MOCK_IDP_TLS": "true", "MOCK_IDP_BASE_URL": public,
               "MOCK_IDP_INTERNAL_BASE_URLS": internal, "MOCK_IDP_DATA_DIR": str(tmp_path / "data"),
               "MOCK_IDP_CONFIG_INLINE": seed}
    ca = tmp_path / "data" / "tls" / "ca.pem"
    # The app first, as compose without service_healthy starts it: it waits for the CA itself.
    app_env = {**env, "PORT": str(app_port), "OIDC_CLIENT_ID": "0oa-appsync-web",
               "OIDC_CLIENT_SECRET": "appsync-web-secret", "OIDC_REDIRECT_URI": redirect,
               "OIDC_DISCOVERY_URL": f"{internal}/okta/oauth2/default/.well-known/openid-configuration",
               "OIDC_CA_FILE": str(ca)}
    app = subprocess.Popen([sys.executable, EXAMPLE / "compose-app" / "app.py"], env=app_env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    idp = None
    try:
        assert app.stdout.readline().startswith(f"app: waiting for {ca}")
        idp = subprocess.Popen([Path(sys.executable).parent / "mock-idp", "serve"], env=idp_env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(f"{internal}/healthz", False, idp)
        # The image's HEALTHCHECK (mock-idp healthcheck) with the same settings, over TLS.
        health = subprocess.run([Path(sys.executable).parent / "mock-idp", "healthcheck"], env=idp_env,
                                capture_output=True, text=True, timeout=30)
        assert health.returncode == 0, health.stdout + health.stderr
        wait_for(f"http://localhost:{app_port}/nowhere", True, app)
        browser = Browser()
        browser.http = httpx.Client(follow_redirects=False, timeout=10, verify=str(ca))
        start = browser.get(f"http://localhost:{app_port}/")
        assert start.headers["location"].startswith(f"{public}/okta/oauth2/default/v1/authorize?")
        back = browser.authorize(start.headers["location"])
        assert back.headers["location"].startswith(redirect)
        result = browser.get(back.headers["location"])
        assert result.status_code == 200, result.text
        assert result.json() == {"issuer": f"{public}/okta/oauth2/default",
                                 "userinfo": result.json()["userinfo"]}
        assert result.json()["userinfo"]["email"] == "alice@example.com"
        app.send_signal(signal.SIGTERM)  # docker compose down
        assert app.wait(timeout=3) == 0
    finally:
        stop_process(app)
        if idp is not None:
            stop_process(idp)


def test_sample_app_waiting_for_the_ca_stops_at_once_on_sigterm(tmp_path):
    env = {**os.environ, "OIDC_DISCOVERY_URL": "https://mock-idp:8443/", "OIDC_CLIENT_ID": "x",
           "OIDC_CLIENT_SECRET": "y", "OIDC_REDIRECT_URI": "http://localhost/cb", "OIDC_CA_FILE": str(tmp_path / "ca.pem")}
    app = subprocess.Popen([sys.executable, EXAMPLE / "compose-app" / "app.py"], env=env,
                           stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout.readline().startswith("app: waiting for")
        started = time.monotonic()
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=3) == 0 and time.monotonic() - started < 2
    finally:
        stop_process(app)
