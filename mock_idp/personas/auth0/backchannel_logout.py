"""Auth0's OIDC Back-Channel Logout: an application's `oidc_logout` setting (Management API and
dashboard: "Back-Channel Logout URI", and the initiators it is told of). The logout token itself
is the vendor-free oauth/logout_token.py; docs/vendors.md, "Back-channel and front-channel logout".
"""


def urls(client, initiator: str | None) -> tuple[str, ...]:
    """The client's back-channel logout URL, if it is told of session ends by `initiator`
    ("rp-logout", "session-revoked", ...; None: by any). Initiators unset or `mode: all`: every one."""
    settings = client.oidc_logout
    if settings is None:
        return ()
    chosen = settings.backchannel_logout_initiators
    if initiator is not None and chosen is not None and chosen.mode == "custom" \
            and initiator not in chosen.selected_initiators:
        return ()
    return tuple(settings.backchannel_logout_urls)
