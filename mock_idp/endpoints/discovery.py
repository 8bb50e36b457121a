"""Discovery documents and the JWKS: rendered once per version (tenants.Issuer.documents,
Issuer.keys), served as bytes, by asgi.Prerendered in front of the framework for a plain GET and
by these handlers for anything else (HEAD, CORS, ...): one `body` function serves both."""

from starlette.requests import Request
from starlette.responses import Response

from ..web.prerendered import prerenderable, rendered

# CORS: per tenant (cors.py), so an answer depends on the request's Origin, and says so to caches
# (Fetch Standard §3.2.5; RFC 9110 §12.5.5) when none was sent too: a copy kept without it (the
# keys looked at in a tab) was served from the browser's cache to the app's CORS fetch, which failed.
CACHEABLE = {"Cache-Control": "public, max-age=300", "Vary": "Origin"}
RFC8414_PATH = "/.well-known/oauth-authorization-server"


def document(issuer, path: str):
    """The handler of one well-known path: the RFC 8414 document or the OIDC one."""
    rfc8414 = path == RFC8414_PATH

    def body(internal_base: str | None) -> bytes:
        current = issuer.documents  # re-rendered when issuer.documents_version() moves
        documents = (current.discovery_bytes, current.metadata_bytes)
        if current.variants:
            # Called at an internal base (base_urls.py): back-channel endpoints on that base.
            documents = current.variants.get(internal_base, documents)
        return documents[1] if rfc8414 else documents[0]

    async def well_known(request: Request) -> Response:
        base = request.app.state.base_urls.internal_base(request)
        return Response(await rendered(request, body, base),
                        media_type="application/json", headers=CACHEABLE)
    return prerenderable(well_known, body, CACHEABLE)


def rfc8414_inserted_path(issuer) -> str | None:
    """RFC 8414 §3.1: for an issuer with a path, the well-known suffix goes between the host and
    the path (the appended form, under the issuer, is what OIDC-era clients try)."""
    if RFC8414_PATH in issuer.layout.paths.discovery and issuer.prefix and issuer.issuer.endswith(issuer.prefix):
        return RFC8414_PATH + issuer.prefix
    return None


def jwks(issuer):
    def body(internal_base: str | None) -> bytes:
        return issuer.flavor.jwks_bytes(issuer)  # the tenant's keys version: a rotation on any replica shows

    async def jwks_uri(request: Request) -> Response:
        return Response(await rendered(request, body, None),
                        media_type="application/json", headers=CACHEABLE)
    return prerenderable(jwks_uri, body, CACHEABLE)
