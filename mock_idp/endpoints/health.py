"""Liveness: answers as soon as every tenant is mounted."""

from starlette.requests import Request
from starlette.responses import Response

from ..web.prerendered import prerenderable

HEALTHY = b'{"status":"ok"}'


async def healthz(request: Request) -> Response:
    return Response(HEALTHY, media_type="application/json")


prerenderable(healthz, lambda internal_base: HEALTHY, {}, reads_store=False)
