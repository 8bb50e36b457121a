"""A pre-token-generation trigger's answer, read and applied as Cognito does (docs/vendors.md,
"Cognito pre token generation trigger"): V1_0 `claimsOverrideDetails` on the ID token,
V2_0/V3_0 `claimsAndScopeOverrideDetails` on both tokens; suppression beats an override; the
claims Cognito keeps for itself are left as they are; groups change only through
`groupOverrideDetails`, in both tokens."""

from dataclasses import dataclass, field
from typing import Any

# Claims the trigger cannot add, change or suppress (Cognito's developer guide lists them).
FIXED_CLAIMS = frozenset({"acr", "amr", "aud", "at_hash", "auth_time", "azp", "exp", "iat", "identities",
                          "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use"})
FIXED_ID_CLAIMS = FIXED_CLAIMS | {"cognito:username", "event_id"}
FIXED_ACCESS_CLAIMS = FIXED_CLAIMS | {"client_id", "scope", "username", "version", "event_id"}
DEVELOPER_PREFIX = "dev:"  # developer attribute claims are fixed too
# "For group related claims, use groupOverrideDetails instead."
GROUP_CLAIMS = frozenset({"cognito:groups", "cognito:roles", "cognito:preferred_role"})
# In the ID token these keep their simple types (V2_0 allows JSON values for the others).
SIMPLE_ID_CLAIMS = frozenset({"phone_number_verified", "email_verified", "updated_at", "address"})
KEEP = object()  # groupOverrideDetails left out: the groups stay as they are
UNRECOGNIZABLE = "Unrecognizable lambda output"


@dataclass
class TokenChanges:
    add: dict[str, Any] = field(default_factory=dict)
    suppress: frozenset[str] = frozenset()
    scopes_to_add: tuple[str, ...] = ()
    scopes_to_suppress: frozenset[str] = frozenset()


@dataclass
class Overrides:
    id_token: TokenChanges
    access_token: TokenChanges
    groups: Any = KEEP  # KEEP, or the groupOverrideDetails dict ({} suppresses the groups)


def read_answer(version: str, result: Any, failed) -> Overrides:
    """The Lambda's result (the event it was given, with `response` filled in) -> Overrides;
    `failed(type, message)` is raised for an answer Cognito would not take."""
    if result is None:  # a handler that returns nothing
        raise failed("InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON")
    response = result.get("response") if isinstance(result, dict) else KEEP
    if response is None:
        response = {}
    if not isinstance(response, dict):
        raise failed("InvalidLambdaResponseException", UNRECOGNIZABLE)
    try:
        if version == "V1_0":
            return v1(section(response.get("claimsOverrideDetails")))
        return v2(section(response.get("claimsAndScopeOverrideDetails")))
    except ValueError:
        raise failed("InvalidLambdaResponseException", UNRECOGNIZABLE) from None


def v1(details: dict) -> Overrides:
    id_token = TokenChanges(add=claims(details.get("claimsToAddOrOverride"), scalar_only=True),
                            suppress=names(details.get("claimsToSuppress")))
    return Overrides(id_token, TokenChanges(), groups(details))


def v2(details: dict) -> Overrides:
    id_part, access_part = section(details.get("idTokenGeneration")), section(details.get("accessTokenGeneration"))
    id_token = TokenChanges(add=claims(id_part.get("claimsToAddOrOverride")),
                            suppress=names(id_part.get("claimsToSuppress")))
    if any(isinstance(id_token.add.get(name), (dict, list)) for name in SIMPLE_ID_CLAIMS):
        raise ValueError("complex value for a simple claim")
    access_token = TokenChanges(add=claims(access_part.get("claimsToAddOrOverride")),
                                suppress=names(access_part.get("claimsToSuppress")),
                                scopes_to_add=tuple(names(access_part.get("scopesToAdd"), ordered=True)),
                                scopes_to_suppress=names(access_part.get("scopesToSuppress")))
    return Overrides(id_token, access_token, groups(details))


def section(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def claims(value, scalar_only: bool = False) -> dict[str, Any]:
    found = section(value)
    if scalar_only and any(isinstance(v, (dict, list)) for v in found.values()):
        raise ValueError("V1_0 claims are strings")
    return found


def names(value, ordered: bool = False):
    if value is None:
        return [] if ordered else frozenset()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("not a list of strings")
    return list(dict.fromkeys(value)) if ordered else frozenset(value)


def groups(details: dict):
    if "groupOverrideDetails" not in details:
        return KEEP
    found = section(details["groupOverrideDetails"])
    names(found.get("groupsToOverride")), names(found.get("iamRolesToOverride"))
    if found.get("preferredRole") is not None and not isinstance(found["preferredRole"], str):
        raise ValueError("preferredRole is not a string")
    return found


# -- applying -----------------------------------------------------------------------------------

def apply_to_id_token(claims_: dict, overrides: Overrides | None) -> dict:
    if overrides is None:
        return claims_
    apply_groups(claims_, overrides.groups, with_roles=True)
    return apply_claims(claims_, overrides.id_token, FIXED_ID_CLAIMS)


def apply_to_access_token(claims_: dict, overrides: Overrides | None) -> dict:
    if overrides is None:
        return claims_
    apply_groups(claims_, overrides.groups, with_roles=False)
    changes = overrides.access_token
    if changes.scopes_to_add or changes.scopes_to_suppress:
        scopes = [s for s in claims_.get("scope", "").split() if s not in changes.scopes_to_suppress]
        scopes += [s for s in changes.scopes_to_add if s not in scopes and s not in changes.scopes_to_suppress]
        claims_["scope"] = " ".join(scopes)
        if not claims_["scope"]:
            del claims_["scope"]
    return apply_claims(claims_, changes, FIXED_ACCESS_CLAIMS)


def apply_claims(claims_: dict, changes: TokenChanges, fixed: frozenset[str]) -> dict:
    def changeable(name: str) -> bool:
        return name not in fixed and name not in GROUP_CLAIMS and not name.startswith(DEVELOPER_PREFIX)

    for name, value in changes.add.items():
        if changeable(name):
            claims_[name] = value
    for name in changes.suppress:  # suppressing wins over adding the same claim
        if changeable(name):
            claims_.pop(name, None)
    return claims_


def apply_groups(claims_: dict, details, with_roles: bool) -> None:
    if details is KEEP:
        return
    for name in GROUP_CLAIMS:
        claims_.pop(name, None)
    if details.get("groupsToOverride"):
        claims_["cognito:groups"] = list(details["groupsToOverride"])
    if with_roles and details.get("iamRolesToOverride"):
        claims_["cognito:roles"] = list(details["iamRolesToOverride"])
    if with_roles and details.get("preferredRole"):
        claims_["cognito:preferred_role"] = details["preferredRole"]
