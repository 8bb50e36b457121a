"""Which pool a call to the server's root is for. AWS serves every user pool at one regional
endpoint (`https://cognito-idp.<region>.amazonaws.com/`) and finds the pool from the request:
its UserPoolId, else the app client (ClientId), else the token it carries. So boto3 pointed at the
server itself (`endpoint_url=<base URL>`, as LocalStack and moto are used) and pycognito (which
takes the issuer to be `<endpoint_url>/<pool id>`: name the tenant after the pool) reach the right
tenant. A tenant's own URL (`endpoint_url=<tenant URL>`) serves only that pool.
"""

from ...oauth.tokens import token_hash
from .errors import CognitoError
from ...web import json_body

TOKEN_PARAMETERS = ("AccessToken", "RefreshToken", "Token")


def pool_id_of(tenant) -> str:
    """A tenant's pool id as its URL gives it: the last segment of its path (`/us-east-1_AbC123`)."""
    return tenant.route_prefix.rsplit("/", 1)[-1]


def pool_of(tenants: list, raw: bytes):
    """The tenant a call names, or Cognito's ResourceNotFoundException; a body that names none
    (bad JSON, nothing to go by) goes to the first pool, whose own checks answer it."""
    try:
        request = json_body.loads(raw or b"{}")
    except ValueError:
        return tenants[0]
    if not isinstance(request, dict):
        return tenants[0]
    pool_id, client_id = request.get("UserPoolId"), request.get("ClientId")
    if isinstance(pool_id, str) and pool_id:
        found = next((t for t in tenants if pool_id in (t.name, pool_id_of(t))), None)
        if found is None:
            raise CognitoError("ResourceNotFoundException", f"User pool {pool_id[:128]} does not exist.")
        return found
    if isinstance(client_id, str) and client_id:
        found = next((t for t in tenants if t.find_client(client_id) is not None), None)
        if found is None:
            raise CognitoError("ResourceNotFoundException", f"User pool client {client_id[:128]} does not exist.")
        return found
    for name in TOKEN_PARAMETERS:
        if isinstance(request.get(name), str) and request[name]:
            return issued_by(tenants, request[name]) or tenants[0]
    return tenants[0]


def issued_by(tenants: list, token: str):
    """The pool whose issuer recorded this access or refresh token."""
    for tenant in tenants:
        keys = {issuer.key for issuer in tenant.issuers}
        row = tenant.store.find_access_token(token_hash(token)) or tenant.store.find_refresh_token(token)
        if row is not None and row.issuer in keys:
            return tenant
    return None
