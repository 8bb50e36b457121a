"""The admin API's OpenAPI document says which errors it really answers, and in which shape.

Each route names what its handler refuses (`answers(400, 404)`); what the guard and the body bound
refuse on every path is added here, once: 421 (another Host), 403 (another origin, or not
loopback), 401 (with a token), 415 (a state change without JSON), 413 (a body over the bound).
FastAPI's 422 is never sent (validation errors are 400, errors.py), so it is taken out.
"""

from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from .guard import STATE_CHANGING

ERROR = "#/components/schemas/AdminError"
DESCRIPTIONS = {
    400: "The body or a parameter is refused; `errors` names the fields (in the seed file's words).",
    401: "No bearer token, or a wrong one (RFC 6750 §3.1).",
    403: "A page of another origin, or (without MOCK_IDP_ADMIN_TOKEN) a caller not on loopback.",
    404: "No such tenant, user, client or scenario.",
    409: "The name is taken.",
    413: "The body is larger than MOCK_IDP_MAX_BODY_BYTES.",
    415: "A state change without a JSON Content-Type.",
    421: "The Host header names another server (RFC 9110 §15.5.20).",
}


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the field; empty for the body as a whole.")
    message: str


class AdminError(BaseModel):
    """RFC 6749 §5.2-shaped."""

    error: str
    error_description: str
    errors: list[FieldProblem] = Field(None, description="With 400: every field at fault.")


def answers(*statuses: int) -> dict:
    """The `responses` of a route whose handler refuses with these statuses."""
    return {status: {"description": DESCRIPTIONS[status],
                     "content": {"application/json": {"schema": {"$ref": ERROR}}}} for status in statuses}


def install(app, token_required: bool) -> None:
    def document() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = build(app, token_required)
        return app.openapi_schema
    app.openapi = document


def build(app, token_required: bool) -> dict:
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error_schema = AdminError.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["AdminError"] = error_schema
    guard = [421, 403] + ([401] if token_required else [])
    if token_required:
        components["securitySchemes"] = {"adminToken": {"type": "http", "scheme": "bearer",
                                                        "description": "MOCK_IDP_ADMIN_TOKEN"}}
        spec["security"] = [{"adminToken": []}]
    for operations in spec.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation["responses"]
            responses.pop("422", None)
            added = guard + ([415] if method.upper() in STATE_CHANGING else [])
            added += [413] if "requestBody" in operation else []
            for status, response in answers(*added).items():
                responses.setdefault(str(status), response)
    return spec
