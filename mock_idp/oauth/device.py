"""RFC 8628 device authorization grant: the device's request, its polling, the user's decision.

The persona's `DeviceFlow` says where the user goes, what the codes look like and what each
polling answer says; the states live in the store (pending -> approved | denied -> closed).
"""

import secrets

from authlib.common.urls import add_params_to_uri
from authlib.consts import default_json_headers
from authlib.oauth2 import rfc8628

from ..storage.models import DeviceAuthorization
from .clients import DeviceRecord, EndUser
from .errors import AccessDeniedError, InvalidGrantError, InvalidRequestError, UnauthorizedClientError
from .issuing import IssuingGrant, end_user, requested_audience
from ..personas import layout
from ..personas.views import TenantView

DEVICE_CODE = rfc8628.DEVICE_CODE_GRANT_TYPE
# RFC 8628 §3.5: each slow_down adds five seconds to the interval.
SLOW_DOWN_STEP = 5


class DeviceAuthorizationEndpoint(rfc8628.DeviceAuthorizationEndpoint):
    """RFC 8628 §3.1-3.2: the device asks; it gets a device code, a user code and where to go."""

    CLIENT_AUTH_METHODS = layout.CLIENT_AUTH_METHODS

    def create_endpoint_response(self, request):
        issuer = self.server.issuer
        flavor = issuer.flavor
        client = self.authenticate_client(request)
        if not client.check_grant_type(DEVICE_CODE):
            raise UnauthorizedClientError("The client is not allowed to use the device authorization grant.")
        # The scopes are judged now, as at /authorize (Okta's invalid_scope, Entra's AADSTS70011): the
        # person must not approve a request its token request will refuse.
        flavor.check_authorization_scopes(issuer, (request.payload.scope or "").split())
        audience = flavor.resolve_audience(issuer, client.config, requested_audience(request), DEVICE_CODE)
        row = DeviceAuthorization(
            device_code=secrets.token_urlsafe(32),
            user_code=new_user_code(flavor.device_flow),
            tenant=issuer.name,
            issuer=issuer.key,
            client_id=client.client_id,
            scope=client.get_allowed_scope(request.payload.scope),
            audience=audience,
            expires_at=issuer.now() + flavor.lifetimes.device_code,
            interval=flavor.device_flow.interval,
        )
        issuer.store.insert(row)
        user_code = display_user_code(flavor.device_flow, row.user_code)
        uri = verification_uri(issuer)
        return 200, {
            "device_code": row.device_code,
            "user_code": user_code,
            "verification_uri": uri,
            "verification_uri_complete": add_params_to_uri(uri, [("user_code", user_code)]),
            "expires_in": flavor.lifetimes.device_code,
            "interval": row.interval,
        }, default_json_headers


class DeviceCodeGrant(IssuingGrant, rfc8628.DeviceCodeGrant):
    """RFC 8628 §3.4-3.5: the device polls the token endpoint until the user has decided."""

    TOKEN_ENDPOINT_AUTH_METHODS = layout.CLIENT_AUTH_METHODS

    def validate_token_request(self):
        issuer = self.server.issuer
        flow = issuer.flavor.device_flow
        device_code = self.request.payload.data.get("device_code")
        if not device_code:
            raise InvalidRequestError("The request has no device_code.")
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError("The client is not allowed to use the device authorization grant.")
        row = issuer.store.get(DeviceAuthorization, device_code)
        if row is None or row.issuer != issuer.key or row.client_id != client.client_id:
            raise InvalidGrantError(flow.invalid_message)
        self.request.client = client
        self.request.credential = DeviceRecord(row)
        self.request.user = self.validate_device_credential(row)

    def validate_device_credential(self, row: DeviceAuthorization) -> EndUser:
        """The user who approved, or the RFC 8628 §3.5 error that says why not (yet)."""
        issuer = self.server.issuer
        store, flow = issuer.store, issuer.flavor.device_flow
        now = issuer.clock()
        if row.status in ("pending", "approved") and row.expires_at <= now:
            # Expiry is reported once; after that the code is just invalid (as Auth0 does).
            if store.move_device_authorization(row.device_code, row.status, status="closed"):
                raise rfc8628.ExpiredTokenError(flow.expired_message)
        elif row.status == "approved":
            # Closing it first makes the device code single-use even under concurrent polls.
            if store.move_device_authorization(row.device_code, "approved", status="closed"):
                user = end_user(issuer, row.username, row.auth_time, row.session_id)
                if user is not None:
                    return user
        elif row.status == "denied":
            if store.move_device_authorization(row.device_code, "denied", status="closed"):
                denied = AccessDeniedError(flow.denied_message)
                denied.error = flow.denied_error
                raise denied
        elif row.status == "pending":
            too_soon = row.last_polled_at is not None and now - row.last_polled_at < row.interval
            interval = row.interval + SLOW_DOWN_STEP if too_soon else row.interval
            store.move_device_authorization(row.device_code, "pending", last_polled_at=now, interval=interval)
            if too_soon:
                raise rfc8628.SlowDownError(flow.slow_down_message.format(interval=interval))
            raise rfc8628.AuthorizationPendingError(flow.pending_message)
        raise InvalidGrantError(flow.invalid_message)

    def origin_code(self) -> str | None:
        return None  # no authorization code behind a device grant


# -- the user's side: the verification page ---------------------------------------------------

def verification_uri(tenant: TenantView) -> str:
    return tenant.url + tenant.flavor.device_flow.verification_path


def new_user_code(flow) -> str:
    return "".join(secrets.choice(flow.user_code_alphabet) for _ in range(flow.user_code_length))


def display_user_code(flow, code: str) -> str:
    size = flow.user_code_group
    return "-".join(code[i:i + size] for i in range(0, len(code), size)) if size else code


def normalise_user_code(text: str) -> str:
    """RFC 8628 §6.1: what the user types is compared without case or separators."""
    return "".join(c for c in text.upper() if c.isalnum())


def pending_authorization(tenant: TenantView, user_code: str) -> DeviceAuthorization | None:
    """The device authorization waiting for this user code, if any."""
    code = normalise_user_code(user_code)
    row = tenant.store.find_device_authorization(code) if code else None
    if row is None or row.tenant != tenant.name or row.status != "pending" or row.expires_at <= tenant.now():
        return None
    return row


def decide(tenant: TenantView, row: DeviceAuthorization, user: EndUser, approve: bool) -> bool:
    """Record the user's decision; False if the request was decided or polled to an end meanwhile."""
    if not approve:
        return tenant.store.move_device_authorization(row.device_code, "pending", status="denied")
    return tenant.store.move_device_authorization(
        row.device_code, "pending", status="approved",
        username=user.config.username, auth_time=user.auth_time, session_id=user.session_id)
