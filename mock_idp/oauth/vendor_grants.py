"""Grant types of one vendor only, by the URI a persona lists in `Flavor.vendor_grant_types`."""

from .grants import IdTokenExtension
from .password_realm import GRANT_TYPE as PASSWORD_REALM
from .password_realm import PasswordRealmGrant

VENDOR_GRANTS = {PASSWORD_REALM: PasswordRealmGrant}


def register_vendor_grants(server, grant_types) -> None:
    for grant_type in grant_types:
        server.register_grant(VENDOR_GRANTS[grant_type], [IdTokenExtension()])
