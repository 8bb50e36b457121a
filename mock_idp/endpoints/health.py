"""Liveness: answers as soon as every tenant is mounted."""

from fastapi import Response


def add_routes(app) -> None:
    async def healthz() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
