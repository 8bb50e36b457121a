"""Amazon Cognito user pools: the hosted-UI endpoints under the pool's issuer.

The tenant URL stands for `https://cognito-idp.<region>.amazonaws.com/<pool id>`. Shapes follow
real Cognito tokens (docs/vendors.md): `token_use`, `cognito:username`, `cognito:groups`,
`custom:*` attributes, `origin_jti`/`event_id`; access tokens carry `client_id` and no `aud`.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from ...config import GroupConfig
from ..base import Flavor
from ..standard_claims import STANDARD_CLAIMS
from ..layout import KEEP, EndpointPaths, Lifetimes, RefreshRotation
from . import new_password_at_sign_in
from .answer import apply_to_access_token, apply_to_id_token
from .pre_token_generation import answers_at_sign_in, overrides, trigger_config
from .userinfo import userinfo_error

PATHS = EndpointPaths(
    authorization_endpoint="/oauth2/authorize",
    token_endpoint="/oauth2/token",
    userinfo_endpoint="/oauth2/userInfo",
    jwks_uri="/.well-known/jwks.json",
    introspection_endpoint=None,
    revocation_endpoint="/oauth2/revoke",
    end_session_endpoint="/logout",
    device_authorization_endpoint=None,  # user pools have no device flow
    login="/login",
    discovery=("/.well-known/openid-configuration",),
)
# Cognito publishes these, alphabetically.
DISCOVERY_KEYS = (
    "authorization_endpoint", "end_session_endpoint", "id_token_signing_alg_values_supported",
    "issuer", "jwks_uri", "response_types_supported", "revocation_endpoint", "scopes_supported",
    "subject_types_supported", "token_endpoint", "token_endpoint_auth_methods_supported",
    "userinfo_endpoint",
)
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
PENDING_STATUSES = ("UNCONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED")


@dataclass(frozen=True)
class CognitoFlavor(Flavor):
    def attributes(self, user) -> dict[str, Any]:
        """The user's pool attributes: standard ones as they are, the rest as custom:* strings."""
        attributes = {}
        for claim, value in user.claims.items():
            if claim == "groups":
                continue
            if claim in STANDARD_CLAIMS or claim.startswith("custom:"):
                attributes[claim] = value
            else:
                attributes[f"custom:{claim}"] = value if isinstance(value, str) else str(value)
        return attributes

    def may_sign_in(self, user) -> bool:
        # A pending sign-up or a temporary password is no sign-in yet: InitiateAuth answers them
        # (UserNotConfirmedException, the NEW_PASSWORD_REQUIRED challenge: password_auth.py).
        return user.enabled and user.status not in PENDING_STATUSES

    def begin_password_change(self, tenant, user):
        return new_password_at_sign_in.begin(tenant, user)

    def complete_password_change(self, tenant, token, new_password):
        return new_password_at_sign_in.complete(tenant, token, new_password)

    def event_claims(self, ctx) -> dict[str, Any]:
        claims = {}
        if ctx.user is not None and ctx.user.claims.get("groups"):
            claims["cognito:groups"] = [group.name for group in ranked_groups(ctx)]
        return claims

    def role_claims(self, ctx) -> dict[str, Any]:
        """ID tokens: every role ARN of the user's groups, and the role of the group that takes
        precedence (the lowest Precedence; a tie of different roles names none)."""
        with_roles = [group for group in ranked_groups(ctx) if group.role_arn]
        if not with_roles:
            return {}
        claims: dict[str, Any] = {"cognito:roles": list(dict.fromkeys(group.role_arn for group in with_roles))}
        first = [group for group in with_roles if group.precedence == with_roles[0].precedence]
        if len({group.role_arn for group in first}) == 1:
            claims["cognito:preferred_role"] = first[0].role_arn
        return claims

    def id_token_claims(self, ctx) -> dict[str, Any]:
        attributes = self.attributes(ctx.user)
        scoped = super().user_claims(ctx)
        # Tokens of the user-pool API (scope aws.cognito.signin.user.admin) carry every attribute.
        everything = ADMIN_SCOPE in ctx.scopes
        released = {k: v for k, v in attributes.items() if everything or k in scoped or k.startswith("custom:")}
        return apply_to_id_token({
            "sub": ctx.subject,
            **self.event_claims(ctx),
            **self.role_claims(ctx),
            **released,
            "iss": ctx.issuer.issuer,
            "cognito:username": ctx.user.username,
            "origin_jti": origin_jti(ctx),
            "aud": ctx.client.client_id,
            "event_id": ctx.extra.setdefault("event_id", str(uuid.uuid4())),  # one per issuance
            "token_use": "id",
            "auth_time": ctx.auth_time,
            "exp": ctx.now + self.lifetimes.id_token,
            "iat": ctx.now,
            "jti": str(uuid.uuid4()),
        }, overrides(ctx))

    def access_token_claims(self, ctx) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": ctx.subject if ctx.user else ctx.client.client_id}
        claims.update(self.event_claims(ctx))
        claims.update({
            "iss": ctx.issuer.issuer,
            "version": 2,
            "client_id": ctx.client.client_id,
            "origin_jti": origin_jti(ctx),
            "event_id": ctx.extra.setdefault("event_id", str(uuid.uuid4())),  # one per issuance
            "token_use": "access",
            "scope": " ".join(ctx.scopes),
            "auth_time": ctx.auth_time if ctx.auth_time is not None else ctx.now,
            "exp": ctx.now + ctx.access_token_lifetime,
            "iat": ctx.now,
            "jti": ctx.jti,
        })
        if ctx.user is not None:
            claims["username"] = ctx.user.username
        else:
            del claims["origin_jti"], claims["event_id"]
        return apply_to_access_token(claims, overrides(ctx))

    def calls_hooks(self, issuer) -> bool:
        return trigger_config(issuer) is not None

    def hook_answers_at_sign_in(self, issuer, context) -> dict | None:
        return answers_at_sign_in(context()) if self.calls_hooks(issuer) else None

    def userinfo_claims(self, ctx) -> dict[str, Any]:
        claims = {"sub": ctx.subject}
        claims.update(self.attributes(ctx.user))
        if "email_verified" in claims:
            # Cognito's userInfo answers booleans as strings.
            claims["email_verified"] = str(claims["email_verified"]).lower()
        claims["username"] = ctx.user.username
        return claims

    def userinfo_error(self, case, error):
        return userinfo_error(case, error)

    def token_endpoint_response(self, status, body, request_headers):
        if "error" in body:
            return status, {"error": body["error"]}  # Cognito sends no description
        body.pop("scope", None)  # nor the scope of a granted token
        return status, body

    def refresh_rotation_of(self, client):
        """The app client's RefreshTokenRotation; without it (the default) the refresh token is kept
        and refreshes answer without one. ENABLED: a new one each time, living what the old one had
        left, the old one redeemable for RetryGracePeriodSeconds (docs/vendors.md)."""
        setting = client.refresh_token_rotation
        if setting is None or setting.feature == "DISABLED":
            return KEEP
        return RefreshRotation(reuse_grace=setting.retry_grace_period_seconds, inherit_expiry=True)

    def new_jti(self, kind: str) -> str:
        return str(uuid.uuid4())


ORIGIN_NAMESPACE = uuid.UUID("6f1c2a8e-3b5d-4c1e-9f7a-2d8b4e6c0a13")


def origin_jti(ctx) -> str:
    """The sign-in's id, shared by its ID and access tokens and by every token refreshed from it
    (AWS: "a token-revocation identifier associated with your user's refresh token"): derived
    from the grant a refresh token continues; a grant without one gets a random one."""
    if "origin_jti" not in ctx.extra:
        ctx.extra["origin_jti"] = str(uuid.uuid5(ORIGIN_NAMESPACE, ctx.grant_id) if ctx.grant_id else uuid.uuid4())
    return ctx.extra["origin_jti"]


def ranked_groups(ctx) -> list:
    """The user's groups by precedence: lowest first, those without one last, the member's order
    otherwise (a name no group defines is a group without precedence or role)."""
    defined = ctx.issuer.groups
    names = [name for name in ctx.user.claims.get("groups") or () if isinstance(name, str)]
    groups = [defined.get(name) or GroupConfig(name=name) for name in names]
    return sorted(groups, key=lambda group: (group.precedence is None, group.precedence or 0))


PROFILE = CognitoFlavor(
    token_exchange=None,  # Cognito exchanges no tokens
    name="cognito",
    label="Amazon Cognito (mock)",
    signing_algorithms=("RS256",),
    # A user pool's JWKS holds two RSA keys: one signs its access tokens, the other its ID tokens
    # (docs/vendors.md, "Cognito signing keys and userInfo errors"). A seed's signing_key signs access tokens.
    signing_key_roles=("access", "id"),
    paths=PATHS,
    # signin_token: a challenge's Session (and SRP's SECRET_BLOCK), the app client's AuthSessionValidity,
    # 3 minutes unless set (UserPoolClientType; docs/vendors.md, "Cognito's SRP").
    lifetimes=Lifetimes(access_token=3600, id_token=3600, authorization_code=300,
                        refresh_token=30 * 24 * 3600, signin_token=180),
    scopes_supported=("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"),
    response_types_supported=("code", "token"),
    token_response_includes_id_token=True,
    token_endpoint_auth_methods_supported=("client_secret_basic", "client_secret_post"),
    unnamed_client_auth_methods=("client_secret_basic", "client_secret_post"),
    access_token_typ=None,
    id_token_typ=None,
    refresh_rotation=KEEP,  # Cognito's refresh token stays the same until it expires
    seed_keys=("refresh_token_rotation",),  # the app client's RefreshTokenRotation (refresh_rotation_of)
    logout_redirect_params=("logout_uri",),
    sdk_settings=(
        "aws-jwt-verify, Amplify: issuer {issuer}, JWKS {jwks_uri}, app client {client_id}",
    ),
    wrong_password_message="Incorrect username or password.",
    # A user with a temporary password sets a new one on the hosted UI (new_password_at_sign_in.py).
    password_change=new_password_at_sign_in.WORDS,
    # The user pool's UsernameConfiguration CaseSensitive=false, the console's default (docs/vendors.md).
    case_insensitive_usernames=True,
    discovery_keys=DISCOVERY_KEYS,
    device_flow=None,
    seed_hooks=("pre_token_generation",),  # a seed's triggers.pre_token_generation: pre_token_generation.py
    vendor_apis=("cognito.user_pool_api",),  # POST / with X-Amz-Target: InitiateAuth, AdminCreateUser, ...
)
