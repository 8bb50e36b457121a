"""Auth0: a tenant (`https://<tenant>.auth0.com/`, issuer with the trailing slash) whose APIs are
chosen by `audience`, with database connections holding the users.

What fakes which part:
- flavor.py: the persona's data and claim hooks (namespaced claims, `permissions`, `gty`, errors).
- password_realm.py: the `http://auth0.com/oauth/grant-type/password-realm` grant (GetToken.login).
- dbconnections.py: `/dbconnections/signup` and `/dbconnections/change_password`.
"""

from .flavor import PROFILE

__all__ = ["PROFILE"]
