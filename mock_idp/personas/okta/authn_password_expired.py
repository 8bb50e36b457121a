"""Okta's Authentication API when the password has expired: primary authentication with the right
password answers `status: "PASSWORD_EXPIRED"` with a `stateToken` and a `changePassword` link
instead of a sessionToken; `POST /api/v1/authn/credentials/change_password` with the stateToken,
the old and a new password answers SUCCESS with the sessionToken (okta-auth-js:
`transaction.changePassword({oldPassword, newPassword})`); `POST /api/v1/authn/cancel` ends the
transaction (`transaction.cancel()`). A user whose password an admin expired
(`lifecycle/expire_password`, `nextLogin=changePassword`) goes this way.

The stateToken is kept as a sign-in token of its own kind (hashed with a prefix, its row naming the
tenant with a suffix), so a sessionToken at /authorize never finds it, nor uses it up. Facts: docs/vendors.md, "Okta and Auth0 API
answers checked against their SDKs".
"""

import hmac
import secrets
from typing import Any

from ...endpoints.sso import record_signin_token
from ...oauth.tokens import token_hash
from ...storage.models import SignInToken
from ...storage.request_state import forget_state
from .errors import api_error
from .management import OktaApiError
from .password_policy import COMPLEXITY, check_password

KIND = "#authn-state"  # a state token's row: SignInToken.tenant "<tenant>#authn-state", hash of KIND + token
POLICY = {"expiration": {"passwordExpireDays": 0}, "complexity": COMPLEXITY, "age": {"minAgeMinutes": 0, "historyCount": 0}}


class StateHolder:
    """The tenant as record_signin_token sees it, its name marking the row a state token."""

    def __init__(self, tenant):
        self.name, self.store, self.flavor, self.now = tenant.name + KIND, tenant.store, tenant.flavor, tenant.now


def new_state_token(tenant, user) -> tuple[str, int]:
    """A PASSWORD_EXPIRED transaction's stateToken, kept, and when it expires."""
    state_token = "00" + secrets.token_urlsafe(30)
    return state_token, record_signin_token(StateHolder(tenant), KIND + state_token, user)


def password_expired(tenant, user, user_resource: dict, okta_time) -> dict[str, Any]:
    state_token, expires_at = new_state_token(tenant, user)
    links = {"next": {"name": "changePassword", "href": f"{tenant.url}/api/v1/authn/credentials/change_password",
                      "hints": {"allow": ["POST"]}},
             "cancel": {"href": f"{tenant.url}/api/v1/authn/cancel", "hints": {"allow": ["POST"]}}}
    return {"stateToken": state_token, "expiresAt": okta_time(expires_at), "status": "PASSWORD_EXPIRED",
            "_embedded": {"user": user_resource, "policy": POLICY}, "_links": links}


def state_user(tenant, state_token: Any):
    """The user of a live, unused state token (not used up: a failed change may be tried again)."""
    row = tenant.store.get(SignInToken, token_hash(KIND + state_token)) if isinstance(state_token, str) else None
    if row is None or row.used or row.expires_at <= tenant.now() or row.tenant != tenant.name + KIND:
        raise OktaApiError(401, "E0000011", "Invalid token provided")
    user = tenant.find_user(row.username)
    if user is None:
        raise OktaApiError(401, "E0000011", "Invalid token provided")
    return user


def change_password(tenant, request: dict[str, Any], succeed) -> tuple[int, dict[str, Any]]:
    """POST /api/v1/authn/credentials/change_password; `succeed(user)` gives the SUCCESS body."""
    try:
        user = state_user(tenant, request.get("stateToken"))
        old, new = request.get("oldPassword"), request.get("newPassword")
        if not isinstance(old, str) or not hmac.compare_digest(user.password.encode(), old.encode()):
            raise OktaApiError(403, "E0000014", "Update of credentials failed",
                               ("oldPassword: The credentials provided were incorrect.",))
        changed = set_new_password(tenant, user, request["stateToken"], new)
    except OktaApiError as error:
        return error.status, api_error(error.code, error.summary, error.causes)
    return 200, succeed(changed)


def set_new_password(tenant, user, state_token: str, new: Any):
    """The transaction's end (the API's change, and the hosted sign-in's: expired_at_sign_in.py): a
    new password meeting the policy, the stateToken used up, the user ACTIVE again. Raises OktaApiError."""
    try:
        check_password(new)
    except OktaApiError as weak:
        raise OktaApiError(403, "E0000080", "The password does not meet the complexity requirements of the "
                           "current password policy.", weak.causes) from None
    if tenant.store.redeem_signin_token(token_hash(KIND + state_token), tenant.now()) is None:
        raise OktaApiError(401, "E0000011", "Invalid token provided")  # used meanwhile
    changed = tenant.directory.update("user", user.username, {"password": new, "status": "ACTIVE", "enabled": True,
                                                              "updated_at": tenant.now()})
    forget_state(tenant.name)
    return changed


def cancel(tenant, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST /api/v1/authn/cancel: the transaction ends (its stateToken used up): an empty transaction."""
    state_token = request.get("stateToken")
    try:
        state_user(tenant, state_token)
    except OktaApiError as error:
        return error.status, api_error(error.code, error.summary, error.causes)
    tenant.store.redeem_signin_token(token_hash(KIND + state_token), tenant.now())
    return 200, {}
