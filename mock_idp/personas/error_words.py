"""The generic error descriptions by case (RFC 6749 §5.2, OIDC Core §3.1.2.6), which the personas reword."""

# Token endpoint errors by case (oauth.errors.with_case); personas reword them in the vendor's words.
ERROR_DESCRIPTIONS = {
    "unknown_client": "There is no client with this client_id on this tenant.",
    "bad_client_secret": "Client authentication failed: the client secret is wrong.",
    "no_client_credentials": "Client authentication failed: no client credentials were sent.",
    "auth_method_not_registered": "Client authentication failed: the credentials were sent by a method this "
                                  "client is not registered for (its token_endpoint_auth_method).",
    "invalid_code": "The authorization code is invalid, expired, already used or issued to another client.",
    "redirect_uri_mismatch": "redirect_uri does not match the one of the authorization request.",
    "code_verifier_mismatch": "PKCE verification failed: the code_verifier does not match the code_challenge.",
    "invalid_refresh_token": "The refresh token is invalid, expired, revoked or issued to another client.",
    # An authorization error (OIDC Core §3.1.2.6's words): prompt=none and nobody signed in.
    "login_required": "The Authorization Server requires End-User authentication.",
}
# A case a persona may word more finely; one that does not gets its wording of the broader case.
BROADER_CASE = {"code_replayed": "invalid_code", "code_expired": "invalid_code",
                "refresh_token_revoked": "invalid_refresh_token", "refresh_token_expired": "invalid_refresh_token",
                "refresh_token_fixed_lifetime_expired": "refresh_token_expired",
                "public_client_with_secret": "auth_method_not_registered",
                "assertion_unknown_key": "assertion_signature", "assertion_type": "assertion_malformed",
                "user_blocked": "invalid_refresh_token"}
