"""A token inline hook service as a team would write one for Okta: it reads the request Okta sends
(`com.okta.oauth2.tokens.transform`), checks the Authorization header the hook was registered
with, and answers commands (or an error) by the path it is called at."""

import asyncio
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SECRET = "Bearer hook-secret-123"


def patch_claim_and_lifetime(event: dict) -> dict:
    """Adds a patient id to the ID token and an external guid to the access token, changes the
    preferred_username, and gives the access token 15 minutes."""
    commands = [{"type": "com.okta.access.patch", "value": [
        {"op": "add", "path": "/claims/external_guid", "value": "F0384685-F87D-474B-848D-2058AC5655A7"},
        {"op": "add", "path": "/claims/entitlements", "value": {"plan": "gold", "seats": 5}},
        {"op": "replace", "path": "/token/lifetime/expiration", "value": 900}]}]
    if "identity" in event["data"]:
        commands.append({"type": "com.okta.identity.patch", "value": [
            {"op": "add", "path": "/claims/extPatientId", "value": "1234"},
            {"op": "remove", "path": "/claims/email"}]})
    return {"commands": commands}


BEHAVIOURS = {
    "patch": patch_claim_and_lifetime,
    "error": lambda event: {"error": {"errorSummary": "The patient record is locked"}},
    "error-default": lambda event: {"error": {}},
    "reserved": lambda event: {"commands": [{"type": "com.okta.access.patch", "value": [
        {"op": "add", "path": "/claims/external_guid", "value": "x"},
        {"op": "replace", "path": "/claims/cid", "value": "someone-else"}]}]},
    "missing-claim": lambda event: {"commands": [{"type": "com.okta.access.patch", "value": [
        {"op": "replace", "path": "/claims/not_there", "value": "x"}]}]},
    "long-lifetime": lambda event: {"commands": [{"type": "com.okta.access.patch", "value": [
        {"op": "replace", "path": "/token/lifetime/expiration", "value": 90000}]}]},
}


class HookService:
    def __init__(self):
        self.requests: list[tuple[str, dict, dict]] = []  # (behaviour, headers, body)
        self.app = Starlette(routes=[Route("/hooks/{behaviour}", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        behaviour = request.path_params["behaviour"]
        body = json.loads(await request.body())
        self.requests.append((behaviour, dict(request.headers), body))
        if request.headers.get("authorization") != SECRET:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if behaviour == "status-500":
            return JSONResponse({"commands": []}, status_code=500)
        if behaviour == "not-json":
            return Response("ok", media_type="text/plain")
        if behaviour == "slow":  # past Okta's 3 seconds
            await asyncio.sleep(3.5)
            behaviour = "patch"
        return JSONResponse(BEHAVIOURS[behaviour](body))
