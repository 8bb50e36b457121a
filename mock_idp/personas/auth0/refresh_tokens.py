"""Auth0's refresh token rotation, per application: the Management API's `refresh_token`
(`rotation_type` rotating or non-rotating, `leeway` seconds), the Dashboard's "Allow Refresh
Token Rotation" with its "Rotation Overlap Period" (docs/vendors.md, "Refresh token rotation, per
vendor").

Unset, an application's refresh tokens do not rotate: a refresh answers without a refresh token
and the one used stays valid. Rotating, the used one dies; redeemed again after the leeway (0 by
default), or within it when it is not the previous token (the one just rotated) but an older one,
it revokes its whole family (Auth0's automatic reuse detection).
"""

from ..layout import KEEP, RefreshRotation

ROTATION_TYPES = ("rotating", "non-rotating")


def rotation(client) -> RefreshRotation:
    setting = client.refresh_token
    if setting is None or setting.rotation_type == "non-rotating":
        return KEEP
    return RefreshRotation(reuse_grace=setting.leeway or 0, reuse_previous_only=True)


def seed_problems(client) -> list[tuple[tuple, str]]:
    setting = client.refresh_token
    if setting is not None and setting.rotation_type not in ROTATION_TYPES:
        return [(("refresh_token", "rotation_type"),
                 f"Auth0's rotation_type is rotating or non-rotating, not {setting.rotation_type!r}")]
    return []
