"""fastapi-azure-auth, a maintained Entra token validator, in a process of its own: reads one JSON
job on stdin ({"config_url", "app_client_id", "tenant_id", "ca", "token", "scope"}), serves one
protected route in a FastAPI app, calls it with the token, and prints {"status", "body"}."""

import json
import ssl
import sys

from fastapi import FastAPI, Security
from fastapi.testclient import TestClient
from fastapi_azure_auth.auth import AzureAuthorizationCodeBearerBase

job = json.load(sys.stdin)
# The local CA trusted (as ssl.create_default_context(cafile=...) the library documents), nothing off.
# The base class: the one of the library that takes the OpenID configuration URL of another host
# (sovereign clouds); single tenant, validate_iss and the rest at their defaults.
scheme = AzureAuthorizationCodeBearerBase(
    app_client_id=job["app_client_id"], tenant_id=job["tenant_id"],
    scopes={f"api://{job['app_client_id']}/{job['scope']}": job["scope"]},
    openid_config_url=job["config_url"],
    http_client_config={"verify": ssl.create_default_context(cafile=job["ca"])})
app = FastAPI()


@app.get("/me")
async def me(user=Security(scheme, scopes=[job["scope"]])):
    return {"oid": user.oid, "roles": user.roles, "scp": user.scp}


with TestClient(app) as client:
    response = client.get("/me", headers={"Authorization": f"Bearer {job['token']}"})
print(json.dumps({"status": response.status_code, "body": response.json()}))
