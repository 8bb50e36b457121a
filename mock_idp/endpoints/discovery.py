"""Discovery documents and the JWKS: built once per issuer, served as bytes."""

from fastapi import Response

CACHEABLE = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
RFC8414_PATH = "/.well-known/oauth-authorization-server"


def add_routes(app, issuer) -> None:
    async def discovery() -> Response:
        return Response(issuer.discovery_bytes, media_type="application/json", headers=CACHEABLE)

    async def metadata() -> Response:
        return Response(issuer.metadata_bytes, media_type="application/json", headers=CACHEABLE)

    async def jwks() -> Response:
        return Response(issuer.keys.jwks_bytes, media_type="application/json", headers=CACHEABLE)

    for path in issuer.layout.paths.discovery:
        document = metadata if path == RFC8414_PATH else discovery
        app.add_api_route(issuer.prefix + path, document, methods=["GET"], include_in_schema=False)
        if path == RFC8414_PATH and issuer.prefix and issuer.issuer.endswith(issuer.prefix):
            # RFC 8414 §3.1: for an issuer with a path, the well-known suffix goes between the
            # host and the path; the appended form above is what OIDC-era clients try.
            app.add_api_route(path + issuer.prefix, metadata, methods=["GET"], include_in_schema=False)
    app.add_api_route(issuer.route("jwks_uri"), jwks, methods=["GET"], include_in_schema=False)
