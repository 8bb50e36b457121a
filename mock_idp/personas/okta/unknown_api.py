"""What Okta answers under /api/v1 where the mock serves nothing: a path one of our routes serves
but not with this method -> 405 E0000022 "The endpoint does not support the provided HTTP method"
(with `Allow`); any other path -> 404 E0000007. Never the server's generic OAuth-shaped 404/405,
which okta-sdk-python and @okta/okta-sdk-nodejs could not read as an Okta error.

Listed last in the flavor's `vendor_apis`, so its catch-all route comes after every real one.
Facts: docs/vendors.md, "Okta and Auth0 API answers checked against their SDKs".
"""

from fastapi import Request
from starlette.routing import Route

from .management import OktaApiError, error_response

ENDPOINTS = ()
WATCHED: dict = {}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CATCH_ALL = "/api/v1/{rest:path}"


def routes(tenant) -> list[Route]:
    async def unknown(request: Request):
        from ...routes import routed  # the URL table is built from the personas: imported when asked

        table, path = request.scope["router"].routes, request.scope["path"]
        # Known by its path, not its endpoint: on a database server the endpoint is wrapped (off_loop.py).
        served = [method for method in METHODS
                  if (found := routed(table, path, method)) is not None and found[0].path != CATCH_ALL]
        if served:
            response = error_response(OktaApiError(405, "E0000022",
                                                   "The endpoint does not support the provided HTTP method"))
            response.headers["Allow"] = ", ".join(served)
            return response
        rest = request.path_params["rest"][:200]
        return error_response(OktaApiError(404, "E0000007", f"Not found: Resource not found: {rest} (Resource)"))

    return [Route(CATCH_ALL, unknown, methods=list(METHODS))]
