"""What AWS would say about a token or a provider, as plain functions (no server needed).

AppSync's OPENID_CONNECT mode and a Cognito user pool federating to an OIDC provider both check
tokens against the issuer's discovery document and JWKS. No local emulator does (ministack's
AppSync accepts forged tokens), so the rules live here, each one a named outcome with the reason
and the fix. `mock-idp check-token`, `mock-idp doctor`, examples/appsync-local and the token
debugger page all call these.

The API (everything else in the package is internal):

    from mock_idp.aws import AppSyncConfig, check_appsync, check_cognito_idp, fetch_provider, doctor

    provider = fetch_provider("https://idp.example.com/okta/oauth2/default", verify=True)
    verdict = check_appsync(token, AppSyncConfig(issuer, client_id="0oa-.*", iat_ttl_ms=3_600_000),
                            provider=provider, at=None)
    verdict.accepted       # bool: would AppSync let the request through
    verdict.rules          # [Rule(name, ok, reason, fix)], in the order AppSync applies them
    verdict.failures       # the rules that failed
    verdict.identity       # $context.identity AppSync hands resolvers: {sub, issuer, claims}
    verdict.as_dict()      # JSON-ready (the shape `check-token --json` prints)

    check_cognito_idp(id_token, issuer, client_id=None, provider=None, at=None)  # Cognito's OIDC IdP rules
    check_user_pool(token, UserPoolConfig(pool_issuer, app_id_client_regex=None))  # AppSync user-pool mode
    doctor(url, client_id=None, verify=True)  # [ConsumerReport(consumer, rules)] per AWS/Okta verifier

`provider` is optional: without it the discovery document and JWKS are fetched (httpx; `verify` is
httpx's: True, False or a CA bundle path). Pass one `Provider` to check many tokens without
refetching, as AppSync caches the keys. `at` is the verification time in epoch seconds.
"""

# Loaded on first use (PEP 562): `mock-idp serve` imports mock_idp.aws.cli to register its
# commands, and should not pay for httpx and joserfc at start-up.
_EXPORTS = {"AppSyncConfig": "appsync", "check_appsync": "appsync", "check_cognito_idp": "cognito",
            "ConsumerReport": "consumers", "doctor": "consumers", "Provider": "provider",
            "fetch_provider": "provider", "UserPoolConfig": "user_pools", "check_user_pool": "user_pools",
            "Rule": "verdict", "Verdict": "verdict"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
