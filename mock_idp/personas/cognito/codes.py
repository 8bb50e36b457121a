"""The codes Cognito sends by e-mail or SMS: a sign-up's (ConfirmSignUp), a forgotten password's
(ConfirmForgotPassword) and a changed address's (VerifyUserAttribute); and where it says it sent
them (CodeDeliveryDetails, the address masked as Cognito masks it).

mock_idp sends nothing: the pending code is on the user in /_admin (`confirmation_code`), one at a
time, the latest sent, with when it expires on the tenant's clock (`code_expires_at`) and the wrong
codes tried against it (`code_failures`). Facts: docs/vendors.md, "Cognito as apps drive it" and
"Cognito's codes expire and count wrong guesses".
"""

import secrets

from .errors import CognitoError
from .pool_users import change_user

MISMATCH = CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")
# A code never sent, or spent: what Cognito answers a code it holds no more.
EXPIRED = CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")

LIMIT = CognitoError("LimitExceededException", "Attempt limit exceeded, please try after some time.")

# Developer guide, "Signing up and confirming user accounts" and "Configuring email or phone
# verification": a sign-up's or an attribute's code "is valid for 24 hours"; "Recovering user
# accounts": ForgotPassword's "recovery code is valid for one hour".
SIGN_UP = VERIFY = 24 * 3600
RESET = 3600
# "between 5 and 20 attempts" an hour (Recovering user accounts); 5 is what apps meet first.
ATTEMPTS = 5
# The patch that spends the code (the user's other members untouched).
SPENT = {"confirmation_code": None, "code_expires_at": None, "code_failures": None}


def new_code(tenant, lifetime: int) -> dict:
    """The user patch of a code sent now: a fresh expiry, no wrong guesses yet."""
    return {"confirmation_code": f"{secrets.randbelow(10**6):06d}", "code_expires_at": tenant.now() + lifetime,
            "code_failures": None}


def check_code(tenant, user, code: str) -> None:
    """The user's pending code, unexpired, tried fewer than ATTEMPTS times wrongly, is `code`;
    a wrong guess is counted on the user."""
    if not user.confirmation_code:
        raise EXPIRED
    if user.code_expires_at is not None and tenant.now() > user.code_expires_at:
        raise EXPIRED
    failures = user.code_failures or 0
    if failures >= ATTEMPTS:
        raise LIMIT
    if not secrets.compare_digest(code.encode(), user.confirmation_code.encode()):
        change_user(tenant, user, {"code_failures": failures + 1})
        raise MISMATCH


def delivery(claims: dict, attribute: str) -> dict | None:
    """CodeDeliveryDetails for a code sent to the user's `email` or `phone_number`, or None."""
    value = claims.get(attribute)
    if not isinstance(value, str) or not value:
        return None
    if attribute == "email":
        local, _, domain = value.partition("@")
        return {"Destination": f"{local[:1]}***@{domain[:1]}***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    return {"Destination": f"+{'*' * max(len(value) - 5, 0)}{value[-4:]}", "DeliveryMedium": "SMS",
            "AttributeName": "phone_number"}


def verified_channel(claims: dict) -> dict | None:
    """Where a password reset code goes: a verified phone number first, else a verified e-mail
    address (AdminResetUserPassword's reference); None when the user has neither."""
    for attribute in ("phone_number", "email"):
        if claims.get(f"{attribute}_verified") in (True, "true"):
            found = delivery(claims, attribute)
            if found is not None:
                return found
    return None
