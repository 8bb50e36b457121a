"""A Cognito user pool's rules for an OIDC identity provider's ID token.

From "Using OIDC identity providers with a user pool": HTTPS only for the OIDC endpoints, TCP ports
80 and 443 only, ID tokens signed with RSA, ECDSA or HMAC-SHA, a `kid` published at `jwks_uri` and
carried in the token. Beyond those, the ID token's iss, aud (the app's client id at the IdP) and
exp are checked, and `email_verified` must be a boolean to map onto the user pool attribute.
"""

import time

from .endpoint_rules import BACK_CHANNEL, endpoint_urls, https_rule, port_rule
from .provider import Provider
from .token_rules import begin, identity, issuer_rule, kid_rule, signature_rule, times_rules
from .verdict import Rule, Verdict, failed, passed

# RSA and ECDSA: check-token verifies public-key signatures; HMAC needs the client secret.
COGNITO_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
HTTPS_FIX = "serve the issuer over https on 443 (mock_idp: --tls, or a TLS terminator, and --base-url https://…)"


def audience_rule(claims: dict, client_id: str | None) -> Rule:
    if client_id is None:
        return passed("aud", "no client id given: aud not checked")
    aud = claims.get("aud")
    if aud == client_id or (isinstance(aud, list) and client_id in aud):
        return passed("aud", f"aud contains {client_id!r}")
    return failed("aud", f"aud {aud!r} does not contain the client id {client_id!r}",
                  "use the ID token of the client Cognito is registered as at the IdP")


def email_verified_rule(claims: dict) -> Rule:
    value = claims.get("email_verified")
    if value is None or isinstance(value, bool):
        return passed("email_verified", "absent" if value is None else f"boolean {str(value).lower()}")
    return failed("email_verified", f"email_verified is {type(value).__name__} {value!r}, not a boolean",
                  "emit email_verified as a JSON true/false")


def check_cognito_idp(token: str, issuer: str, client_id: str | None = None,
                      provider: Provider | None = None, at: float | None = None,
                      verify: bool | str = True) -> Verdict:
    """Would a user pool federating to `issuer` (as `client_id`) accept this ID token?"""
    verdict, provider = begin("cognito-idp", token, issuer, provider, verify)
    if provider is None:
        return verdict
    urls = endpoint_urls(provider, BACK_CHANNEL)
    verdict.add(https_rule(urls, HTTPS_FIX))
    verdict.add(port_rule(urls))
    verdict.add(issuer_rule(verdict.claims, provider, issuer))
    if verdict.add(kid_rule(verdict.header, provider)):
        verdict.add(signature_rule(token, verdict.header, provider, COGNITO_ALGORITHMS))
    verdict.rules += times_rules(verdict.claims, time.time() if at is None else at)
    verdict.add(audience_rule(verdict.claims, client_id))
    verdict.add(email_verified_rule(verdict.claims))
    if verdict.accepted:
        verdict.identity = identity(verdict.claims)
    return verdict
