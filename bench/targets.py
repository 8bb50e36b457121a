"""The mock OpenID providers under test: how to install, start and talk to each one.

Competitors are installed at bench time into the git-ignored work dir (install.py), never vendored.
"""

import base64
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from install import node_version, npm_package, npm_version, pip_venv, pip_version

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
REDIRECT_URI = "http://localhost:3000/callback"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# Mocks people also weigh, which this machine cannot run: say so instead of failing.
NOT_MEASURED = {
    "navikt/mock-oauth2-server": "needs a JVM jar from Maven Central or a Docker Hub image (neither reachable here)",
    "Keycloak": "needs a JVM distribution or a Docker Hub image (neither reachable here)",
}


@dataclass(frozen=True)
class Call:
    """One HTTP request that a load generator repeats."""

    method: str
    path: str
    body: str = ""
    headers: dict = field(default_factory=dict)


class FlowError(Exception):
    """A step of the authorization-code flow did not answer as the protocol says."""


def client_credentials(path: str, client_id: str, secret: str) -> Call:
    """RFC 6749 §4.4 with client_secret_basic (§2.3.1)."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Call("POST", path, "grant_type=client_credentials", {**FORM, "Authorization": f"Basic {basic}"})


def authorize_params(client_id: str) -> dict:
    return {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI,
            "scope": "openid", "state": "bench-state", "nonce": "bench-nonce"}


def expect(response, status: int = 200):
    if response.status_code != status:
        raise FlowError(f"answered {response.status_code} instead of {status}: {response.body[:200]!r}")
    return response


def code_from(response) -> str:
    """The code in the redirect back to the client (RFC 6749 §4.1.2)."""
    expect(response, 302)
    code = parse_qs(urlsplit(response.headers["location"]).query).get("code")
    if not code:
        raise FlowError(f"redirect without a code: {response.headers['location']}")
    return code[0]


async def redeem(http, path: str, code: str, client: tuple[str, str]) -> None:
    """RFC 6749 §4.1.3: the code for tokens; an OpenID flow must return an ID token."""
    response = await http.post(path, auth=client, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI})
    if "id_token" not in expect(response).json():
        raise FlowError("token response without an id_token")


class Target:
    name = ""
    discovery = "/.well-known/openid-configuration"
    jwks = "/jwks"
    token: Call | None = None   # client_credentials; None: the mock has no such grant
    no_token = "no client_credentials grant"
    flow_requests = 0           # HTTP requests per authorization-code flow; 0: none without a person
    no_flow = "login needs a person"
    cwd: Path | None = None     # None: a fresh folder per start

    def missing(self) -> str | None:
        """Why this machine cannot run the target, or None."""
        return None

    def install(self, work: Path) -> None:
        pass

    def command(self, port: int, work: Path, fresh: Path) -> list[str]:
        raise NotImplementedError

    def versions(self, work: Path) -> dict[str, str]:
        raise NotImplementedError

    async def flow(self, http) -> None:
        """One authorization-code flow on `http`, an http1.Http1 bound to the server."""
        raise NotImplementedError


class MockIdp(Target):
    """The baseline, started as the README starts it: `mock-idp serve`, the repo's seed file."""

    name = "mock_idp"
    discovery = "/default/.well-known/openid-configuration"
    jwks = "/default/jwks"
    token = client_credentials("/default/token", "demo-service", "demo-service-secret")
    flow_requests = 3
    cwd = REPO

    def missing(self):
        return None if self.executable() else "the mock-idp console script is not installed"

    def executable(self) -> str | None:
        beside = Path(sys.executable).with_name("mock-idp")
        return str(beside) if beside.exists() else shutil.which("mock-idp")

    def command(self, port, work, fresh):
        return [self.executable(), "serve", "--port", str(port), "--data-dir", str(fresh / "data")]

    def versions(self, work):
        commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                                capture_output=True, text=True).stdout.strip()
        libs = ", ".join(f"{lib} {metadata.version(lib)}" for lib in ("uvicorn", "fastapi", "authlib", "joserfc"))
        return {"mock_idp": f"{metadata.version('mock-idp-oidc')} ({commit or 'no git'})",
                "python": sys.version.split()[0], "mock_idp stack": libs}

    async def flow(self, http):
        # The login page, then the login form posted with the authorization parameters.
        params = authorize_params("demo-web")
        page = expect(await http.get("/default/authorize", params=params))
        # The form is CSRF protected: the cookie the page sets, and the form's csrf_token field
        # (a MAC of the request it completes under that cookie), posted as a browser posts it.
        cookie = page.headers.get("set-cookie", "").split(";")[0]
        csrf = CSRF_FIELD.search(page.body.decode()).group(1)
        login = {**params, "username": "alice", "password": "alice-password", "csrf_token": csrf}
        code = code_from(await http.post("/default/login", data=login,
                                         headers={"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}))
        await redeem(http, "/default/token", code, ("demo-web", "demo-web-secret"))


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class MockIdpWorkers(MockIdp):
    """The baseline as `serve --workers 2`, not pinned: its token issuance against the signing
    floor of both cores (bench/floor.py)."""

    name = "mock_idp --workers 2"

    def command(self, port, work, fresh):
        return super().command(port, work, fresh) + ["--workers", "2"]


class OAuth2MockServer(Target):
    """axa-group/oauth2-mock-server through its CLI; it accepts any client and auto-approves."""

    name = "oauth2-mock-server"
    token = client_credentials("/token", "bench-service", "bench-service-secret")
    flow_requests = 2

    def spec(self) -> str:
        # 9.x needs Node 22.12+; 8.x is the line for Node 20.19+.
        return "oauth2-mock-server@latest" if node_version() >= (22, 12) else "oauth2-mock-server@8"

    def missing(self):
        version = node_version()
        return None if version and version >= (20, 19) else "needs Node.js 20.19+"

    def install(self, work):
        npm_package(work, "oauth2-mock-server", self.spec())

    def command(self, port, work, fresh):
        cli = npm_package(work, "oauth2-mock-server", self.spec()) / "dist" / "oauth2-mock-server.mjs"
        return ["node", str(cli), "-a", "127.0.0.1", "-p", str(port)]

    def versions(self, work):
        folder = npm_package(work, "oauth2-mock-server", self.spec())
        return {self.name: npm_version(folder), "node": ".".join(map(str, node_version()))}

    async def flow(self, http):
        code = code_from(await http.get("/authorize", params=authorize_params("bench-web")))
        await redeem(http, "/token", code, ("bench-web", "bench-web-secret"))


class OidcProviderMock(Target):
    """oidc-provider-mock (PyPI) through its CLI, in its own venv; any client id is accepted."""

    name = "oidc-provider-mock"
    flow_requests = 3

    def install(self, work):
        pip_venv(work, self.name)

    def command(self, port, work, fresh):
        return [str(pip_venv(work, self.name) / "bin" / self.name), "--port", str(port)]

    def versions(self, work):
        return {self.name: pip_version(pip_venv(work, self.name), self.name)}

    async def flow(self, http):
        # Its consent form, then the form posted with a subject to authorize.
        params = authorize_params("bench-web")
        expect(await http.get("/oauth2/authorize", params=params))
        code = code_from(await http.post("/oauth2/authorize", params=params, data={"sub": "alice@example.com"}))
        await redeem(http, "/oauth2/token", code, ("bench-web", "bench-web-secret"))


class OidcProvider(Target):
    """panva/oidc-provider with the tiny config in oidc_provider_server.mjs (JWT access tokens)."""

    name = "oidc-provider"
    token = client_credentials("/token", "bench-service", "bench-service-secret")
    no_flow = "login and consent need a person (devInteractions)"

    def missing(self):
        version = node_version()
        return None if version and version >= (20,) else "needs Node.js 20+"

    def install(self, work):
        folder = npm_package(work, "oidc-provider", "oidc-provider@9")
        # ESM resolves imports beside the script, so the script goes next to node_modules.
        shutil.copy(BENCH / "oidc_provider_server.mjs", folder.parent.parent / "server.mjs")

    def command(self, port, work, fresh):
        return ["node", str(work / "npm" / "oidc-provider" / "server.mjs"), str(port)]

    def versions(self, work):
        return {self.name: npm_version(npm_package(work, "oidc-provider", "oidc-provider@9"))}


class NanoIdp(Target):
    """nanoidp (PyPI) in its own venv: `nanoidp init` a fresh config dir, then its CLI (Flask's
    development server); the init's default client `demo-client` does client_credentials."""

    name = "nanoidp"
    jwks = "/.well-known/jwks.json"
    token = client_credentials("/token", "demo-client", "demo-secret")
    no_flow = "not wired into bench yet (its login form flow)"

    def install(self, work):
        pip_venv(work, self.name)

    def command(self, port, work, fresh):
        # init writes the YAML files only (the keys are made at start, inside the cold-start time).
        nanoidp = pip_venv(work, self.name) / "bin" / self.name
        subprocess.run([nanoidp, "init", fresh / "config"], capture_output=True, check=True)
        return [str(nanoidp), "--host", "127.0.0.1", "--port", str(port), "--config", str(fresh / "config")]

    def versions(self, work):
        return {self.name: pip_version(pip_venv(work, self.name), self.name)}


class PytestIam(Target):
    """pytest-iam (PyPI) in its own venv: its `iam_server` fixture as a process (pytest_iam_server.py:
    Canaille, in-memory database, wsgiref, HTTP/1.0), plus one client_credentials client."""

    name = "pytest-iam"
    jwks = "/oauth/jwks.json"
    token = client_credentials("/oauth/token", "bench-service", "bench-service-secret")
    no_flow = "not wired into bench yet (users and login are made through its Python API)"

    def install(self, work):
        pip_venv(work, self.name, executable="py.test")

    def command(self, port, work, fresh):
        python = pip_venv(work, self.name, executable="py.test") / "bin" / "python"
        return [str(python), str(BENCH / "pytest_iam_server.py"), str(port)]

    def versions(self, work):
        return {self.name: pip_version(pip_venv(work, self.name, executable="py.test"), self.name)}


BASELINE = MockIdp()
WORKERS = MockIdpWorkers()
COMPETITORS = (OAuth2MockServer(), OidcProviderMock(), OidcProvider(), NanoIdp(), PytestIam())
