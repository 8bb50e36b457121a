"""Microsoft Entra ID (v2.0 endpoints): a directory (tenant) with a GUID, app registrations as
clients (GUIDs, secrets or certificates, app roles, exposed API scopes under an Application ID URI
such as `api://<guid>`), users with object ids (`oid`) and UPNs. Its URLs sit under the tenant id
(`/{tid}/v2.0/.well-known/openid-configuration`, `/{tid}/oauth2/v2.0/token`, ...) and under the
`common` and `organizations` aliases, whose discovery names the issuer `…/{tenantid}/v2.0`.

Any tenant path works (the default seed's is /entra). Before a username/password sign-in MSAL asks
`https://<host>/common/userrealm/<user>` (port 443, whatever the authority's): a tenant at the root
(`path: /`) answers it; elsewhere the root's 404 makes MSAL take the plain password grant alike.

What fakes which part:
- flavor.py: the URL layout, discovery, JWKS (keys carry `issuer`), lifetimes, the persona's data.
- claims.py: v2.0 ID and access tokens (`ver` 2.0, `tid`, `oid`, pairwise `sub`, `scp`/`roles`,
  `groups` with the overage claim, `azp`/`azpacr`, `uti`, `rh`) and `client_info`.
- scopes.py: Entra's scopes: `<App ID URI>/<scope>`, `.default`, one resource per request.
- errors.py: AADSTS codes in `error_description` and `error_codes`.
- userrealm.py: `GET /common/userrealm/<user>` (a cloud-managed account), as MSAL asks it.
- on_behalf_of.py: the on-behalf-of grant (`jwt-bearer` with `requested_token_use=on_behalf_of`).
- v1.py: the v1.0 discovery document, its key URL and the v1.0 token endpoint (client
  credentials with `resource`), for validators set up for v1.0 tokens.
- keys.py: the JWKS keys' certificates (`x5c`, `x5t`) and the `x5t` header of v1.0 tokens.
"""

from .flavor import PROFILE

__all__ = ["PROFILE"]
