"""PyJWT as an API validates Entra access tokens in its own process (the pattern of Microsoft's
Python samples): reads one JSON job on stdin ({"jwks_uri", "ca", "token", "issuer", "audience"}),
takes the signing key from the JWKS by the token's kid (PyJWKClient, the local CA trusted) and
decodes with RS256, the issuer and the audience required; prints {"claims"} or {"error"}."""

import json
import ssl
import sys

import jwt

job = json.load(sys.stdin)
keys = jwt.PyJWKClient(job["jwks_uri"], ssl_context=ssl.create_default_context(cafile=job["ca"]))
try:
    key = keys.get_signing_key_from_jwt(job["token"])
    claims = jwt.decode(job["token"], key, algorithms=["RS256"], audience=job["audience"], issuer=job["issuer"],
                        options={"require": ["exp", "iss", "aud"]})
    print(json.dumps({"claims": claims}))
except jwt.PyJWTError as error:
    print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
