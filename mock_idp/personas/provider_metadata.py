"""The discovery document a persona publishes (OpenID Connect Discovery 1.0 §3, RFC 8414 §2)."""

from typing import Any

from .standard_claims import STANDARD_CLAIMS


def claims_supported(issuer) -> list[str]:
    claims = {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "azp", "sid"}
    claims |= STANDARD_CLAIMS
    for user in issuer.all_users():
        claims |= set(user.claims)
    return sorted(claims)


def document(flavor, issuer) -> dict[str, Any]:
    doc = {
        "issuer": issuer.issuer,
        "authorization_endpoint": issuer.endpoint_url("authorization_endpoint"),
        "token_endpoint": issuer.endpoint_url("token_endpoint"),
        "userinfo_endpoint": issuer.endpoint_url("userinfo_endpoint"),
        "jwks_uri": issuer.endpoint_url("jwks_uri"),
        "scopes_supported": list(flavor.scopes_supported),
        "response_types_supported": list(flavor.response_types_supported),
        "response_modes_supported": list(flavor.response_modes_supported),
        "grant_types_supported": list(flavor.grant_types_supported) + flavor.listed_exchange(issuer),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(flavor.signing_algorithms),
        "token_endpoint_auth_methods_supported": list(flavor.token_endpoint_auth_methods_supported),
        "claims_supported": flavor.claims_supported(issuer),
        "code_challenge_methods_supported": ["S256", "plain"],
        "introspection_endpoint": issuer.endpoint_url("introspection_endpoint"),
        "introspection_endpoint_auth_methods_supported": list(flavor.token_endpoint_auth_methods_supported),
        "revocation_endpoint": issuer.endpoint_url("revocation_endpoint"),
        "revocation_endpoint_auth_methods_supported": list(flavor.token_endpoint_auth_methods_supported),
        "end_session_endpoint": issuer.endpoint_url("end_session_endpoint"),
        "device_authorization_endpoint": issuer.endpoint_url("device_authorization_endpoint"),
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,  # OIDC Discovery §3: true when left out
        "claims_parameter_supported": False,
    }
    if "private_key_jwt" in flavor.token_endpoint_auth_methods_supported and flavor.client_assertion.list_algorithms:
        doc["token_endpoint_auth_signing_alg_values_supported"] = list(flavor.client_assertion.algorithms)
    doc.update(flavor.discovery_extras)
    if flavor.discovery_keys is not None:
        doc = {k: doc.get(k) for k in flavor.discovery_keys}
    # Advertise only what is served.
    return {k: v for k, v in doc.items() if v is not None}

