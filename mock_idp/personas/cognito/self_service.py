"""What signed-in users do to their own account with their access token (scope
aws.cognito.signin.user.admin, as GetUser): ChangePassword, UpdateUserAttributes,
DeleteUserAttributes, VerifyUserAttribute, GetUserAttributeVerificationCode, DeleteUser.
Facts: docs/vendors.md, "Cognito as apps drive it".
"""

import hmac

from .codes import SPENT, VERIFY, check_code, delivery, new_code
from .errors import CognitoError, not_authorized
from .parameters import required
from .pool_users import attributes_removed, change_user, check_password, claims_patch, remove_user
from .token_operations import token_user

# The attributes a code verifies (the code goes to the address itself).
VERIFIABLE = ("email", "phone_number")


def change_password(tenant, request: dict) -> dict:
    user = token_user(tenant, request)
    previous = required(request, "PreviousPassword")
    proposed = check_password(request.get("ProposedPassword"), "ProposedPassword")
    if not hmac.compare_digest(user.password.encode(), previous.encode()):
        raise not_authorized("Incorrect username or password.")
    change_user(tenant, user, {"password": proposed})
    return {}


def update_user_attributes(tenant, request: dict) -> dict:
    """A changed e-mail address or phone number is unverified, and a code goes to it (the pool's
    default: the new value replaces the old at once)."""
    user = token_user(tenant, request)
    patch = claims_patch(request.get("UserAttributes"))
    sent = []
    for attribute in VERIFIABLE:
        if attribute in patch and patch[attribute] != user.claims.get(attribute):
            patch[f"{attribute}_verified"] = False
            found = delivery(patch, attribute)
            if found is not None:
                sent.append(found)
    change_user(tenant, user, {"claims": patch, **(new_code(tenant, VERIFY) if sent else {})})
    return {"CodeDeliveryDetailsList": sent} if sent else {}


def delete_user_attributes(tenant, request: dict) -> dict:
    user = token_user(tenant, request)
    change_user(tenant, user, {"claims": attributes_removed(request.get("UserAttributeNames"))})
    return {}


def verifiable(user, request: dict) -> str:
    attribute = required(request, "AttributeName")
    if attribute not in VERIFIABLE or not user.claims.get(attribute):
        raise CognitoError("InvalidParameterException", f"Invalid attribute name {attribute[:64]}")
    return attribute


def get_user_attribute_verification_code(tenant, request: dict) -> dict:
    user = token_user(tenant, request)
    attribute = verifiable(user, request)
    change_user(tenant, user, new_code(tenant, VERIFY))
    return {"CodeDeliveryDetails": delivery(user.claims, attribute)}


def verify_user_attribute(tenant, request: dict) -> dict:
    user = token_user(tenant, request)
    attribute = verifiable(user, request)
    check_code(tenant, user, required(request, "Code"))
    change_user(tenant, user, {"claims": {f"{attribute}_verified": True}, **SPENT})
    return {}


def delete_user(tenant, request: dict) -> dict:
    remove_user(tenant, token_user(tenant, request))
    return {}
