"""What the Management API v2 answers where the mock serves nothing under /api/v2 (a path, or a
method on a path, it does not serve): 404 `{"statusCode":404,"error":"Not Found","message":"Not Found"}`,
the error body of every other Management API answer (hapi's, which answers an unrouted method 404
too), so auth0-python and node-auth0 raise their NotFoundError instead of failing to read an OAuth
shaped body. Listed last in the flavor's `vendor_apis`, so its catch-all route comes after every real one.
Facts: docs/vendors.md, "Okta and Auth0 API answers checked against their SDKs".
"""

from starlette.routing import Route

from .management import ManagementError, error_response

ENDPOINTS = ()
WATCHED: dict = {}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def routes(tenant) -> list[Route]:
    async def unknown(request):
        return error_response(ManagementError(404, "Not Found"))
    return [Route("/api/v2/{rest:path}", unknown, methods=METHODS)]
