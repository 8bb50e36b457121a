"""Okta's default password policy, as the Users API and the Authentication API check it and as
the authn API's `_embedded.policy` describes it: 8+ characters, a lower and an upper case letter, a number.
The hosted sign-in's change step shows REQUIREMENTS and refuses with REQUIREMENTS_NOT_MET, the words
of the Identity Engine's `password.passwordRequirementsNotMet` message (docs/vendors.md)."""

from typing import Any

from .management import invalid

COMPLEXITY = {"minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0,
              "excludeUsername": True}
REQUIREMENTS = ("Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, "
                "no parts of your username.")
REQUIREMENTS_NOT_MET = "Password requirements were not met. " + REQUIREMENTS


def check_password(password: Any) -> str:
    if not isinstance(password, str) or len(password) < 8 or not any(c.islower() for c in password) \
            or not any(c.isupper() for c in password) or not any(c.isdigit() for c in password):
        raise invalid("password", "password: " + REQUIREMENTS_NOT_MET)
    return password
