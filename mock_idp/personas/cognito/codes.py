"""The codes Cognito sends by e-mail or SMS: a sign-up's (ConfirmSignUp), a forgotten password's
(ConfirmForgotPassword) and a changed address's (VerifyUserAttribute); and where it says it sent
them (CodeDeliveryDetails, the address masked as Cognito masks it).

mock_idp sends nothing: the pending code is on the user in /_admin (`confirmation_code`), one at a
time, the latest sent. Facts: docs/vendors.md, "Cognito as apps drive it".
"""

import secrets

from .errors import CognitoError

MISMATCH = CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")
# A code never sent, or spent: what Cognito answers a code it holds no more.
EXPIRED = CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def check_code(user, code: str) -> None:
    if not user.confirmation_code:
        raise EXPIRED
    if not secrets.compare_digest(code.encode(), user.confirmation_code.encode()):
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
