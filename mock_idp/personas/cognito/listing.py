"""Listing a pool: pages (Limit and an opaque token) and ListUsers' Filter. Facts: docs/vendors.md,
"Cognito admin API"."""

import base64
import json
import re
from typing import Any

from .parameters import attribute_value
from .pool_users import invalid, status_of
from ...web import json_body

PAGE_LIMIT = 60  # ListUsers: Limit is 0-60 (60 when unset)


def page(items: list, request: dict, token_key: str, key) -> tuple[list, dict]:
    """One page of `items` (sorted by `key`): Limit and an opaque token naming the last item shown."""
    limit = request.get("Limit", PAGE_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= PAGE_LIMIT:
        raise invalid(f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
                      f"Member must have value less than or equal to {PAGE_LIMIT}")
    items = sorted(items, key=key)
    token = request.get(token_key)
    if token is not None:
        try:
            after = json_body.loads(base64.urlsafe_b64decode(token.encode()))["after"]
        except (ValueError, TypeError, KeyError, AttributeError):
            raise invalid(f"Invalid {token_key}.") from None
        items = [item for item in items if key(item) > after]
    shown = items[:limit or PAGE_LIMIT]
    more = {}
    if len(items) > len(shown):
        more[token_key] = base64.urlsafe_b64encode(json.dumps({"after": key(shown[-1])}).encode()).decode()
    return shown, more


FILTER = re.compile(r'^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$')
SEARCHABLE = ("username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username",
              "cognito:user_status", "status", "sub")


def user_filter(tenant, text: Any):
    """ListUsers' Filter, `attribute = "value"` or `attribute ^= "value"` (prefix): a predicate."""
    if text is None or text == "":
        return lambda user: True
    match = FILTER.match(text) if isinstance(text, str) else None
    if match is None:
        raise invalid("Error while parsing filter.")
    attribute, operator, value = match.group(1), match.group(2), re.sub(r"\\(.)", r"\1", match.group(3))
    if attribute not in SEARCHABLE:
        raise invalid(f"Invalid search attribute: {attribute}")

    def value_of(user) -> str | None:
        if attribute == "username":
            return user.username
        if attribute == "cognito:user_status":
            return status_of(user)
        if attribute == "status":
            return "Enabled" if user.enabled else "Disabled"
        if attribute == "sub":
            return tenant.subject(user)
        found = user.claims.get(attribute)
        return None if found is None else attribute_value(found)

    def matches(user) -> bool:
        found = value_of(user)
        if found is None:
            return False
        return found.startswith(value) if operator == "^=" else found == value
    return matches
