"""A mock_idp over TLS at https://localhost:<port> and a single-page app at another origin,
https://localhost:<other port> (same site, so the hidden iframe carries the session cookie, as an
app on the vendor's custom domain does), serving tests/pages/spa/ and the vendors' browser builds
from tests/interop/node_modules. Chromium trusts the server certificate's key only
(--ignore-certificate-errors-spki-list), nothing else."""

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from conftest import RunningServer, free_port, serve_asgi, start_server
from mock_idp.tls import certificate_hosts, local_certificate

SPA = Path(__file__).parent / "spa"
MODULES = Path(__file__).resolve().parents[1] / "interop" / "node_modules"
# The browser builds each SDK ships in its npm package (exact versions: tests/interop/package.json).
SDKS = {
    "auth0-spa-js.production.js": MODULES / "@auth0/auth0-spa-js/dist/auth0-spa-js.production.js",
    "okta-auth-js.min.js": MODULES / "@okta/okta-auth-js/dist/okta-auth-js.min.js",
    "msal-browser.min.js": MODULES / "@azure/msal-browser/lib/msal-browser.min.js",
    "msal-redirect-bridge.min.js": MODULES / "@azure/msal-browser/lib/redirect-bridge/msal-redirect-bridge.min.js",
}
# One app, two set-ups: auth0-app.js turns refresh tokens on at this path.
ALIASES = {"auth0-refresh.html": "auth0.html"}
TYPES = {".html": b"text/html; charset=utf-8", ".js": b"text/javascript; charset=utf-8"}


@dataclass
class SpaSetup:
    idps: dict[str, RunningServer]  # by persona, each at https://localhost:<its port>
    urls: dict[str, str]
    spa: RunningServer
    spa_url: str     # https://localhost:<another port>
    spki: str        # base64 SHA-256 of the servers' certificate keys, for Chromium

    def stop(self) -> None:
        self.spa.stop()
        for idp in self.idps.values():
            idp.stop()


ENTRA_TENANT = "72f988bf-0000-4000-8000-00000000c0de"
ENTRA_CLIENT = "44444444-4444-4444-8444-444444444444"
ENTRA_API = "api://22222222-2222-4222-8222-222222222222"
PEOPLE = [{"username": "alice", "password": "alice-password",
           "claims": {"email": "alice@example.com", "email_verified": True, "name": "Alice Example"}}]


def seeds(spa_url: str) -> dict[str, dict]:
    """One server per vendor, its tenant at the root of the origin (path: /), as the vendors' are:
    auth0-spa-js's token worker posts only to <domain origin>/oauth/token, and okta-auth-js takes
    only messages from issuer.split("/oauth2/")[0]."""
    return {
        "auth0": {"tenants": {"auth0": {
            "flavor": "auth0", "path": "/",
            "apis": [{"identifier": "https://customers.example.com", "name": "Customers API", "scopes": ["read:customers"]}],
            "clients": [{"client_id": "spa", "name": "SPA",
                         "redirect_uris": [f"{spa_url}/auth0.html", f"{spa_url}/auth0-refresh.html"],
                         "post_logout_redirect_uris": [f"{spa_url}/auth0.html"],
                         "grant_types": ["authorization_code", "refresh_token"]}],
            "users": PEOPLE}}},
        "okta": {"tenants": {"okta": {
            "flavor": "okta", "path": "/", "authorization_server": "default",
            "clients": [{"client_id": "0oa-spa", "name": "SPA", "redirect_uris": [f"{spa_url}/okta.html"],
                         "post_logout_redirect_uris": [f"{spa_url}/okta.html"]}],
            "users": PEOPLE}}},
        "entra": {"tenants": {"entra": {
            "flavor": "entra", "path": "/", "tenant_id": ENTRA_TENANT,
            "apis": [{"identifier": ENTRA_API, "name": "Tasks API", "scopes": ["access_as_user"]}],
            "clients": [{"client_id": ENTRA_CLIENT, "name": "SPA", "single_page_app": True, "redirect_uris": [f"{spa_url}/msal-redirect.html"],
                         "post_logout_redirect_uris": [f"{spa_url}/msal.html"],
                         "grant_types": ["authorization_code", "refresh_token"]}],
            "users": [{"username": "alice@contoso.example", "password": "alice-password",
                       "claims": {"name": "Alice Admin", "email": "alice@contoso.example"}}]}}},
    }


def spa_app(config: dict):
    script = f"window.SPA_CONFIG = {json.dumps(config)};".encode()

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        name = scope["path"].lstrip("/")
        name = ALIASES.get(name, name)
        if name == "config.js":
            body, kind = script, TYPES[".js"]
        elif name.startswith("sdk/") and name[4:] in SDKS:
            body, kind = SDKS[name[4:]].read_bytes(), TYPES[".js"]
        elif "/" not in name and (SPA / name).is_file():
            body, kind = (SPA / name).read_bytes(), TYPES[Path(name).suffix]
        else:
            body, kind = b"not found", b"text/plain"
        await send({"type": "http.response.start", "status": 200 if kind != b"text/plain" else 404,
                    "headers": [(b"content-type", kind), (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": body})
    return app


def spki_hash(cert: Path) -> str:
    key = x509.load_pem_x509_certificate(cert.read_bytes()).public_key()
    return base64.b64encode(hashlib.sha256(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))
                            .digest()).decode()


def start(folder: Path) -> SpaSetup:
    spa_port = free_port()
    spa_url = f"https://localhost:{spa_port}"
    idps, urls, certs = {}, {}, []
    for name, seed in seeds(spa_url).items():
        port = free_port()
        urls[name] = url = f"https://localhost:{port}"
        (folder / name).mkdir()
        (folder / name / "seed.yaml").write_text(yaml.safe_dump(seed))
        idps[name] = start_server(folder / name / "seed.yaml", folder / name / "data", port=port, tls=True, base_url=url)
        certs.append(local_certificate(folder / name / "data", certificate_hosts(url, [])))
    config = {"auth0Domain": urls["auth0"].removeprefix("https://"), "auth0ClientId": "spa",
              "auth0Audience": "https://customers.example.com",
              "oktaIssuer": f"{urls['okta']}/oauth2/default", "oktaClientId": "0oa-spa",
              "entraAuthority": f"{urls['entra']}/{ENTRA_TENANT}", "entraClientId": ENTRA_CLIENT,
              "entraScopes": [f"{ENTRA_API}/access_as_user"]}
    spa = serve_asgi(spa_app(config), spa_port, ssl_certfile=str(certs[0].cert), ssl_keyfile=str(certs[0].key))
    return SpaSetup(idps, urls, spa, spa_url, ",".join(spki_hash(files.cert) for files in certs))
