"""The authlib AuthorizationServer of one issuer: a thin adapter, nothing framework-specific.

Endpoints parse the HTTP request into an `OAuth2Request` first (FastAPI reads bodies
asynchronously, authlib reads them synchronously), and render the (status, body, headers)
tuples that come back.
"""

import base64
import binascii
import os
from collections import defaultdict

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError, UnsupportedResponseTypeError
from authlib.oauth2.rfc6749.util import extract_basic_authorization

from .client_assertion import METHOD as PRIVATE_KEY_JWT, authenticate_with_assertion
from .client_keys import ClientKeys
from .clients import BUILTIN_CALLBACK_PATH, OAuthClient
from .errors import describe, safe_description, with_case
from .device import DeviceAuthorizationEndpoint, DeviceCodeGrant
from .grants import register_grants
from .id_token import IdTokenExtension
from .token_exchange import TokenExchangeGrant
from .introspection import IntrospectionEndpoint, RevocationEndpoint
from ..personas.vendor_api import vendor_grants



def allow_plain_http() -> None:
    """authlib refuses OAuth over http:// (RFC 6749 §3.1); a mock served on plain HTTP (loopback,
    test networks) needs it. Requests carry the public issuer URL, so an https base needs nothing."""
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")


class FormPayload(OAuth2Payload):
    def __init__(self, items: list[tuple[str, str]]):
        self._datalist = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        # RFC 6749 §3.1: a repeated parameter is an error, caught by the grants via datalist.
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self):
        return self._data

    @property
    def datalist(self):
        return self._datalist


class ParsedRequest(OAuth2Request):
    """An OAuth2Request over parameters the endpoint already parsed (query, form or JSON)."""

    def __init__(self, method: str, url: str, headers, items: list[tuple[str, str]]):
        auth = headers.get("authorization")
        self.malformed_basic = auth is not None and not readable_basic(auth)
        if auth is not None and (len(auth.split(None, 1)) < 2 or self.malformed_basic):
            # A scheme without credentials authenticates no one (authlib's Basic parser raises);
            # unreadable Basic credentials are refused before authlib parses them.
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        super().__init__(method, url, headers=headers)
        self.payload = FormPayload(items)

    @property
    def form(self):
        return self.payload.data

    @property
    def args(self):
        return self.payload.data


def readable_basic(authorization: str) -> bool:
    """False for Basic credentials that are not base64 of UTF-8 text (RFC 7617 §2)."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic":
        return True
    try:
        base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return True


def repeated_parameters(request) -> InvalidRequestError | None:
    """RFC 6749 §3.1, §3.2: request parameters MUST NOT be included more than once."""
    repeated = sorted(k for k, values in request.payload.datalist.items() if len(values) > 1)
    if repeated:
        return InvalidRequestError(f"Parameter given more than once: {', '.join(safe_description(k) for k in repeated)}.")
    return None


class IssuerServer(AuthorizationServer):
    def __init__(self, issuer):
        super().__init__()
        self.issuer = issuer
        self._clients: dict[str, OAuthClient] = {}  # authlib's views, kept while the config is current
        self.client_keys = ClientKeys()  # of private_key_jwt clients with a jwks_uri
        self.register_client_auth_method(PRIVATE_KEY_JWT, authenticate_with_assertion(issuer))
        register_grants(self)
        if issuer.flavor.token_exchange_rules(issuer.layout) is not None:
            self.register_grant(TokenExchangeGrant)
        for grant in vendor_grants(issuer.flavor):  # a persona's own grant types (Auth0's password-realm)
            self.register_grant(grant, [IdTokenExtension()])
        self.register_endpoint(IntrospectionEndpoint)
        self.register_endpoint(RevocationEndpoint)
        if issuer.endpoint_url("device_authorization_endpoint"):
            self.register_grant(DeviceCodeGrant, [IdTokenExtension()])
            self.register_endpoint(DeviceAuthorizationEndpoint)

    def create_token_response(self, request=None):
        # authlib checks repeated parameters at the authorization endpoint only, and calls a
        # missing grant_type unsupported: RFC 6749 §5.2 makes it a missing required parameter.
        error = repeated_parameters(request)
        if error is None and not request.payload.data.get("grant_type"):
            error = InvalidRequestError("Missing 'grant_type' in request.")
        if error is not None:
            return self.handle_error_response(request, error)
        return super().create_token_response(request)

    def create_endpoint_response(self, name, request=None):
        error = repeated_parameters(request)
        if error is not None:
            return self.handle_error_response(request, error)
        return super().create_endpoint_response(name, request)

    def get_authorization_grant(self, request):
        try:
            return super().get_authorization_grant(request)
        except UnsupportedResponseTypeError as error:
            # authlib passes its message where the response type goes: say it properly.
            response_type = safe_description(request.payload.response_type or "")
            error.description = f"The response type '{response_type}' is not supported."
            raise

    def handle_error_response(self, request, error):
        # RFC 6749 §5.2: 400 for every error but invalid_client; authlib's unsupported_token_type
        # (RFC 7009 §2.2.1) is a 401 without a challenge.
        if error.error == "unsupported_token_type":
            error.status_code = 400
        return super().handle_error_response(request, describe(error, self.issuer.flavor))

    def authenticate_client(self, request, methods, endpoint="token"):
        if request.malformed_basic:
            # RFC 6749 §5.2: a client that tried the Authorization header gets a 401 and a challenge.
            raise InvalidClientError("The Basic credentials are not base64 of UTF-8 text.", status_code=401)
        basic_id, _ = extract_basic_authorization(request.headers)
        if basic_id and request.payload.client_id and request.payload.client_id != basic_id:
            raise InvalidRequestError("client_id in the body differs from the client authenticated with Basic.")
        if basic_id and self.issuer.flavor.basic_names_public_client and "none" in methods:
            client = self.public_client_named_by_basic(request, basic_id, endpoint)
            if client is not None:
                return client
        try:
            return super().authenticate_client(request, methods, endpoint)
        except InvalidClientError as error:
            if getattr(error, "case", None) is not None:  # a client assertion's own verdict
                raise
            client_id = extract_basic_authorization(request.headers)[0] or request.payload.client_id or ""
            raise with_case(error, self.client_auth_failure(request, endpoint),
                            client_id=safe_description(client_id), tenant=self.issuer.name) from None

    def public_client_named_by_basic(self, request, client_id: str, endpoint: str):
        """A public client that names itself in Basic credentials without a colon or a secret
        (`Basic base64(client_id)`, as okta-auth-js revokes tokens): authenticated as `none`, where
        the persona takes it (Flavor.basic_names_public_client)."""
        if extract_basic_authorization(request.headers)[1] is not None:  # "id:" or "id:secret"
            return None
        client = self.query_client(client_id)
        if client is None or not client.config.is_public or not client.check_endpoint_auth_method("none", endpoint):
            return None
        request.auth_method = "none"
        return client

    def client_auth_failure(self, request, endpoint: str) -> str:
        """Why client authentication failed, in the words of ERROR_DESCRIPTIONS."""
        basic_id, _ = extract_basic_authorization(request.headers)
        client_id = basic_id or request.payload.client_id
        client = self.query_client(client_id) if client_id else None
        if client is None:
            return "unknown_client"
        method = "client_secret_basic" if basic_id else (
            "client_secret_post" if request.payload.data.get("client_secret") else None)
        if method is None:
            return "no_client_credentials"
        if client.config.is_public:
            return "public_client_with_secret"  # RFC 6749 §2.1: it has none to send
        if not client.check_endpoint_auth_method(method, endpoint):
            return "auth_method_not_registered"
        return "bad_client_secret"

    def query_client(self, client_id):
        config = self.issuer.find_client(client_id)
        if config is None:
            return None
        client = self._clients.get(client_id)
        if client is None or client.config is not config:
            flavor = self.issuer.flavor
            client = self._clients[client_id] = OAuthClient(
                config, flavor.unnamed_client_auth_methods, self.issuer.url + BUILTIN_CALLBACK_PATH,
                flavor.implied_grant_types)
        return client

    def save_token(self, token, request):
        """Tokens are recorded as they are signed (tokens.issue_access_token)."""

    def create_oauth2_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        """No signal subscribers."""
