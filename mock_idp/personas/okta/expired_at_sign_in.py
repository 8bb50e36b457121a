"""Okta's hosted sign-in when the password has expired: after the right password, a PASSWORD_EXPIRED
user is asked for a new one ("Your password has expired": New password, Re-enter password, Change
Password), checked against the org's password policy, and is ACTIVE once it is set; the sign-in then
goes on to the application. The page is vendor-free (endpoints/password_change.py); these are the
persona's hooks and words (Flavor.begin_password_change, complete_password_change, password_change).

The transaction is the Authentication API's own (authn_password_expired.py): Okta's Classic widget
drives that very API (`PASSWORD_EXPIRED`, then `changePassword` with the stateToken), so a stateToken
from the page and one from /api/v1/authn are the same kind, each used up once the password is set.
The words are the Identity Engine widget's (its `reenroll-authenticator` step: the current password
was just verified, so it is not asked again). Facts and sources: docs/vendors.md, "Okta: an expired
password on the hosted sign-in page".
"""

from ..password_change import PasswordChangeRefused, PasswordChangeWords
from .authn_password_expired import new_state_token, set_new_password, state_user
from .management import OktaApiError
from .okta_users import status_of
from .password_policy import REQUIREMENTS, REQUIREMENTS_NOT_MET

WORDS = PasswordChangeWords(
    title="Your password has expired",  # login.properties password.expired.title.generic
    requirements=REQUIREMENTS,  # password.complexity.requirements, of the default policy
    new_password="New password",  # oie.password.newPasswordLabel
    confirm_password="Re-enter password",  # oie.password.confirmPasswordLabel
    submit="Change Password",  # password.expired.submit
    mismatch="New passwords must match",  # password.error.match
    blank="This field cannot be left blank",  # model.validation.field.blank
    expired="Your session has expired. Please try to sign in again.",  # error.expired.session
)


def begin(tenant, user) -> str | None:
    """A new stateToken for a PASSWORD_EXPIRED user, else None (the user signs in)."""
    if status_of(user) != "PASSWORD_EXPIRED" or not user.enabled:
        return None
    return new_state_token(tenant, user)[0]


def complete(tenant, state_token: str, new_password: str):
    """The new password of a live transaction: the user, ACTIVE; else PasswordChangeRefused in
    Okta's words (a weak password: the step again; a dead stateToken: sign in again)."""
    try:
        user = state_user(tenant, state_token)
        return set_new_password(tenant, user, state_token, new_password)
    except OktaApiError as error:
        if error.code == "E0000080":  # the policy, as the authn API's change checks it
            raise PasswordChangeRefused(REQUIREMENTS_NOT_MET) from None
        raise PasswordChangeRefused(WORDS.expired, over=True) from None
