"""Okta's user object and its profile, over the tenant's users: the profile's attributes are the
user's claims under their OIDC names (firstName is given_name, login is preferred_username...),
others (department, custom ones) as they are; Okta's lifecycle status and timestamps.
"""

import re
import secrets
from typing import Any

from ..standard_claims import STANDARD_CLAIMS
from .authn import PASSWORD_CHANGED, okta_time
from .everyone import is_built_in, okta_groups
from .expressions import ExpressionError, predicate
from .token_claims import login_of
from .ids import okta_id
from .management import OktaApiError, invalid, not_found
from .password_policy import check_password

# Okta profile attribute -> the claim it is kept as.
PROFILE_CLAIMS = {"login": "preferred_username", "email": "email", "firstName": "given_name", "lastName": "family_name",
                  "middleName": "middle_name", "nickName": "nickname", "displayName": "name",
                  "mobilePhone": "phone_number", "locale": "locale", "timezone": "zoneinfo", "profileUrl": "profile"}
CLAIM_PROFILE = {claim: attribute for attribute, claim in PROFILE_CLAIMS.items()}
NOT_PROFILE = (STANDARD_CLAIMS - set(CLAIM_PROFILE)) | {"groups"}
REQUIRED = ("login", "email", "firstName", "lastName")  # Okta's base user schema
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
SIGN_IN_STATUSES = ("ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY")
# What a users `filter` may name (a `search` may name any property): docs/vendors.md 6b.
FILTER_ATTRIBUTES = ("status", "lastUpdated", "id", "profile.login", "profile.email", "profile.firstName",
                     "profile.lastName")
SEEDED_AT = PASSWORD_CHANGED


def status_of(user) -> str:
    return user.status or "ACTIVE"


def profile_of(user) -> dict[str, Any]:
    profile: dict[str, Any] = {"login": login_of(user)}
    for claim, value in user.claims.items():
        if claim in CLAIM_PROFILE:
            profile[CLAIM_PROFILE[claim]] = value
        elif claim not in NOT_PROFILE:
            profile[claim] = value
    profile.setdefault("firstName", None)
    profile.setdefault("lastName", None)
    return profile


def claims_of(profile: dict[str, Any]) -> dict[str, Any]:
    """A profile as a merge patch of claims (null removes an attribute)."""
    return {PROFILE_CLAIMS.get(name, name): value for name, value in profile.items()}


def user_json(tenant, user) -> dict[str, Any]:
    uid, status = tenant.subject(user), status_of(user)
    created = user.created_at or SEEDED_AT
    return {
        "id": uid, "status": status, "created": okta_time(created),
        "activated": None if status in ("STAGED", "PROVISIONED") else okta_time(created),
        "statusChanged": okta_time(user.updated_at or created), "lastLogin": None,
        "lastUpdated": okta_time(user.updated_at or created),
        "passwordChanged": okta_time(user.updated_at or created) if user.password else None,
        "type": {"id": okta_id("oty", tenant.name)},
        "profile": profile_of(user),
        "credentials": {**({"password": {}} if user.password else {}),
                        "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": f"{tenant.url}/api/v1/users/{uid}"}},
    }


def find(tenant, id_or_login: str):
    """By id, by login (case-insensitive) or by the seeded username, as GET /users/{idOrLogin}."""
    wanted = id_or_login.lower()
    user = tenant.find_user(id_or_login)
    if user is None:
        user = next((u for u in tenant.all_users() if tenant.subject(u) == id_or_login
                     or login_of(u).lower() == wanted), None)
    if user is None:
        raise not_found(id_or_login, "User")
    return user


def new_user_id() -> str:
    return okta_id("00u", secrets.token_hex(16))


def check_profile(tenant, profile: Any, full: bool) -> dict[str, Any]:
    if not isinstance(profile, dict):
        raise invalid("profile", "profile: The field cannot be left blank")
    missing = [name for name in REQUIRED if full and not profile.get(name)]
    if missing:
        raise invalid(missing[0], *(f"{name}: The field cannot be left blank" for name in missing))
    for name in ("login", "email"):
        if name in profile and not (isinstance(profile[name], str) and EMAIL.match(profile[name])):
            raise invalid(name, f"{name}: Does not match required pattern" if name == "email"
                          else "login: Username must be in the form of an email address")
    return profile


def password_of(body: dict[str, Any]) -> str | None:
    credentials = body.get("credentials")
    password = credentials.get("password") if isinstance(credentials, dict) else None
    if password is None:
        return None
    return check_password(password.get("value") if isinstance(password, dict) else None)


def filter_allows(attribute: str, operator: str) -> bool:
    """What a `filter` (not a `search`) may say: eq on a few properties, comparisons on lastUpdated."""
    if operator == "eq":
        return attribute in FILTER_ATTRIBUTES
    return attribute == "lastUpdated" and operator in ("gt", "ge", "lt", "le")


def invalid_search() -> OktaApiError:
    return OktaApiError(400, "E0000031", "Invalid search criteria.", ("Invalid search query.",))


def user_matcher(tenant, request):
    """The users GET /api/v1/users lists: `q` (prefix of firstName, lastName or email), `search`
    or `filter` (expressions.py; a filter as Okta limits it); with none, everyone but DEPROVISIONED users."""
    q, search, text = (request.query_params.get("q"), request.query_params.get("search"),
                       request.query_params.get("search") or request.query_params.get("filter"))
    if text:
        try:
            return predicate(text, lambda user, attribute: user_attribute(tenant, user, attribute),
                             None if search else filter_allows)
        except ExpressionError:
            raise invalid_search() from None
    if q:
        wanted = q.lower()
        return lambda user: status_of(user) != "DEPROVISIONED" and any(
            str(profile_of(user).get(name) or "").lower().startswith(wanted) for name in ("firstName", "lastName", "email"))
    return lambda user: status_of(user) != "DEPROVISIONED"


def user_attribute(tenant, user, attribute: str) -> Any:
    if attribute.startswith("profile."):
        return profile_of(user).get(attribute.removeprefix("profile."))
    if attribute in ("status", "id", "lastUpdated", "created"):
        return user_json(tenant, user)[attribute]
    if attribute == "type.id":
        return okta_id("oty", tenant.name)
    return None


def group_id(tenant, group) -> str:
    return group.id or okta_id("00g", f"{tenant.name}:{group.name}")


def find_group(tenant, group_id_or_name: str):
    for group in okta_groups(tenant).values():
        if group_id(tenant, group) == group_id_or_name:
            return group
    raise not_found(group_id_or_name, "UserGroup")


def group_json(tenant, group) -> dict[str, Any]:
    gid = group_id(tenant, group)
    created, updated = okta_time(group.created_at or SEEDED_AT), okta_time(group.updated_at or group.created_at or SEEDED_AT)
    return {"id": gid, "created": created, "lastUpdated": updated, "lastMembershipUpdated": updated,
            "objectClass": ["okta:user_group"], "type": "BUILT_IN" if is_built_in(group) else "OKTA_GROUP",
            "profile": {"name": group.name, "description": group.description},
            "_links": {"self": {"href": f"{tenant.url}/api/v1/groups/{gid}"},
                       "users": {"href": f"{tenant.url}/api/v1/groups/{gid}/users"}}}
