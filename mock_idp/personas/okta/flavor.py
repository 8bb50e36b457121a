"""Okta: the org authorization server plus custom authorization servers (/oauth2/{id}).

Shapes follow real Okta tokens and discovery documents (docs/vendors.md): `ver`, `jti` "ID."/"AT.",
`cid`, `uid`, `scp` as an array, Okta user ids (00u…) as `sub` of ID tokens, the login as `sub`
of access tokens, no JOSE `typ` header. The servers' URLs: authorization_servers.py; the claims:
token_claims.py; this module holds the persona's data and wires its hooks.
"""

from dataclasses import dataclass
from typing import Any

from ...oauth.errors import InvalidScopeError
from .. import cors
from ..base import Flavor
from ..layout import ClientAssertionRules, DeviceFlow, Lifetimes, TokenExchangeRules
from . import authorization_servers, expired_at_sign_in, refresh_tokens, scopes, token_claims
from .authorization_servers import ORG_AS_PATHS
from .everyone import groups_claim
from .ids import okta_id
from .saml.idp import IDP as SAML_IDP
from .token_claims import login_of
from .token_inline_hook import hook_config, patched

DISCOVERY_KEYS = (
    "issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint",
    "registration_endpoint", "jwks_uri", "response_types_supported", "response_modes_supported",
    "grant_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
    "scopes_supported", "token_endpoint_auth_methods_supported", "claims_supported",
    "code_challenge_methods_supported", "introspection_endpoint",
    "introspection_endpoint_auth_methods_supported", "revocation_endpoint",
    "revocation_endpoint_auth_methods_supported", "end_session_endpoint",
    "request_parameter_supported", "request_object_signing_alg_values_supported",
    "device_authorization_endpoint",
)


@dataclass(frozen=True)
class OktaFlavor(Flavor):
    def issuers(self, tenant_key, tenant_url, config):
        return authorization_servers.issuer_layouts(tenant_key, tenant_url, config)

    def token_exchange_rules(self, layout):
        # On-Behalf-Of token exchange is a custom authorization server's grant, not the org's.
        return self.token_exchange if layout.name is not None else None

    def authorization_server_metadata(self, issuer, discovery):
        return authorization_servers.oauth_metadata(discovery)

    def subject(self, tenant, user) -> str:
        return user.sub or okta_id("00u", f"{tenant.name}:{user.username}")

    def granted_scopes(self, issuer, client, requested, audience, grant_type, user=None):
        # Okta authorization servers ship without default scopes: a service must name its scopes.
        if grant_type == "client_credentials" and not requested:
            raise InvalidScopeError("The authorization server resource does not have any configured "
                                    "default scopes, 'scope' must be provided.")
        scopes.check(issuer, requested, grant_type)
        return requested

    def check_authorization_scopes(self, issuer, requested):
        scopes.check(issuer, requested, None)

    def discovery(self, issuer):
        # A custom authorization server lists its system scopes (its custom ones are unlisted, as
        # Okta's default metadataPublish NO_CLIENTS); the org server its OpenID Connect ones.
        document = super().discovery(issuer)
        if issuer.layout.name is not None:
            document["scopes_supported"] = list(scopes.SYSTEM_SCOPES)
        return document

    def resolve_audience(self, issuer, client, requested, grant_type=None):
        # Okta ignores `audience`: the authorization server decides.
        return issuer.layout.audience

    def cors_origins(self, tenant, client):
        # The org's Trusted Origins of type CORS, for every app alike ("Every website origin must be
        # explicitly permitted"); none in the seed: the app's redirect URIs' origins, as the Admin
        # Console trusts an SPA's on creation (docs/vendors.md, "CORS allow-lists").
        if tenant.trusted_origins is None:
            return super().cors_origins(tenant, client)
        return cors.origins(trusted.origin for trusted in tenant.trusted_origins if "CORS" in trusted.scopes)

    def refresh_rotation_of(self, client):
        return refresh_tokens.rotation(client)

    def client_seed_problems(self, tenant, client):
        return refresh_tokens.seed_problems(client)

    def new_jti(self, kind: str) -> str:
        return token_claims.new_jti(kind)

    def login(self, ctx) -> str:
        return login_of(ctx.user)

    def user_claims(self, ctx) -> dict[str, Any]:
        claims = super().user_claims(ctx)
        if "profile" in ctx.scopes:
            claims["preferred_username"] = self.login(ctx)
        if ctx.user is not None:
            claims.pop("groups", None)  # the user's listed groups: the groups claim decides (everyone.py)
            claims.update(groups_claim(ctx.issuer, ctx.user))
        return claims

    def id_token_claims(self, ctx) -> dict[str, Any]:
        return patched(ctx, "identity", self.unhooked_id_token_claims(ctx), lambda: None)

    def unhooked_id_token_claims(self, ctx) -> dict[str, Any]:
        return token_claims.id_token_claims(self, ctx)

    def access_token_claims(self, ctx) -> dict[str, Any]:
        # The token inline hook sees the ID token of the same issuance too (with its nonce).
        identity = lambda: {**self.unhooked_id_token_claims(ctx), **({"nonce": ctx.nonce} if ctx.nonce else {})}  # noqa: E731
        return patched(ctx, "access", self.unhooked_access_token_claims(ctx), identity)

    def calls_hooks(self, issuer) -> bool:
        return hook_config(issuer) is not None

    def unhooked_access_token_claims(self, ctx) -> dict[str, Any]:
        return token_claims.access_token_claims(self, ctx)

    def introspection_claims(self, payload, row, user) -> dict[str, Any]:
        return token_claims.introspection_claims(payload, user)

    def user_defaults(self, user) -> dict[str, Any]:
        """Claims every Okta user profile has, whether or not the seed sets them."""
        name = user.claims.get("name") or user.username
        given, _, family = name.partition(" ")
        return {
            "name": name, "given_name": given, "family_name": family or given,
            "locale": "en_US", "zoneinfo": "America/Los_Angeles", "updated_at": 1700000000,
        }

    def begin_password_change(self, tenant, user):
        return expired_at_sign_in.begin(tenant, user)

    def complete_password_change(self, tenant, token, new_password):
        return expired_at_sign_in.complete(tenant, token, new_password)

    def post_message(self, mode, params):
        # okta-auth-js (oidc/util/browser.ts, addPostMessageListener) reads {code | id_token |
        # access_token | error, error_description, state} straight from the message's data.
        return params

    def unknown_route(self, path: str):
        return authorization_servers.unknown_server(path)


PROFILE = OktaFlavor(
    name="okta",
    label="Okta (mock)",
    signing_algorithms=("RS256",),
    paths=ORG_AS_PATHS,
    lifetimes=Lifetimes(access_token=3600, id_token=3600, authorization_code=300,
                        refresh_token=90 * 24 * 3600, device_code=600),
    scopes_supported=("openid", "profile", "email", "address", "phone", "offline_access", "groups"),
    access_token_typ=None,
    id_token_typ=None,
    refresh_requires_offline_access=True,
    # docs/vendors.md, "private_key_jwt": aud is the URL of the endpoint called, exp at most an hour
    # ahead, jti optional (refused when replayed); RSA and EC keys; discovery lists no algorithms;
    # a client with several keys must send the kid.
    client_assertion=ClientAssertionRules(
        algorithms=("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"), audiences=("endpoint",),
        max_lifetime=3600, jti_required=False, list_algorithms=False, kid_required_with_many_keys=True),
    # docs/vendors.md, "Token exchange": audience and scope required, the target server's scopes.
    token_exchange=TokenExchangeRules(scope_within_subject=False, scope_required=True, audience_required=True,
                                      listed_in_discovery=False, from_sibling_servers=True),
    wrong_password_message="The credentials provided were invalid.",
    # A PASSWORD_EXPIRED user's new password on the hosted sign-in page (expired_at_sign_in.py).
    password_change=expired_at_sign_in.WORDS,
    # Okta logins are matched whatever their case (docs/vendors.md, Usernames).
    case_insensitive_usernames=True,
    discovery_keys=DISCOVERY_KEYS,
    # POST /api/v1/authn; /app/<name>/<app_id>/sso/saml; /api/v1/users and /api/v1/groups; last, the rest of /api/v1
    saml_idp=SAML_IDP,  # the SAML apps' words, URLs and defaults (saml/idp.py)
    vendor_apis=("okta.authn", "okta.saml", "okta.users_api", "okta.groups_api", "okta.unknown_api"),
    # served by okta.saml; by okta.users_api and groups_api; by groups_claim below; refresh_tokens.py;
    # authorization_servers.py; cors_origins (trusted_origins)
    seed_keys=("saml_apps", "api_tokens", "groups_claim", "refresh_token", "authorization_server",
               "authorization_servers", "trusted_origins"),
    seed_hooks=("token_inline_hook",),  # authorization_servers[].token_inline_hook: token_inline_hook.py
    signin_token_param="sessionToken",
    client_id_claim="cid",
    sdk_settings=(
        "AWS AppSync (OIDC mode): issuer {issuer}, client id {client_id}",
        "@okta/okta-auth-js, @okta/jwt-verifier, okta-spring-boot: issuer: '{issuer}', clientId: '{client_id}'",
        "Cognito user-pool OIDC federation: issuer {issuer}, attributes request method POST",
    ),
    # okta-auth-js's getWithoutPrompt and token auto-renew: a hidden iframe with prompt=none&
    # response_mode=okta_post_message; the page posts the parameters themselves (post_message below),
    # and discovery lists the mode (docs/vendors.md, "SPA SDKs").
    post_message_modes=("okta_post_message",),
    # okta-auth-js revokes a public client's tokens (signOut) with Basic base64(client_id), no secret.
    basic_names_public_client=True,
    response_modes_supported=("query", "fragment", "form_post", "okta_post_message"),
    # Okta serves response_type=token too, but does not list it.
    response_types_supported=("code", "id_token", "code id_token", "code token", "id_token token",
                              "code id_token token"),
    # The OIDC document lists the grants of interactive apps; RFC 8414's adds client_credentials.
    grant_types_supported=("authorization_code", "implicit", "refresh_token", "password",
                           "urn:ietf:params:oauth:grant-type:device_code"),
    # docs/vendors.md, "Okta error bodies". (An unknown client_id gets Okta's wording in the RFC 6749
    # shape, not Okta's errorCode/errorSummary API body, so OAuth clients can still read it.)
    error_descriptions={
        "unknown_client": "Invalid value for 'client_id' parameter.",
        "login_required": "The client specified not to prompt, but the user is not logged in.",
        "bad_client_secret": "The client secret supplied for a confidential client is invalid.",
        "no_client_credentials": "No client credentials found.",
        "invalid_code": "The authorization code is invalid or has expired.",
        "redirect_uri_mismatch": "The 'redirect_uri' does not match the redirection URI used in the "
                                 "authorization request.",
        "code_verifier_mismatch": "PKCE verification failed.",
        "invalid_refresh_token": "The refresh token is invalid or expired.",
        # private_key_jwt (docs/vendors.md, "private_key_jwt refusals, per vendor"): Okta's support
        # articles and captured answers; a replayed jti keeps the mock's words (none captured).
        "assertion_expired": "The client_assertion token is expired.",
        "assertion_lifetime": "The client_assertion token has an expiration too far into the future.",
        "assertion_audience": "The audience claim for client_assertion must be the endpoint invoked for the request.",
        "assertion_unknown_key": "The client_assertion JWT kid is invalid.",
        "assertion_signature": "The client_assertion signature is invalid.",
        "assertion_type": "The client_assertion_type is invalid.",
    },
    # One activation page for the org, whichever authorization server started the flow.
    device_flow=DeviceFlow(
        verification_path="/activate",
        user_code_group=0,  # Okta shows eight letters, e.g. RDZKBTPJ
        pending_message="The device authorization is pending. Please try again later.",
        slow_down_message="The client is polling too frequently. Poll every {interval} seconds.",
        expired_message="The device code has expired.",
        denied_message="The resource owner or authorization server denied the request.",
        invalid_message="The device code is invalid or has expired.",
    ),
)
