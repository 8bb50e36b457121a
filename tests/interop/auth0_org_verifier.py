"""auth0-python's TokenVerifier in a process of its own, as a Python backend checks the ID token of
a sign-in through an Auth0 organization: reads one JSON job on stdin ({"jwks_uri", "issuer",
"audience", "token", "nonce", "organizations": [expected org id or name, ...]}), verifies the token
once per expected organization: signature (from the JWKS), iss, aud, exp, iat, nonce and org_id or
org_name (TokenVerifier.verify's `organization`), and prints one result each, in order:
[{"ok": true, "claims": {...}} or {"ok": false, "error": "<the verifier's message>"}]."""

import json
import sys

from auth0.authentication.exceptions import TokenValidationError
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier

job = json.load(sys.stdin)
verifier = TokenVerifier(signature_verifier=AsymmetricSignatureVerifier(job["jwks_uri"]),
                         issuer=job["issuer"], audience=job["audience"])
results = []
for organization in job["organizations"]:
    try:
        claims = verifier.verify(job["token"], nonce=job.get("nonce"), organization=organization)
    except TokenValidationError as error:
        results.append({"ok": False, "error": str(error)})
    else:
        results.append({"ok": True, "claims": claims})
print(json.dumps(results))
