"""Signing keys: list, rotate (generate, or load a PEM or JWK), with a grace in which the keys
replaced stay in the JWKS. ES256 where the persona signs with it (Flavor.signing_algorithms). A
persona that signs some tokens with keys of their own (Flavor.signing_key_roles) gets a new key for
each at once: a given key signs for the first role, new keys of its algorithm for the others."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from ..config.fields import WholeNumber
from ..keys import ALGORITHMS, generate_key, imported_key, role_rows
from ..storage.request_state import forget_state
from .errors import invalid_body
from .openapi import answers
from .tenants import tenant_named
from ..web.off_loop import OffLoopRoute

DEFAULT_GRACE = 3600


class Rotation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    algorithm: Literal[ALGORITHMS] | None = Field(None, description="Of a generated key; default RS256.")
    grace_seconds: WholeNumber(ge=0, le=365 * 24 * 3600) = Field(
        DEFAULT_GRACE, description="How long the replaced keys stay in the JWKS.")
    private_key_pem: str | None = Field(None, description="Sign with this key (PKCS#8 or traditional PEM).")
    jwk: dict[str, Any] | None = Field(None, description="Sign with this private JWK.")
    kid: str | None = Field(None, description="The key's kid; default: its JWK kid, else its RFC 7638 thumbprint.")


def key_json(row, ring) -> dict:
    """A key as its JWKS and tokens name it (a persona may publish it under another kid), and the
    kinds of token it signs (Flavor.signing_key_roles)."""
    kid = ring.kids[row.kid]
    signs = [role for role, signer in ring.signing_kids.items() if signer == kid]
    return {"kid": kid, "alg": row.algorithm, "generation": row.generation, "created_at": row.created_at,
            "signing": bool(signs), "signs": signs, "retired_at": row.retired_at, "remove_at": row.remove_at}


def keys_router() -> APIRouter:
    router = APIRouter(tags=["keys"], route_class=OffLoopRoute)  # store work off the loop on PostgreSQL

    @router.get("/tenants/{tenant}/keys", summary="The tenant's published keys, newest first",
                responses=answers(404))
    async def list_keys(request: Request, tenant: str) -> list[dict]:
        ring = tenant_named(request, tenant).keys
        return [key_json(row, ring) for row in ring.rows]

    @router.post("/tenants/{tenant}/keys/rotate", summary="A new signing key (generated or given)",
                 responses=answers(400, 404))
    async def rotate(request: Request, tenant: str, body: Rotation) -> dict:
        found = tenant_named(request, tenant)
        key = new_key(found, body)
        found.keys  # the first key exists before the one replacing it
        # On the tenant's clock: its grace ends when that clock passes it (a moved clock moves it).
        rows = role_rows(key, found.name, len(found.flavor.signing_key_roles))
        found.store.rotate_signing_keys(rows, body.grace_seconds, found.now())
        forget_state(found.name)
        ring = found.keys
        return {"kid": ring.kid, "alg": ring.algorithm, "signing_kids": ring.signing_kids,
                "keys": [key_json(row, ring) for row in ring.rows]}

    return router


def new_key(tenant, body: Rotation):
    given = [name for name in ("private_key_pem", "jwk") if getattr(body, name) is not None]
    if len(given) > 1:
        raise invalid_body([("jwk", "give private_key_pem or jwk, not both")])
    if given and body.algorithm is not None:
        raise invalid_body([("algorithm", "a given key has its own algorithm")])
    try:
        key = imported_key(body.private_key_pem, body.jwk, body.kid) if given else generate_key(body.algorithm or "RS256")
    except ValueError as error:
        raise invalid_body([(given[0], str(error))]) from None
    if key.alg not in tenant.flavor.signing_algorithms:
        field = given[0] if given else "algorithm"
        raise invalid_body([(field, f"the {tenant.flavor.name} persona signs with "
                                    f"{', '.join(tenant.flavor.signing_algorithms)} only, not {key.alg}")])
    if body.kid and not given:
        key = type(key).import_key(key.as_dict(private=True), parameters={"use": "sig", "alg": key.alg, "kid": body.kid})
    return key
