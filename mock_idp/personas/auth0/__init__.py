"""Auth0: a tenant (`https://<tenant>.auth0.com/`, issuer with the trailing slash) whose APIs are
chosen by `audience`, with database connections holding the users.

What fakes which part:
- flavor.py: the persona's data and hooks; token_claims.py: its claims (namespaced, `permissions`,
  `gty`); apis.py: the APIs an `audience` names (client grants, RBAC); errors.py: the token endpoint's errors.
- password_realm.py: the `http://auth0.com/oauth/grant-type/password-realm` grant (GetToken.login).
- dbconnections.py: `/dbconnections/signup` and `/dbconnections/change_password`.
- users_api.py, roles_api.py: the Management API v2 (`/api/v2/users`, `users-by-email`, `/api/v2/roles`),
  as auth0-python's `auth0.management.Auth0` calls it; management.py (token, errors, pages, writes),
  lucene.py (the `q` of user search).
- organizations.py: Organizations at /authorize (`organization=`, org_id / org_name claims, the
  application's organization_usage); organization_prompt.py: the organization prompt page;
  m2m_organizations.py: `organization` with client_credentials; organizations_api.py:
  `/api/v2/organizations` and their members; organization_writes.py: creating, changing and
  deleting them and their members; invitations.py: invitations (API, and `invitation=` at /authorize).
"""

from .flavor import PROFILE

__all__ = ["PROFILE"]
