"""Okta's user lifecycle operations and password change, as okta-sdk-python calls them:
`/api/v1/users/{id}/lifecycle/{activate|reactivate|deactivate|suspend|unsuspend|unlock|
expire_password|reset_password}` and `/api/v1/users/{id}/credentials/change_password`.

`sendEmail=false` on activate and reset_password answers the link Okta would have mailed
(`activationUrl`/`activationToken`, `resetPasswordUrl`): the mock sends no mail, and the pages at
those links are not served. Facts: docs/vendors.md, "Okta and Auth0 API answers checked against their SDKs".
"""

import hmac
import secrets
from typing import Any

from fastapi import Request
from starlette.routing import Route

from .management import OktaApiError, api, flag, invalid, json_body, write
from .okta_users import SIGN_IN_STATUSES, find, status_of, user_json
from .password_policy import check_password

CREDENTIALS_FAILED = "Update of credentials failed"


def lifecycle(status: str) -> dict:
    """The user's fields for a status: only these sign in."""
    return {"status": status, "enabled": status in SIGN_IN_STATUSES}


def emailed_link(tenant, request: Request, path: str, fields: tuple[str, str | None]) -> dict[str, Any]:
    """{} when Okta mails the link (sendEmail, its default), else the link (and its token)."""
    if flag(request, "sendEmail", True):
        return {}
    token = secrets.token_urlsafe(15)
    url_field, token_field = fields
    return {url_field: f"{tenant.url}/{path}/{token}", **({token_field: token} if token_field else {})}


def next_status(user, operation: str) -> str:
    """The status an operation moves the user to, or Okta's error when it may not."""
    status = status_of(user)
    if operation == "activate":  # STAGED or DEPROVISIONED users only (docs/vendors.md)
        if status == "ACTIVE":
            raise OktaApiError(403, "E0000016", "Activation failed because the user is already active")
        if status not in ("STAGED", "DEPROVISIONED"):
            raise invalid("user", f"Cannot activate a user that is {status}: reactivate a PROVISIONED one")
        return "ACTIVE" if user.password else "PROVISIONED"
    if operation == "reactivate":  # a new activation link for a PROVISIONED (or RECOVERY) user
        if status not in ("PROVISIONED", "RECOVERY"):
            raise invalid("user", f"Cannot reactivate a user that is {status}")
        return "PROVISIONED"
    if operation == "deactivate":
        return "DEPROVISIONED"
    if operation == "suspend":
        if status != "ACTIVE":
            raise invalid("user", "Cannot suspend a user that is not active")
        return "SUSPENDED"
    if operation == "unsuspend":
        if status != "SUSPENDED":
            raise invalid("user", "Cannot unsuspend a user that is not suspended")
        return "ACTIVE"
    if operation == "unlock":
        if status != "LOCKED_OUT":
            raise OktaApiError(403, "E0000032", "Unlock is not allowed for this user.")
        return "ACTIVE"
    if operation in ("expire_password", "reset_password"):
        if status in ("STAGED", "DEPROVISIONED", "SUSPENDED"):
            raise invalid("user", f"Cannot {operation.replace('_', ' ')} of a user that is {status}")
        return "PASSWORD_EXPIRED" if operation == "expire_password" else "RECOVERY"
    raise OktaApiError(404, "E0000007", f"Not found: Resource not found: {operation[:40]} (Lifecycle)")


def password_value(body: dict, name: str) -> str:
    given = body.get(name)
    value = given.get("value") if isinstance(given, dict) else None
    if not isinstance(value, str) or not value:
        raise invalid(name, f"{name}: The field cannot be left blank")
    return value


def routes(tenant) -> list[Route]:
    async def change_lifecycle(request: Request, user_id: str, operation: str):
        user = find(tenant, user_id)
        changed = write(tenant, "user", user.username, lifecycle(next_status(user, operation)))
        if operation in ("activate", "reactivate"):
            return 200, emailed_link(tenant, request, "welcome", ("activationUrl", "activationToken"))
        if operation == "reset_password":
            return 200, emailed_link(tenant, request, "reset_password", ("resetPasswordUrl", None))
        if operation == "expire_password":
            return 200, user_json(tenant, changed)
        return 200, {}

    async def change_password(request: Request, user_id: str):
        """The user's old password and a new one meeting the policy: a wrong old password or a weak
        new one is 403 E0000014 (the SDKs show its cause); an expired password is active again."""
        user, body = find(tenant, user_id), await json_body(request)
        old, new = password_value(body, "oldPassword"), password_value(body, "newPassword")
        if not hmac.compare_digest(user.password.encode(), old.encode()):
            raise OktaApiError(403, "E0000014", CREDENTIALS_FAILED,
                               ("oldPassword: The credentials provided were incorrect.",))
        try:
            check_password(new)
        except OktaApiError as weak:
            raise OktaApiError(403, "E0000014", CREDENTIALS_FAILED, weak.causes) from None
        patch: dict[str, Any] = {"password": new}
        if status_of(user) == "PASSWORD_EXPIRED":
            patch |= lifecycle("ACTIVE")
        write(tenant, "user", user.username, patch)
        return 200, {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}}

    manage = ("okta.users.manage",)
    return [
        Route("/api/v1/users/{user_id}/lifecycle/{operation}", api(tenant, manage, change_lifecycle), methods=["POST"]),
        Route("/api/v1/users/{user_id}/credentials/change_password", api(tenant, manage, change_password),
              methods=["POST"]),
    ]
