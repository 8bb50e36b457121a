"""A small server speaking the Lambda Invoke API's HTTP contract, as `sam local start-lambda` and
the Lambda runtime interface emulator do: POST /2015-03-31/functions/<name>/invocations with the
event as the body; 200 and the result; a raising function: 200, `X-Amz-Function-Error: Unhandled`
and {errorMessage, errorType}; an unknown function: 404 ResourceNotFoundException."""

import asyncio
import json
import traceback

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import pre_token_handlers


class InvokeApi:
    def __init__(self):
        self.functions = {name: getattr(pre_token_handlers, name) for name in dir(pre_token_handlers)
                          if callable(getattr(pre_token_handlers, name)) and not name.startswith("_")}
        self.events: list[tuple[str, dict]] = []  # (function, event) as received
        self.switch = "doc_v2_claims_scopes_and_groups"  # what the function "Switch" does now
        self.app = Starlette(routes=[Route("/2015-03-31/functions/{name}/invocations", self.invoke, methods=["POST"])])

    def last_event(self, function: str) -> dict:
        return next(event for name, event in reversed(self.events) if name == function)

    async def invoke(self, request: Request) -> Response:
        name = request.path_params["name"]
        raw = await request.body()
        self.events.append((name, json.loads(raw)))  # as received (the handler changes its own copy)
        event = json.loads(raw)
        behaviour = self.switch if name == "Switch" else name
        if behaviour == "not_json":
            return Response(b"<html>gateway</html>", media_type="text/html")
        if behaviour == "slow":  # past Cognito's 5 seconds
            await asyncio.sleep(6)
            behaviour = "doc_v2_claims_scopes_and_groups"
        if behaviour == "unrecognizable":
            return JSONResponse({"response": {"claimsAndScopeOverrideDetails": {"idTokenGeneration": "all"}}})
        function = self.functions.get(behaviour)
        if function is None:
            return JSONResponse({"Type": "User", "Message": f"Function not found: {name}"}, status_code=404,
                                headers={"x-amzn-ErrorType": "ResourceNotFoundException"})
        try:
            return JSONResponse(function(event, None))
        except Exception as error:  # noqa: BLE001 - reported as Lambda reports it
            return JSONResponse({"errorMessage": str(error), "errorType": type(error).__name__,
                                 "stackTrace": traceback.format_exception(error)},
                                headers={"X-Amz-Function-Error": "Unhandled"})
