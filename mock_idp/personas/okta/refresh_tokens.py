"""Okta's refresh token rotation, per app: the Apps API's `settings.oauthClient.refresh_token`
(`rotation_type` ROTATE or STATIC, `leeway` in seconds), the Admin Console's "Rotate token after
every use" with its grace period, or "Use persistent token" (docs/vendors.md, "Refresh token
rotation, per vendor").

Unset, Okta's defaults: ROTATE with a 30 s leeway for a single-page app, STATIC for every other
app. The seed has no application type: a public client (no secret, no keys) is taken for the SPA.
"""

from ..layout import RefreshRotation

ROTATION_TYPES = ("ROTATE", "STATIC")
DEFAULT_LEEWAY = 30
# STATIC: the same refresh token comes back with each refresh, until it expires.
PERSISTENT = RefreshRotation(new_token=False, repeat_kept=True)


def rotation(client) -> RefreshRotation:
    setting = client.refresh_token
    if setting is None:
        return RefreshRotation(reuse_grace=DEFAULT_LEEWAY) if client.is_public else PERSISTENT
    if setting.rotation_type == "STATIC":
        return PERSISTENT
    # After the leeway a reuse ends the grant: Okta "immediately invalidates the most recently
    # issued refresh token and all access tokens issued since the user authenticated".
    return RefreshRotation(reuse_grace=DEFAULT_LEEWAY if setting.leeway is None else setting.leeway)


def seed_problems(client) -> list[tuple[tuple, str]]:
    setting = client.refresh_token
    if setting is None:
        return []
    if setting.rotation_type not in ROTATION_TYPES:
        return [(("refresh_token", "rotation_type"), f"Okta's rotation_type is ROTATE or STATIC, not {setting.rotation_type!r}")]
    return []
