"""Okta: an org (`https://<org>.okta.com`) with its org authorization server and custom
authorization servers (`/oauth2/<id>`, `default` among them), users with `00u…` ids and logins.

What fakes which part:
- flavor.py: the persona's data and hooks (discovery, scopes, errors, lifetimes).
- authorization_servers.py: the org and custom authorization servers (URLs, RFC 8414 document, E0000007).
- token_claims.py: the ID, access-token and introspection claims; errors.py: the API error body.
- authn.py: the Authentication API (`POST /api/v1/authn` -> `sessionToken`), as okta-auth-js calls it.
- token_inline_hook.py: a custom authorization server's token inline hook (request, commands, errors).
- users_api.py, groups_api.py: the Users and Groups API (`SSWS` token), as okta-sdk-python calls it;
  management.py (token, errors, pages, writes), okta_users.py (user/group objects), expressions.py
  (`filter`/`search`).
"""

from .flavor import PROFILE

__all__ = ["PROFILE"]
