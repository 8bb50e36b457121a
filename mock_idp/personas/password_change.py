"""The hosted sign-in's "change your password" step, vendor-free: the words a persona shows on it
and the refusal its hook raises. The page (endpoints/password_change.py) asks the persona through
`Flavor.begin_password_change` (after the right password: does the vendor ask for a new one now?)
and `Flavor.complete_password_change` (the new password: the vendor's policy, then the user's new
status); the persona keeps its own transaction (Okta: the authn API's stateToken).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PasswordChangeWords:
    """The step's text, in the vendor's words (PersonaData.password_change)."""

    title: str
    requirements: str  # the policy, shown under the title
    new_password: str  # the field labels and the button
    confirm_password: str
    submit: str
    mismatch: str  # the two new passwords differ
    blank: str  # a field left empty
    expired: str  # the transaction ended (expired, used, unknown): the login page says it


class PasswordChangeRefused(Exception):
    """The persona refuses a new password: `message` is shown on the step again; `over` says the
    transaction itself is gone (expired or used), so the user must sign in again."""

    def __init__(self, message: str, over: bool = False):
        super().__init__(message)
        self.message, self.over = message, over
