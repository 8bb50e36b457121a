"""Drive mock_idp from a test suite: `MockIdP` starts the real server on a free loopback port (in a
thread, or in a subprocess with isolated=True) and wraps the admin API.

    from mock_idp.testing import MockIdP

    with MockIdP({"tenants": {"default": {"clients": [...], "users": [...]}}}) as idp:
        idp.add_user("carol", "carol-pw", claims={"groups": ["admins"]})
        tokens = idp.login(username="carol", password="carol-pw")   # through the real login form
        expired = idp.mint(username="carol", defect="expired")
        idp.scenario(endpoint="token", error="invalid_grant")
        idp.clock(advance_seconds=3600)

The config is a dict, a YAML string or a path; left out, one plain tenant "default" with a client
"app" (secret "app-secret") and a user alice / alice-password.
"""

import base64
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin

import httpx
import yaml

REDIRECT_URI = "http://localhost:8080/callback"
# The admin API changes state on JSON requests only, body-less POSTs (reset, revoke) included.
JSON = {"Content-Type": "application/json"}
DEFAULT_CONFIG = {"tenants": {"default": {
    "flavor": "generic",
    "clients": [{"client_id": "app", "client_secret": "app-secret", "redirect_uris": [REDIRECT_URI],
                 "grant_types": ["authorization_code", "refresh_token", "client_credentials", "password"]}],
    "users": [{"username": "alice", "password": "alice-password",
               "claims": {"name": "Alice Example", "email": "alice@example.com", "email_verified": True}}],
}}}


class MockIdPError(RuntimeError):
    """An admin call was refused: `status` and the JSON `body` say why."""

    def __init__(self, status: int, body: Any):
        self.status, self.body = status, body
        description = body.get("error_description") if isinstance(body, dict) else body
        super().__init__(f"mock_idp answered {status}: {description}")


class MockIdP:
    def __init__(self, config: dict | str | Path | None = None, *, isolated: bool = False,
                 data_dir: str | Path | None = None, database_url: str | None = None, startup_timeout: float = 20):
        self.isolated, self.database_url, self.startup_timeout = isolated, database_url, startup_timeout
        self._scratch = tempfile.TemporaryDirectory(prefix="mock_idp-")
        self.data_dir = Path(data_dir) if data_dir else Path(self._scratch.name) / "data"
        self.config_path = config_file(config, Path(self._scratch.name))
        self.tenants = list(yaml.safe_load(self.config_path.read_text())["tenants"])
        self.admin_token = secrets.token_urlsafe(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = self._thread = self._process = None
        self.http: httpx.Client | None = None
        self._invoke_servers: list = []  # on_pre_token_generation's

    @classmethod
    def remote(cls, url: str, admin_token: str | None = None) -> "MockIdP":
        """Drive a mock_idp already running elsewhere (a container, a shared server)."""
        idp = cls.__new__(cls)
        idp.isolated, idp.database_url, idp.data_dir, idp.config_path = False, None, None, None
        idp._scratch = idp._server = idp._thread = idp._process = None
        idp.url, idp.admin_token = url.rstrip("/"), admin_token
        idp.http = httpx.Client(base_url=idp.url + "/_admin", timeout=30,
                                headers={**JSON, "Authorization": "Bearer " + admin_token} if admin_token else JSON)
        idp.tenants = [tenant["name"] for tenant in idp.admin("GET", "/tenants")]
        return idp

    # -- life cycle ---------------------------------------------------------------------------------
    def __enter__(self) -> "MockIdP":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "MockIdP":
        if self.isolated:
            self._start_process()
        else:
            self._start_thread()
        self.http = httpx.Client(base_url=self.url + "/_admin", timeout=30,
                                 headers={**JSON, "Authorization": "Bearer " + self.admin_token})
        return self

    def _settings(self) -> dict:
        settings = {"config": self.config_path, "port": self.port, "data_dir": self.data_dir,
                    "admin_token": self.admin_token}
        if self.database_url:
            settings["database_url"] = self.database_url
        return settings

    def _start_thread(self) -> None:
        import uvicorn

        from .app import create_app
        from .config.settings import Settings

        app = create_app(Settings(**self._settings()))
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    ws="none"))  # nothing here speaks WebSocket
        self._thread = threading.Thread(target=self._server.run, name="mock_idp", daemon=True)
        self._thread.start()
        self._wait(lambda: self._server.started, alive=self._thread.is_alive)

    def _start_process(self) -> None:
        env = {**os.environ, **{f"MOCK_IDP_{k.upper()}": str(v) for k, v in self._settings().items()},
               "MOCK_IDP_LOG_LEVEL": "warning"}
        self._process = subprocess.Popen([sys.executable, "-c", "from mock_idp.cli import main; main()", "serve"],
                                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait(self._healthy, alive=lambda: self._process.poll() is None)

    def _healthy(self) -> bool:
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def _wait(self, ready, alive) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while not ready():
            if not alive():
                detail = self._process.stderr.read().decode(errors="replace") if self._process else ""
                raise RuntimeError(f"mock_idp did not start{': ' + detail if detail else ''}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"mock_idp did not start within {self.startup_timeout} s")
            time.sleep(0.02)

    def stop(self) -> None:
        for invoke in getattr(self, "_invoke_servers", []):
            invoke.stop()
        self._invoke_servers = []
        if self.http is not None:
            self.http.close()
            self.http = None
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stderr.close()
            self._process = None
        if self._scratch is not None:
            self._scratch.cleanup()

    # -- the admin API ------------------------------------------------------------------------------
    def admin(self, method: str, path: str, json: Any = None, **params) -> Any:
        """Any admin call (path under /_admin); the JSON answer, or MockIdPError."""
        response = self.http.request(method, path, json=json, params=params or None)
        body = response.json() if response.content else None
        if response.status_code >= 400:
            raise MockIdPError(response.status_code, body)
        return body

    def _tenant(self, tenant: str | None) -> str:
        return tenant or self.tenants[0]

    def issuer(self, tenant: str | None = None) -> str:
        return self.discovery(tenant)["issuer"]

    def discovery(self, tenant: str | None = None) -> dict:
        name = self._tenant(tenant)
        described = next(t for t in self.admin("GET", "/tenants") if t["name"] == name)
        issuer = described["issuers"][-1]["issuer"]
        return httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration").json()

    def add_user(self, username: str, password: str, tenant: str | None = None, **fields) -> dict:
        body = {"username": username, "password": password, **fields}
        return self.admin("POST", f"/tenants/{self._tenant(tenant)}/users", body)

    def add_client(self, client_id: str, tenant: str | None = None, **fields) -> dict:
        return self.admin("POST", f"/tenants/{self._tenant(tenant)}/clients", {"client_id": client_id, **fields})

    def mint(self, tenant: str | None = None, **body) -> dict:
        return self.admin("POST", f"/tenants/{self._tenant(tenant)}/tokens", body)

    def scenario(self, tenant: str | None = None, **body) -> dict:
        return self.admin("POST", f"/tenants/{self._tenant(tenant)}/scenarios", body)

    def approve_device(self, user_code: str, username: str = "alice", tenant: str | None = None,
                       approve: bool = True) -> dict:
        """What the user does on the device verification page: the device's next poll gets tokens."""
        return self.admin("POST", f"/tenants/{self._tenant(tenant)}/device",
                          {"user_code": user_code, "username": username, "approve": approve})

    def clock(self, tenant: str | None = None, **body) -> dict:
        """Set (offset_seconds=...) or move (advance_seconds=...) the tenant's clock; no argument reads it."""
        path = f"/tenants/{self._tenant(tenant)}/clock"
        return self.admin("POST", path, body) if body else self.admin("GET", path)

    def rotate_keys(self, tenant: str | None = None, pem_file: str | Path | None = None,
                    jwk_file: str | Path | None = None, **body) -> dict:
        """A new signing key: generated (algorithm=...), or read from a PEM or JWK file."""
        if pem_file is not None:
            body["private_key_pem"] = Path(pem_file).read_text()
        if jwk_file is not None:
            body["jwk"] = json.loads(Path(jwk_file).read_text())
        return self.admin("POST", f"/tenants/{self._tenant(tenant)}/keys/rotate", body)

    def set_hook(self, name: str, config: dict, tenant: str | None = None) -> dict:
        """Set a token hook the tenant's persona runs: "pre_token_generation" ({version, url |
        handler}) or "token_inline_hook/<authorization server id>" ({url, headers})."""
        return self.admin("PUT", f"/tenants/{self._tenant(tenant)}/hooks/{name}", config)

    def clear_hook(self, name: str, tenant: str | None = None) -> None:
        """Switch a token hook off (reset() brings back the seed's)."""
        self.admin("DELETE", f"/tenants/{self._tenant(tenant)}/hooks/{name}")

    def on_pre_token_generation(self, function, version: str = "V2_0", tenant: str | None = None) -> str:
        """Make `function(event, context)` (a Lambda handler) the tenant's pre-token-generation
        trigger, served from this process over the Lambda Invoke API; its URL is returned."""
        from .invoke_server import InvokeServer

        invoke = InvokeServer(function, name=getattr(function, "__name__", "function"))
        self.__dict__.setdefault("_invoke_servers", []).append(invoke)  # remote(): no __init__
        self.set_hook("pre_token_generation", {"version": version, "url": invoke.url}, tenant)
        return invoke.url

    def reset(self, tenant: str | None = None) -> dict:
        return self.admin("POST", "/reset", {"tenant": tenant} if tenant else None)

    def requests(self, tenant: str | None = None, endpoint: str | None = None) -> list[dict]:
        params = {"endpoint": endpoint} if endpoint else {}
        return self.admin("GET", f"/tenants/{self._tenant(tenant)}/requests", **params)

    # -- a browserless sign-in through the real login form ----------------------------------------------
    def login(self, username: str = "alice", password: str | None = None, tenant: str | None = None,
              client_id: str | None = None, scope: str = "openid profile email",
              redirect_uri: str | None = None, **params) -> dict:
        """Authorization code flow with PKCE through the login page; the token response plus `code`."""
        name = self._tenant(tenant)
        client = self._login_client(name, client_id)
        if password is None:
            password = self.admin("GET", f"/tenants/{name}/users/{quote(username, safe='')}")["password"]
        redirect_uri = redirect_uri or client["redirect_uris"][0]
        document = self.discovery(name)
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(12)
        query = {"response_type": "code", "client_id": client["client_id"], "redirect_uri": redirect_uri,
                 "scope": scope, "state": state, "nonce": secrets.token_urlsafe(12),
                 "code_challenge": challenge, "code_challenge_method": "S256", **params}
        with httpx.Client(follow_redirects=False, timeout=30) as browser:
            page = browser.get(document["authorization_endpoint"], params=query)
            if page.status_code == 200:
                page = submit_login_form(browser, page, username, password)
            location = page.headers.get("location", "")
            if not location.startswith(redirect_uri):
                raise MockIdPError(page.status_code, {"error_description": f"sign-in did not return to the "
                                                                           f"client: {page.text[:300]}"})
            answer = dict(httpx.URL(location).params)
            if "error" in answer or answer.get("state") != state:
                raise MockIdPError(400, answer)
            form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": redirect_uri,
                    "code_verifier": verifier}
            auth = None
            if client.get("client_secret"):
                if client["token_endpoint_auth_method"] == "client_secret_post":
                    form.update(client_id=client["client_id"], client_secret=client["client_secret"])
                else:
                    auth = (client["client_id"], client["client_secret"])
            else:
                form["client_id"] = client["client_id"]
            tokens = browser.post(document["token_endpoint"], data=form, auth=auth)
        if tokens.status_code != 200:
            raise MockIdPError(tokens.status_code, tokens.json())
        return {"code": answer["code"], **tokens.json()}

    def _login_client(self, tenant: str, client_id: str | None) -> dict:
        if client_id is not None:
            return self.admin("GET", f"/tenants/{tenant}/clients/{quote(client_id, safe='')}")
        for client in self.admin("GET", f"/tenants/{tenant}/clients"):
            if "authorization_code" in client["grant_types"] and client["redirect_uris"]:
                return client
        raise MockIdPError(404, {"error_description": f"no client of tenant {tenant!r} can run a code flow"})


class _Forms(HTMLParser):
    """The forms of a page: (action, [(name, value)], has a password field)."""

    def __init__(self):
        super().__init__()
        self.forms: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([attrs.get("action") or "", [], attrs.get("id") == "login-form"])
        elif tag == "input" and self.forms and attrs.get("name"):
            if attrs.get("type") == "hidden":
                self.forms[-1][1].append((attrs["name"], attrs.get("value") or ""))


def submit_login_form(browser: httpx.Client, page: httpx.Response, username: str, password: str) -> httpx.Response:
    parser = _Forms()
    parser.feed(page.text)
    form = next((f for f in parser.forms if f[2]), None)
    if form is None:
        raise MockIdPError(page.status_code, {"error_description": f"no login form on the page: {page.text[:300]}"})
    action, fields, _ = form
    fields = [(k, v) for k, v in fields if k not in ("username", "password")]
    body = urlencode(fields + [("username", username), ("password", password)])
    response = browser.post(urljoin(str(page.url), action), content=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    if response.status_code == 200 and 'id="login-form"' in response.text:
        raise MockIdPError(401, {"error_description": f"the login form refused {username!r}"})
    return response


def config_file(config: dict | str | Path | None, folder: Path) -> Path:
    if isinstance(config, Path) or (isinstance(config, str) and "\n" not in config and config.endswith((".yaml", ".yml"))):
        return Path(config)
    path = folder / "seed.yaml"
    text = yaml.safe_dump(config if config is not None else DEFAULT_CONFIG) if not isinstance(config, str) else config
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
