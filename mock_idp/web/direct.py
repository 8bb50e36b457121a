"""Requests for a route of a fixed path (token, authorize, login, userinfo, the pages) go straight
to it: through the app's own middleware and exception handlers, as in the framework, but without
the framework's outer layers (server-error, telemetry and body-limit wrappers, the exit stack) and
without routing (the router, the tenant's Mount and the Route matched one by one per request).

py-spy of the code flow (GET authorize, POST login, POST token; `mock-idp serve` on one core):
those layers and the matching were ~7% of its CPU, as much as a third of an RS256 signature.
"""

from starlette.middleware.exceptions import ExceptionMiddleware


class Direct:
    """ASGI in front of `framework` (the app's own __call__): a request whose (method, path) is in
    `routes` (routes.direct_routes) goes through `app`'s middleware and exception handlers to
    its route (direct_chain); anything else, and any request under a root_path, to `framework`,
    which answers as it always did. Made once the app's middleware and handlers are all added."""

    def __init__(self, framework, app, routes: dict):
        self.framework, self.app, self.routes = framework, app, routes
        self.chain = direct_chain(app, routes)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in self.routes \
                or scope.get("root_path") or scope.get("app_root_path"):
            return await self.framework(scope, receive, send)
        scope["app"] = self.app  # as Starlette.__call__ sets it
        scope.setdefault("router", self.app.router)  # as the router sets it (Request.url_for)
        await self.chain(scope, receive, send)


class Routed:
    """The innermost app of the chain: the scope as the router would have left it (its Mount's
    root_path, the endpoint, no path parameters) and as ExceptionMiddleware would have (its
    handler tables, which the route's own app looks up: request_response renders an endpoint's
    exception with them), then the Route's own app (the Request, the endpoint, its Response)."""

    def __init__(self, routes: dict, exception_handlers: tuple):
        self.routes, self.exception_handlers = routes, exception_handlers

    async def __call__(self, scope, receive, send):
        route, updates = self.routes[scope["method"], scope["path"]]
        scope.update(updates)
        scope["path_params"] = {}  # a fresh dict per request, as the router makes
        scope["starlette.exception_handlers"] = self.exception_handlers
        await route.app(scope, receive, send)


def direct_chain(app, routes: dict):
    """`app`'s user middleware around Routed, with the app's exception handlers: the framework's
    own stack (Starlette's build_middleware_stack) without its outer layers, the router and
    ExceptionMiddleware's own wrapper (nothing between it and the route raises)."""
    handlers = {key: value for key, value in app.exception_handlers.items() if key not in (500, Exception)}
    tables = ExceptionMiddleware(None, handlers=handlers, debug=app.debug)  # its tables, as it builds them
    inner = Routed(routes, (tables._exception_handlers, tables._status_handlers))
    for cls, args, kwargs in reversed(app.user_middleware):
        inner = cls(inner, *args, **kwargs)
    return inner
