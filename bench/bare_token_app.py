"""The least a token endpoint can do on uvicorn: read the request, sign an RS256 JWT of a token's
size with `cryptography`, answer JSON. No framework, no client check, no log: bench/ceiling.py
measures it to show how much of the signing floor uvicorn itself leaves to an application."""

import base64
import json
import time
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
HEADER = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"bare","typ":"at+jwt"}').rstrip(b"=")
JSON_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]


def b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    now = int(time.time())
    claims = {"iss": "http://127.0.0.1/default", "sub": "bench-service", "aud": "api://default", "iat": now,
              "exp": now + 3600, "jti": uuid.uuid4().hex, "client_id": "bench-service", "scope": "api"}
    signing_input = HEADER + b"." + b64(json.dumps(claims).encode())
    signature = b64(KEY.sign(signing_input, padding.PKCS1v15(), hashes.SHA256()))
    body = json.dumps({"access_token": (signing_input + b"." + signature).decode(), "token_type": "Bearer",
                       "expires_in": 3600, "scope": "api"}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": JSON_HEADERS})
    await send({"type": "http.response.body", "body": body})
