"""Cognito's admin operations on users (AdminCreateUser ... ListUsers) as plain functions:
(tenant, request JSON) -> response JSON, or a CognitoError. They write the tenant's directory, so
a user made here signs in at once (InitiateAuth, the hosted UI), shows in /_admin and on the
pages, and every replica sees them.

On AWS these calls are SigV4-signed with IAM credentials; user_pool_api.py asks for a signature
and does not check it (docs/management-apis.md). Facts: docs/vendors.md, "Cognito admin API".
"""

from .listing import page, user_filter
from .pool_users import (CONFIRMED, FORCE_CHANGE_PASSWORD, attributes_removed, change_user, check_password,
                         claims_patch, create_user, existing_user, invalid, pool_id, remove_user, temporary_password,
                         user_type)
from .errors import CognitoError
from .parameters import pool_user


def admin_create_user(tenant, request: dict) -> dict:
    """A user with a temporary password (FORCE_CHANGE_PASSWORD: the first sign-in answers the
    NEW_PASSWORD_REQUIRED challenge). mock_idp sends no message: SUPPRESS or not, nothing goes out."""
    pool_id(request)
    username = request.get("Username")
    if not isinstance(username, str) or not username:
        raise invalid("Missing required parameter Username")
    action = request.get("MessageAction")
    if action not in (None, "RESEND", "SUPPRESS"):
        raise invalid(f"1 validation error detected: Value '{action}' at 'messageAction' failed to satisfy "
                      "constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]")
    if action == "RESEND":  # a new invitation for an existing user: nothing to send here
        return {"User": user_type(tenant, existing_user(tenant, request))}
    if pool_user(tenant, username) is not None:
        raise CognitoError("UsernameExistsException", "User account already exists")
    claims = claims_patch(request.get("UserAttributes") or [])
    given = request.get("TemporaryPassword")
    password = check_password(given, "TemporaryPassword") if given is not None else temporary_password()
    user = create_user(tenant, username, password, claims, FORCE_CHANGE_PASSWORD)
    return {"User": user_type(tenant, user)}


def admin_set_user_password(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    password = check_password(request.get("Password"))
    permanent = request.get("Permanent", False)
    if not isinstance(permanent, bool):
        raise invalid("Permanent must be a boolean.")
    change_user(tenant, user, {"password": password, "status": CONFIRMED if permanent else FORCE_CHANGE_PASSWORD})
    return {}


def admin_get_user(tenant, request: dict) -> dict:
    pool_id(request)
    return user_type(tenant, existing_user(tenant, request), attributes_key="UserAttributes")


def admin_update_user_attributes(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    patch = claims_patch(request.get("UserAttributes"))
    # A changed address is unverified until said otherwise in the same call.
    if "email" in patch and patch["email"] != user.claims.get("email") and "email_verified" not in patch:
        patch["email_verified"] = False
    change_user(tenant, user, {"claims": patch})
    return {}


def admin_delete_user_attributes(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    change_user(tenant, user, {"claims": attributes_removed(request.get("UserAttributeNames"))})
    return {}


def admin_disable_user(tenant, request: dict) -> dict:
    """The user signs in no more, and their tokens stop working (AWS: "revokes all access tokens")."""
    pool_id(request)
    user = existing_user(tenant, request)
    change_user(tenant, user, {"enabled": False})
    tenant.store.revoke_user(tenant.name, [issuer.key for issuer in tenant.issuers], user.username)
    return {}


def admin_user_global_sign_out(tenant, request: dict) -> dict:
    """Every token of the user stops working, as GlobalSignOut with their access token."""
    pool_id(request)
    user = existing_user(tenant, request)
    tenant.store.revoke_user(tenant.name, [issuer.key for issuer in tenant.issuers], user.username)
    return {}


def admin_enable_user(tenant, request: dict) -> dict:
    pool_id(request)
    change_user(tenant, existing_user(tenant, request), {"enabled": True})
    return {}


def admin_delete_user(tenant, request: dict) -> dict:
    pool_id(request)
    user = existing_user(tenant, request)
    remove_user(tenant, user)
    return {}


def list_users(tenant, request: dict) -> dict:
    pool_id(request)
    wanted = user_filter(tenant, request.get("Filter"))
    names = request.get("AttributesToGet")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise invalid("AttributesToGet must be a list of attribute names.")
    users, more = page([user for user in tenant.all_users() if wanted(user)], request, "PaginationToken",
                       key=lambda user: user.username)
    shown = [user_type(tenant, user) for user in users]
    if names is not None:
        for item in shown:
            item["Attributes"] = [a for a in item["Attributes"] if a["Name"] in names]
    return {"Users": shown, **more}
