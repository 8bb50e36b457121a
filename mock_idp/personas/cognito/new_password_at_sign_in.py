"""Cognito's hosted UI for a user with a temporary password (FORCE_CHANGE_PASSWORD: AdminCreateUser,
AdminSetUserPassword Permanent=false): "the user must enter the temporary password in the sign-in
page, along with a new password" (AdminCreateUser's TemporaryPassword), checked against the pool's
password policy; the user is then CONFIRMED and the sign-in goes on to the app. The page is
vendor-free (endpoints/password_change.py); these are the persona's hooks and words.

The transaction is the NEW_PASSWORD_REQUIRED challenge's Session (password_auth.py): one use, as
long as an Okta sessionToken lives. Facts and sources: docs/vendors.md, "Okta: an expired password
on the hosted sign-in page" (its Cognito paragraph).
"""

import secrets

from ...endpoints.sso import record_signin_token
from ...oauth.tokens import token_hash
from ..password_change import PasswordChangeRefused, PasswordChangeWords
from .errors import CognitoError
from .pool_users import CONFIRMED, FORCE_CHANGE_PASSWORD, change_user, check_password

# The classic hosted UI's "Change Password" page for a temporary password (docs/vendors.md: these
# words are not in AWS's documentation; a dead Session in RespondToAuthChallenge's).
WORDS = PasswordChangeWords(
    title="Change Password",
    requirements="Please enter a new password.",
    new_password="New Password",
    confirm_password="Enter New Password Again",
    submit="Send",
    mismatch="Passwords do not match",
    blank="Missing required parameter Password",  # the pool's check_password, of an empty one
    expired="Invalid session for the user, session is expired.",
)


def begin(tenant, user) -> str | None:
    """A new Session for an enabled user with a temporary password, else None."""
    if user.status != FORCE_CHANGE_PASSWORD or not user.enabled:
        return None
    session = secrets.token_urlsafe(96)
    record_signin_token(tenant, session, user)
    return session


def complete(tenant, session: str, new_password: str):
    """The pool's policy, then the Session used up and the user CONFIRMED with the new password."""
    try:
        check_password(new_password)
    except CognitoError as weak:  # InvalidPasswordException: "Password did not conform with policy: ..."
        raise PasswordChangeRefused(weak.message) from None
    row = tenant.store.redeem_signin_token(token_hash(session), tenant.now())
    user = tenant.find_user(row.username) if row is not None and row.tenant == tenant.name else None
    if user is None:
        raise PasswordChangeRefused(WORDS.expired, over=True)
    return change_user(tenant, user, {"password": new_password, "status": CONFIRMED})
