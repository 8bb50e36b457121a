"""A local stand-in for an AppSync GraphQL endpoint: POST /graphql with AppSync's auth and errors.

    python examples/appsync-local/appsync_server.py --issuer http://127.0.0.1:8000/okta/oauth2/default \
        --client-id 0oa-appsync-web --user-pool http://127.0.0.1:8000/cognito --lambda-authorizer

Then send the token as AppSync wants it, in the Authorization header (no "Bearer" needed).
"""

import argparse
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from appsync_graphql import Employees, execute
from appsync_modes import OIDC, ApiAuth, Unauthorized


def create_app(auth: ApiAuth) -> Starlette:
    employees = Employees()

    async def graphql(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return JSONResponse({"errors": [{"errorType": "MalformedHttpRequestException",
                                             "message": "The request body is not JSON."}]}, status_code=400)
        query, variables, operation = body.get("query") or "", body.get("variables") or {}, body.get("operationName")
        try:
            authorized = auth.authorize(request.headers.get("authorization"), query, operation, variables,
                                        dict(request.headers))
        except Unauthorized as refused:
            return JSONResponse({"errors": [{"errorType": "UnauthorizedException", "message": refused.message}]},
                                status_code=401, headers={"x-mock-idp-reason": refused.detail[:500]})
        return JSONResponse(execute(employees, authorized, auth.default_mode, query, variables, operation))

    app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
    app.state.employees = employees
    return app


def main() -> None:
    import uvicorn
    from mock_idp.aws import AppSyncConfig, UserPoolConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuer", required=True, help="OIDC issuer (the API's OpenIDConnectConfig.issuer)")
    parser.add_argument("--client-id", help="clientId regex")
    parser.add_argument("--iat-ttl", type=int, help="iatTTL, ms")
    parser.add_argument("--auth-ttl", type=int, help="authTTL, ms")
    parser.add_argument("--user-pool", help="issuer of the user pool for AMAZON_COGNITO_USER_POOLS mode")
    parser.add_argument("--lambda-authorizer", action="store_true", help="AWS_LAMBDA mode with lambda_authorizer.py")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    authorizer = None
    if args.lambda_authorizer:
        from lambda_authorizer import handler as authorizer
    auth = ApiAuth(oidc=AppSyncConfig(args.issuer, args.client_id, args.iat_ttl, args.auth_ttl),
                   user_pool=UserPoolConfig(args.user_pool) if args.user_pool else None,
                   lambda_authorizer=authorizer, default_mode=OIDC)
    uvicorn.run(create_app(auth), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
