"""A minimal keep-alive HTTP/1.1 client on asyncio streams, for the Python load generator.

httpx costs about 0.8 ms of client CPU per request here, as much as the servers spend answering,
so it would measure itself; this costs a tenth of that. Plain http, no cookies: every flow is a
fresh login anyway.
"""

import asyncio
import base64
import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass
class Response:
    status_code: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class Http1:
    def __init__(self, base: str):
        url = urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.streams = None

    async def request(self, method: str, path: str, *, params: dict | None = None, data: dict | None = None,
                      auth: tuple[str, str] | None = None, headers: dict | None = None,
                      content: str = "") -> Response:
        headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if params:
            path += "?" + urlencode(params)
        if data is not None:
            content = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
        if content or method == "POST":
            headers["Content-Length"] = str(len(content))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write((head + "\r\n" + content).encode())
        response = await read_response(reader)
        if response.headers.get("connection", "").lower() == "close":
            await self.close()
        return response

    async def get(self, path: str, **options) -> Response:
        return await self.request("GET", path, **options)

    async def post(self, path: str, **options) -> Response:
        return await self.request("POST", path, **options)

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()


async def read_response(reader: asyncio.StreamReader) -> Response:
    status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {}
    for line in filter(None, lines):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readline()).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readline()  # the blank line after the last chunk (no trailers here)
    else:
        body = await reader.readexactly(int(headers.get("content-length", 0)))
    if status_line.startswith("HTTP/1.0") and headers.get("connection", "").lower() != "keep-alive":
        headers["connection"] = "close"  # HTTP/1.0 (wsgiref) closes after each response
    return Response(int(status_line.split()[1]), headers, body)
