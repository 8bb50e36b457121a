"""Fixtures: settings -> app, and a real uvicorn server on a free loopback port."""

import contextlib
import html
import random
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
import yaml

from mock_idp.app import create_app
from mock_idp.config.settings import Settings
from mock_idp.tls import server_files

SEEDS = Path(__file__).parent / "seeds"
REPO = Path(__file__).parent.parent


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server subprocess we started (by its own handle), killing it if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The files that take longest (`pytest --durations`), first: pytest-xdist hands whole files to its
# workers in collection order (--dist loadfile), so a long file started last would leave the other
# worker idle at the end.
LONGEST_FILES = ("test_readme_commands.py", "e2e/test_durability.py", "e2e/test_postgres_durability.py",
                 "test_cli.py", "test_testing.py", "examples/test_aws_recipes.py", "test_request_log.py", "test_aws_check_token.py")


def pytest_collection_modifyitems(items) -> None:
    def rank(item) -> int:
        path = item.path.as_posix()
        return next((n for n, name in enumerate(LONGEST_FILES) if path.endswith("/tests/" + name)), len(LONGEST_FILES))
    items.sort(key=rank)  # stable: the order within a file and among the rest is kept


def spare_loopback_address() -> str:
    """A 127/8 address of one's own: a server on a fixed port (443) there collides with no one's."""
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    base_url: str
    app: object
    server: uvicorn.Server
    ca: Path | None = None  # the local CA of a --tls server

    def tenant_url(self, path: str) -> str:
        return self.base_url + path

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """httpx's `verify` for this server: trust its CA (and nothing more) over TLS."""
        return ssl.create_default_context(cafile=str(self.ca)) if self.ca else True

    def stop(self) -> None:
        self.server.should_exit = True


def start_server(config: Path, data_dir: Path, port: int | None = None, **settings) -> RunningServer:
    """A real server in a thread; `tls=True` serves HTTPS with the data dir's local CA."""
    settings = Settings(config=config, port=port or free_port(), data_dir=data_dir, **settings)
    app = create_app(settings)
    tls, ca = {}, None
    if settings.tls_enabled:
        files = server_files(settings)
        tls, ca = {"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key)}, files.ca
    return serve_asgi(app, settings.port, host=settings.host, base_url=settings.local_url, ca=ca,
                      log_level=settings.log_level if "log_level" in settings.model_fields_set else "warning", **tls)


def serve_asgi(app, port: int | None = None, host: str = "127.0.0.1", base_url: str | None = None,
               ca: Path | None = None, log_level: str = "warning", **uvicorn_options) -> RunningServer:
    """Any ASGI app (ours, or an example's) on a loopback port, in a thread, until stop()."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level, proxy_headers=False,
                                           **uvicorn_options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    return RunningServer(base_url or f"http://{host}:{port}", app, server, ca)


@contextlib.contextmanager
def serving_on_443(seed: dict, folder: Path):
    """`seed` served over HTTPS on port 443 of a loopback address of its own, with the admin API,
    its local CA trusted by `requests` as `mock-idp ca` says (MSAL asks port 443 for the user realm)."""
    (folder / "seed.yaml").write_text(yaml.safe_dump(seed))
    running = start_server(folder / "seed.yaml", folder / "data", host=spare_loopback_address(), port=443, tls=True,
                           admin=True)
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("REQUESTS_CA_BUNDLE", str(running.ca))
            yield running
    finally:
        running.stop()


def seed_fixture(seed: str, scope: str = "session", **settings):
    """A fixture serving tests/seeds/<seed> for its `scope` (for a folder's conftest.py), with
    start_server's `settings` (admin=True...)."""
    @pytest.fixture(scope=scope)
    def serve(tmp_path_factory):
        running = start_server(SEEDS / seed, tmp_path_factory.mktemp(Path(seed).stem), **settings)
        yield running
        running.stop()
    return serve


@pytest.fixture(scope="session")
def core_server(tmp_path_factory):
    """The core seed (one generic tenant at /default), served for the whole session."""
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("core-data"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def core_issuer(core_server) -> str:
    return core_server.tenant_url("/default")


@pytest.fixture(scope="session")
def core_discovery(core_issuer) -> dict:
    return httpx.get(core_issuer + "/.well-known/openid-configuration").json()


class Browser:
    """A cookie-keeping user agent that fills in our login form like a person would."""

    def __init__(self, verify: ssl.SSLContext | bool = True):
        self.http = httpx.Client(follow_redirects=False, timeout=10, verify=verify)

    def get(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def login(self, page: httpx.Response, username: str, password: str) -> httpx.Response:
        """Submit the login form found on `page` with the given credentials."""
        form = re.search(r'<form method="post" action="([^"]+)" id="login-form">(.*?)</form>', page.text, re.S)
        assert form, "no login form on the page"
        fields = [(html.unescape(n), html.unescape(v)) for n, v in
                  re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))]
        fields += [("username", username), ("password", password)]
        return self.http.post(html.unescape(form.group(1)), content=urlencode(fields),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})

    def authorize(self, url: str, username: str = "alice", password: str = "alice-password") -> httpx.Response:
        """GET the authorization URL, log in if the form shows, return the final response."""
        response = self.get(url)
        if response.status_code == 200 and 'id="login-form"' in response.text:
            response = self.login(response, username, password)
        return response


@pytest.fixture
def browser():
    agent = Browser()
    yield agent
    agent.http.close()


# -- in-process app (FastAPI TestClient), for the per-endpoint tests ------------------------------

ISSUER = "http://127.0.0.1:8000/default"


def make_app_client(config: Path, data_dir: Path, **settings):
    """A TestClient over a fresh app; server errors come back as responses, as a client sees them."""
    from fastapi.testclient import TestClient

    app = create_app(Settings(config=config, data_dir=data_dir, **settings))
    return TestClient(app, base_url=settings.get("base_url", "http://127.0.0.1:8000"), follow_redirects=False,
                      raise_server_exceptions=False)


@pytest.fixture(scope="session")
def _keyed_database(tmp_path_factory) -> Path:
    """A database holding only the core tenant's signing key: RSA generation is the slow part."""
    data_dir = tmp_path_factory.mktemp("keys")
    app = create_app(Settings(config=SEEDS / "core.yaml", data_dir=data_dir))
    for tenant in app.state.tenants:
        assert tenant.keys.kid  # generated on first use
    app.state.store.close()
    return data_dir / "mock_idp.db"


@pytest.fixture
def app_factory(tmp_path, _keyed_database):
    """Builds in-process apps over any seed file, each with its own data directory."""
    clients = []

    def make(config: Path = SEEDS / "core.yaml", fresh_keys: bool = False):
        data_dir = tmp_path / f"data-{len(clients)}"
        data_dir.mkdir()
        if not fresh_keys:
            shutil.copyfile(_keyed_database, data_dir / "mock_idp.db")
        client = make_app_client(config, data_dir)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def app_client(app_factory):
    """The core seed's app, in process, with its own data directory."""
    return app_factory()


@pytest.fixture
def form_login():
    """Submit the core tenant's login form with authorization `params`; the final response."""
    def submit(client, username: str = "alice", password: str = "alice-password", **params):
        # As a browser does: the form for these params comes first, with its CSRF token (field and
        # cookie, bound to the request); then its hidden fields go back with the credentials.
        page = client.get("/default/authorize", params={"client_id": "demo-web", "response_type": "code",
                                                        "redirect_uri": "http://localhost:3000/callback",
                                                        **params, "prompt": "login"})
        if 'id="login-form"' not in page.text:
            return page  # refused before any form (an error page, or an error sent to the client)
        form = re.search(r'<form method="post" action="[^"]+" id="login-form">(.*?)</form>', page.text, re.S)
        fields = [(html.unescape(name), html.unescape(value)) for name, value in
                  re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(1))]
        return client.post("/default/login", content=urlencode(fields + [("username", username),
                                                                         ("password", password)]),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    return submit


@pytest.fixture(scope="session")
def seed_server(tmp_path_factory):
    """The shipped seed_users.yaml (okta, auth0, cognito and generic tenants side by side)."""
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("seed-data"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def signin_server(tmp_path_factory):
    """tests/seeds/signin.yaml: the headless sign-in APIs of Okta, Auth0 and Cognito."""
    running = start_server(SEEDS / "signin.yaml", tmp_path_factory.mktemp("signin-data"))
    yield running
    running.stop()


# ministack (a local AWS) once per session, for the Cognito federation tests and the AWS examples.
from ministack_support import ministack  # noqa: E402,F401


@pytest.fixture(scope="session")
def tls_seed_server(tmp_path_factory):
    """The shipped seed over HTTPS with the local CA: the vendors' libraries run with their defaults
    (and the README's snippets unchanged) against it."""
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("seed-tls"), tls=True)
    assert running.base_url.startswith("https://")
    yield running
    running.stop()
