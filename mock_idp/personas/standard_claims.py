"""The standard claims and the scopes that release them (OpenID Connect Core 1.0 §5.1, §5.4)."""

# OIDC Core §5.4: which standard claims each scope releases.
STANDARD_SCOPE_CLAIMS = {
    "profile": (
        "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
    ),
    "email": ("email", "email_verified"),
    "address": ("address",),
    "phone": ("phone_number", "phone_number_verified"),
}
STANDARD_CLAIMS = frozenset(c for claims in STANDARD_SCOPE_CLAIMS.values() for c in claims)
