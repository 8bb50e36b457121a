"""A user pool's users as its admin API reads and writes them: Cognito's UserType, attributes
(name/value strings) to and from the user's claims, the pool's default password policy, and the
write itself (the tenant's directory, the same layer /_admin writes).

Facts and sources: docs/vendors.md, "Cognito admin API".
"""

import secrets
import string
import uuid
from typing import Any

from ...directory import Conflict, DirectoryError
from ...storage.request_state import forget_state
from ..standard_claims import STANDARD_CLAIMS
from .errors import CognitoError
from .parameters import attribute_value, pool_user

# Attributes a user pool has by standard; any other seeded claim is a custom:* attribute.
POOL_ATTRIBUTES = STANDARD_CLAIMS | {"groups"}

SEEDED_AT = 1700000000  # seeded users have "always" existed
CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD = "CONFIRMED", "UNCONFIRMED", "FORCE_CHANGE_PASSWORD"
BOOLEAN_ATTRIBUTES = frozenset({"email_verified", "phone_number_verified"})
SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"  # the default policy's special characters
# botocore's model (AttributeNameType, AttributeValueType) and Cognito's quota of custom attributes
# per pool: without them one user's record (and every token minted for them) grew without bound,
# 1 MiB of attributes per UpdateUserAttributes call.
MAX_NAME, MAX_VALUE, MAX_CUSTOM_ATTRIBUTES = 32, 2048, 50


def user_not_found() -> CognitoError:
    return CognitoError("UserNotFoundException", "User does not exist.")


def invalid(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def pool_id(request: dict) -> str:
    """The request's UserPoolId: required; the pool is the tenant the endpoint serves."""
    value = request.get("UserPoolId")
    if not isinstance(value, str) or not value:
        raise invalid("Missing required parameter UserPoolId")
    return value


def existing_user(tenant, request: dict, key: str = "Username"):
    username = request.get(key)
    if not isinstance(username, str) or not username:
        raise invalid(f"Missing required parameter {key}")
    user = pool_user(tenant, username)
    if user is None:
        raise user_not_found()
    return user


def status_of(user) -> str:
    return user.status or CONFIRMED


def attributes_of(tenant, user) -> list[dict[str, str]]:
    attributes = {"sub": tenant.subject(user), **tenant.flavor.attributes(user)}
    return [{"Name": name, "Value": attribute_value(value)} for name, value in attributes.items()]


def user_type(tenant, user, attributes_key: str = "Attributes") -> dict[str, Any]:
    """Cognito's UserType (ListUsers, AdminCreateUser); AdminGetUser names the list UserAttributes."""
    return {"Username": user.username, attributes_key: attributes_of(tenant, user),
            "UserCreateDate": user.created_at or SEEDED_AT,
            "UserLastModifiedDate": user.updated_at or user.created_at or SEEDED_AT,
            "Enabled": user.enabled, "UserStatus": status_of(user)}


def claim_name(attribute: str) -> str:
    """Where a pool attribute lives in the user's claims: custom:x as x (as the seed writes it),
    unless x is a standard name or `groups` (then custom:x stays as it is)."""
    if attribute.startswith("custom:"):
        bare = attribute.removeprefix("custom:")
        return attribute if bare in POOL_ATTRIBUTES or not bare else bare
    return attribute


def claims_patch(attributes: Any, parameter: str = "UserAttributes") -> dict[str, Any]:
    """A list of {Name, Value} as a merge patch of the user's claims."""
    if not isinstance(attributes, list):
        raise invalid(f"{parameter} must be a list of attributes.")
    patch: dict[str, Any] = {}
    for n, attribute in enumerate(attributes, 1):
        name = attribute.get("Name") if isinstance(attribute, dict) else None
        value = attribute.get("Value", "") if isinstance(attribute, dict) else None
        if not isinstance(name, str) or not isinstance(value, str):
            raise invalid(f"{parameter} must be a list of {{Name, Value}} strings.")
        for member, given, limit in (("name", name, MAX_NAME), ("value", value, MAX_VALUE)):
            if len(given) > limit:  # the AWS front end's validation message (Coral)
                raise invalid(f"1 validation error detected: Value at '{parameter[:1].lower()}{parameter[1:]}.{n}.member."
                              f"{member}' failed to satisfy constraint: Member must have length less than or equal "
                              f"to {limit}")
        if name == "sub":
            raise invalid("Cannot modify the non-mutable attribute sub")
        if not name.startswith("custom:") and name not in STANDARD_CLAIMS:
            raise invalid(f"Attributes did not conform to the schema: {name}: Attribute does not exist in the schema.\n")
        if name in BOOLEAN_ATTRIBUTES:
            if value not in ("true", "false"):
                raise invalid(f"Invalid value for {name}: must be true or false")
            patch[name] = value == "true"
        else:
            patch[claim_name(name)] = value
    return patch


def attributes_removed(names: Any) -> dict[str, Any]:
    """UserAttributeNames as a merge patch of the user's claims that removes them."""
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise invalid("Missing required parameter UserAttributeNames")
    if "sub" in names:
        raise invalid("Cannot modify the non-mutable attribute sub")
    patch: dict[str, Any] = {}
    for name in names:
        patch[name] = None
        if name.startswith("custom:"):
            patch[name.removeprefix("custom:")] = None  # as the seed writes custom attributes
    patch.pop("groups", None)  # memberships are not attributes
    return patch


def check_password(password: Any, parameter: str = "Password") -> str:
    """The default policy of a new user pool: 8+ characters with upper and lower case letters, a
    number and a symbol (InvalidPasswordException, in Cognito's words)."""
    if not isinstance(password, str) or not password:
        raise invalid(f"Missing required parameter {parameter}")
    problems = ((len(password) < 8, "Password not long enough"),
                (not any(c.isupper() for c in password), "Password must have uppercase characters"),
                (not any(c.islower() for c in password), "Password must have lowercase characters"),
                (not any(c.isdigit() for c in password), "Password must have numeric characters"),
                (not any(c in SYMBOLS for c in password), "Password must have symbol characters"))
    for failed, message in problems:
        if failed:
            raise CognitoError("InvalidPasswordException", f"Password did not conform with policy: {message}")
    return password


def temporary_password() -> str:
    """What Cognito generates when AdminCreateUser names none: one that meets the policy."""
    return (secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase)
            + secrets.choice(string.digits) + secrets.choice("!#%&") + secrets.token_urlsafe(9))


def check_custom_room(claims: dict[str, Any], patch: dict[str, Any]) -> None:
    """A pool's schema holds at most 50 custom attributes: a user who would carry more claims than
    that beyond the standard ones is refused as Cognito refuses an attribute its schema lacks (the
    words of claims_patch's, docs/vendors.md "Cognito's body types")."""
    added = [name for name, value in patch.items() if value is not None and name not in claims
             and name not in POOL_ATTRIBUTES]
    if added and len(set(claims) - POOL_ATTRIBUTES) + len(added) > MAX_CUSTOM_ATTRIBUTES:
        name = added[-1] if added[-1].startswith("custom:") else f"custom:{added[-1]}"
        raise invalid(f"Attributes did not conform to the schema: {name}: Attribute does not exist in the schema.\n")


def create_user(tenant, username: str, password: str, claims: dict[str, Any], status: str, **extra):
    check_custom_room({}, claims)
    now = tenant.now()
    data = {"username": username, "password": password, "sub": str(uuid.uuid4()), "status": status,
            "claims": {k: v for k, v in claims.items() if v is not None}, "created_at": now, "updated_at": now,
            **extra}
    try:
        user = tenant.directory.create("user", data)
    except Conflict:
        raise CognitoError("UsernameExistsException", "User account already exists") from None
    except DirectoryError as error:
        raise invalid(str(error)) from None
    forget_state(tenant.name)
    return user


def change_user(tenant, user, patch: dict[str, Any]):
    """A merge patch of the user (claims: None removes one), stamped with the time."""
    check_custom_room(user.claims, patch.get("claims") or {})
    try:
        changed = tenant.directory.update("user", user.username, {**patch, "updated_at": tenant.now()})
    except Conflict:
        raise user_not_found() from None
    except DirectoryError as error:
        raise invalid(str(error)) from None
    forget_state(tenant.name)
    return changed


def remove_user(tenant, user) -> None:
    """AdminDeleteUser, DeleteUser. The user's tokens are answered "User does not exist." as
    Cognito's are (token_operations.py, token_refresh.py), and revoked: a new user of the same
    name must get nothing from them."""
    tenant.directory.delete("user", user.username)
    tenant.store.revoke_user(tenant.name, [issuer.key for issuer in tenant.issuers], user.username)
    forget_state(tenant.name)
