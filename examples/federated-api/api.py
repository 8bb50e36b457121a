"""A small HTTP API behind the TOKEN authorizer, run locally the way API Gateway runs it.

Each request's `Authorization` header goes to the authorizer as a TOKEN event with the method ARN
(result caching off, so every call is counted); an Allow lets the route run with the authorizer's
context as `requestContext.authorizer`; a Deny is 403 with the authorizer's `message` (an
ACCESS_DENIED gateway response mapping `$context.authorizer.message`); "Unauthorized" is 401.
"""

from typing import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ARN = "arn:aws:execute-api:us-east-1:000000000000:local/prod"
POSTS = [{"id": 1, "title": "Federating Cognito to Okta"}, {"id": 2, "title": "Quotas with DynamoDB"}]


def allowed(policy: dict, method_arn: str) -> bool:
    """An explicit Deny wins; otherwise some Allow must name this method (exactly or with '*')."""
    statements = policy.get("policyDocument", {}).get("Statement", [])

    def matches(statement):
        resources = statement.get("Resource")
        resources = resources if isinstance(resources, list) else [resources]
        return any(r == method_arn or (r.endswith("*") and method_arn.startswith(r[:-1])) for r in resources)

    if any(s.get("Effect") == "Deny" and matches(s) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and matches(s) for s in statements)


def create_app(authorizer: Callable[[dict, object], dict]) -> Starlette:
    def protected(route: Callable[[dict], dict]):
        async def endpoint(request: Request) -> JSONResponse:
            method_arn = f"{ARN}/{request.method}{request.url.path}"
            token = request.headers.get("authorization")
            if not token:
                return JSONResponse({"message": "Unauthorized"}, status_code=401)
            try:
                result = authorizer({"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}, None)
            except Exception as error:  # the authorizer's way to say 401
                if str(error) == "Unauthorized":
                    return JSONResponse({"message": "Unauthorized"}, status_code=401)
                raise
            if not allowed(result, method_arn):
                message = result.get("context", {}).get("message") or \
                    "User is not authorized to access this resource with an explicit deny"
                return JSONResponse({"Message": message}, status_code=403)
            return JSONResponse(route({"principalId": result["principalId"], **result.get("context", {})}))
        return endpoint

    return Starlette(routes=[
        Route("/blog", protected(lambda who: {"posts": POSTS, "reader": who["principalId"]})),
        Route("/payroll", protected(lambda who: {"payroll": "confidential", "reader": who["principalId"]})),
    ])
