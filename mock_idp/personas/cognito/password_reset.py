"""Forgotten passwords and resent codes: ForgotPassword, ConfirmForgotPassword,
AdminResetUserPassword (the user must reset before signing in again: PasswordResetRequiredException
at InitiateAuth, sign_in.py) and ResendConfirmationCode. Facts: docs/vendors.md, "Cognito as apps
drive it"; the codes: codes.py.
"""

from .codes import EXPIRED, RESET, SIGN_UP, SPENT, check_code, delivery, new_code, verified_channel
from .errors import CognitoError, not_authorized
from .parameters import app_user, required
from .pool_users import (CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED, change_user, check_password,
                         existing_user, pool_id)

RESET_REQUIRED = "RESET_REQUIRED"
NO_CHANNEL = CognitoError("InvalidParameterException",
                          "Cannot reset password for the user as there is no registered/verified email or phone_number")


def reset_code(tenant, user, status: str) -> dict:
    """A reset code sent to the user's verified address, or Cognito's refusal."""
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == FORCE_CHANGE_PASSWORD:
        raise not_authorized("User password cannot be reset in the current state.")
    channel = verified_channel(user.claims)
    if channel is None:
        raise NO_CHANNEL
    change_user(tenant, user, {**new_code(tenant, RESET), "status": status})
    return channel


def forgot_password(tenant, request: dict) -> dict:
    """The old password keeps working until the code is confirmed."""
    user = app_user(tenant, request)
    return {"CodeDeliveryDetails": reset_code(tenant, user, user.status or CONFIRMED)}


def confirm_forgot_password(tenant, request: dict) -> dict:
    user = app_user(tenant, request)
    code = required(request, "ConfirmationCode")
    password = check_password(request.get("Password"))
    if (user.status or CONFIRMED) == UNCONFIRMED:  # its code is the sign-up's, not a reset's
        raise EXPIRED
    check_code(tenant, user, code)
    change_user(tenant, user, {"password": password, "status": CONFIRMED, **SPENT})
    return {}


def admin_reset_user_password(tenant, request: dict) -> dict:
    """The current password stops working: the user is RESET_REQUIRED until ConfirmForgotPassword."""
    pool_id(request)
    reset_code(tenant, existing_user(tenant, request), RESET_REQUIRED)
    return {}


def resend_confirmation_code(tenant, request: dict) -> dict:
    user = app_user(tenant, request)
    if (user.status or CONFIRMED) != UNCONFIRMED:
        raise CognitoError("InvalidParameterException", "User is already confirmed.")
    change_user(tenant, user, new_code(tenant, SIGN_UP))
    sent = delivery(user.claims, "email") or delivery(user.claims, "phone_number")
    return {"CodeDeliveryDetails": sent} if sent else {}
