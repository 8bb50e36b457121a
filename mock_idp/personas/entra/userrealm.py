"""`GET /common/userrealm/<user>?api-version=1.0`: which kind of account a sign-in name is. MSAL
asks it (on the authority's host, port 443) before a username/password sign-in and uses WS-Trust
for "Federated" accounts; the mock's users are cloud-only ("Managed"), as in docs/vendors.md,
"Entra ID". Served under the tenant's path: at the server root only for a tenant at `/` (a 404
there leads MSAL to the plain password grant too, msal authority.user_realm_discovery)."""

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.routing import Route

WATCHED: dict = {}
ENDPOINTS: tuple[str, ...] = ()


def realm(tenant, username: str) -> dict:
    user = tenant.find_user(username) or next(
        (u for u in tenant.all_users() if u.claims.get("preferred_username") == username), None)
    if user is None:
        return {"ver": "1.0", "account_type": "Unknown", "cloud_instance_name": "microsoftonline.com"}
    return {"ver": "1.0", "account_type": "Managed", "domain_name": username.rpartition("@")[2] or username,
            "cloud_instance_name": "microsoftonline.com", "cloud_audience_urn": "urn:federation:MicrosoftOnline"}


def routes(tenant) -> list[Route]:
    async def user_realm(request: Request) -> JSONResponse:
        return JSONResponse(realm(tenant, request.path_params["username"]))

    return [Route("/common/userrealm/{username:path}", user_realm, methods=["GET"])]
