"""A refresh token's redemption, as the client's rotation says (personas/layout.RefreshRotation):
plain functions for the refresh_token grant (refresh_token.py) and the vendor APIs that refresh
without it (Cognito's GetTokensFromRefreshToken)."""


def redeemable(store, row, rotation, now: int) -> bool:
    """Whether a live refresh token's row may be redeemed: not retired, or retired less than the
    reuse grace ago (a client retrying a lost answer). RFC 9700 §4.14.2: a rotated refresh token
    used again means it leaked: the grant ends, and False. A first look only, from what never
    changes back (a retirement and its time): whether a token retired within the grace is still
    the previous one is decided with the rotation, in its transaction (record)."""
    if not row.refresh_revoked:
        return True
    grace = rotation.reuse_grace
    if grace > 0 and row.refresh_retired_at is not None and now - row.refresh_retired_at <= grace:
        return True
    store.revoke_grant(row.grant_id)
    return False


def record(store, old, successor, rotation, now: int) -> bool:
    """Store the row a refresh issued (with its new refresh token, if any); with rotation, retire
    the old token in the same transaction, so of two refreshes racing with one token (on any
    replica) one wins and a crash in between loses nothing. False (and the grant revoked): a
    concurrent request won, or the token retired within the grace was not the previous one."""
    if rotation.inherit_expiry and successor.refresh_token is not None and old.refresh_expires_at is not None:
        successor.refresh_expires_at = min(successor.refresh_expires_at, old.refresh_expires_at)
    if not (rotation.new_token and rotation.retire_used):
        store.insert(successor)  # the old refresh token stays as it is
        return True
    if store.rotate_refresh_token(old.refresh_token, successor, now=now, grace=rotation.reuse_grace,
                                  previous_only=rotation.reuse_previous_only):
        return True
    store.revoke_grant(old.grant_id)
    return False
