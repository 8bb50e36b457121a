"""The authlib AuthorizationServer of one issuer: a thin adapter, nothing framework-specific.

Endpoints parse the HTTP request into an `OAuth2Request` first (FastAPI reads bodies
asynchronously, authlib reads them synchronously), and render the (status, body, headers)
tuples that come back.
"""

import os
from collections import defaultdict

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError

from .clients import OAuthClient
from .grants import register_grants
from .introspection import IntrospectionEndpoint, RevocationEndpoint

# The mock serves plain HTTP on loopback and in test networks; authlib refuses that by default.
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
        super().__init__(method, url, headers=headers)
        self.payload = FormPayload(items)

    @property
    def form(self):
        return self.payload.data

    @property
    def args(self):
        return self.payload.data


class IssuerServer(AuthorizationServer):
    def __init__(self, issuer):
        super().__init__()
        self.issuer = issuer
        self._clients = {c.client_id: OAuthClient(c) for c in issuer.tenant.config.clients}
        register_grants(self)
        self.register_endpoint(IntrospectionEndpoint)
        self.register_endpoint(RevocationEndpoint)

    def create_token_response(self, request=None):
        # RFC 6749 §3.2: request parameters MUST NOT be included more than once (authlib checks
        # this at the authorization endpoint only).
        repeated = sorted(k for k, values in request.payload.datalist.items() if len(values) > 1)
        if repeated:
            error = InvalidRequestError(f"Parameter given more than once: {', '.join(repeated)}.")
            return self.handle_error_response(request, error)
        return super().create_token_response(request)

    def query_client(self, client_id):
        return self._clients.get(client_id)

    def save_token(self, token, request):
        """Tokens are recorded as they are signed (tokens.issue_access_token)."""

    def create_oauth2_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        """No signal subscribers."""
