"""auth0-python's GetToken.client_credentials in a process of its own, as a backend asks for a
machine-to-machine token for one organization: reads one JSON job on stdin ({"domain", "client_id",
"client_secret", "requests": [{"audience", "organization"}]}; requests trusts REQUESTS_CA_BUNDLE) and
prints one result per request, in order: {"ok": true, "access_token": ...} or {"ok": false,
"status": ..., "error": ..., "message": ...} (the Auth0Error it raised)."""

import json
import sys

from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error

job = json.load(sys.stdin)
client = GetToken(job["domain"], job["client_id"], client_secret=job["client_secret"])
results = []
for asked in job["requests"]:
    try:
        token = client.client_credentials(asked["audience"], organization=asked.get("organization"))
    except Auth0Error as error:
        results.append({"ok": False, "status": error.status_code, "error": error.error_code, "message": error.message})
    else:
        results.append({"ok": True, "access_token": token["access_token"]})
print(json.dumps(results))
