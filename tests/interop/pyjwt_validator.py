"""PyJWT as an API validates Entra access tokens in its own process (the pattern of Microsoft's
Python samples): reads one JSON job on stdin ({"jwks_uri", "ca", "token", "issuer", "audience",
"x5c"?}, or "discovery" (an OpenID configuration URL) for the jwks_uri and issuer), takes the
signing key from the JWKS by the token's kid (PyJWKClient, the local CA trusted) or, with "x5c",
from the key's certificate as many samples do (the certificate of the JWK's x5c, its x5t
checked), and decodes with RS256, the issuer and the audience required; prints {"claims"} or
{"error"}."""

import base64
import hashlib
import json
import ssl
import sys
import urllib.request

import jwt
from cryptography import x509

job = json.load(sys.stdin)
context = ssl.create_default_context(cafile=job["ca"])
if "discovery" in job:
    with urllib.request.urlopen(job["discovery"], context=context, timeout=10) as answer:
        document = json.load(answer)
    job |= {"jwks_uri": document["jwks_uri"], "issuer": document["issuer"]}


def key_from_certificate(token: str):
    kid = jwt.get_unverified_header(token)["kid"]
    with urllib.request.urlopen(job["jwks_uri"], context=context, timeout=10) as answer:
        jwk = next(key for key in json.load(answer)["keys"] if key["kid"] == kid)
    der = base64.b64decode(jwk["x5c"][0])
    if base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode() != jwk["x5t"]:
        raise jwt.InvalidKeyError("x5t is not the SHA-1 thumbprint of x5c[0]")
    return x509.load_der_x509_certificate(der).public_key()


try:
    if job.get("x5c"):
        key = key_from_certificate(job["token"])
    else:
        key = jwt.PyJWKClient(job["jwks_uri"], ssl_context=context).get_signing_key_from_jwt(job["token"])
    claims = jwt.decode(job["token"], key, algorithms=["RS256"], audience=job["audience"], issuer=job["issuer"],
                        options={"require": ["exp", "iss", "aud"]})
    print(json.dumps({"claims": claims}))
except (jwt.PyJWTError, StopIteration, KeyError) as error:
    print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
