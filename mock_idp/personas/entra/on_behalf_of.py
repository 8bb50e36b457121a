"""On-behalf-of (Entra's token exchange): a middle-tier API trades the user's access token it
received (`assertion`, whose `aud` is the API itself) for one to a downstream API, as
`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with `requested_token_use=on_behalf_of`
(docs/vendors.md, "Entra ID")."""

from authlib.oauth2.rfc6749.grants.base import BaseGrant, TokenEndpointMixin

from ...oauth.clients import EndUser
from ...oauth.issuing import IssuingGrant
from ...oauth.tokens import read_access_token
from ..layout import CONFIDENTIAL_CLIENT_AUTH
from .errors import EntraError


JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class OnBehalfOfGrant(IssuingGrant, BaseGrant, TokenEndpointMixin):
    GRANT_TYPE = JWT_BEARER
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_CLIENT_AUTH

    def validate_token_request(self):
        client = self.authenticate_token_endpoint_client()
        self.request.client = client
        data, issuer = self.request.payload.data, self.server.issuer
        if data.get("requested_token_use") != "on_behalf_of":
            raise EntraError("invalid_request", "AADSTS900144: The request body must contain the following "
                                                "parameter: 'requested_token_use'.")
        if not client.check_grant_type(JWT_BEARER):
            raise EntraError("unauthorized_client", "AADSTS70003: The app requested an unsupported grant type "
                                                    "'urn:ietf:params:oauth:grant-type:jwt-bearer'.")
        if not data.get("assertion"):
            raise EntraError("invalid_request", "AADSTS900144: The request body must contain the following "
                                                "parameter: 'assertion'.")
        found = read_access_token(issuer, data["assertion"])
        if found is None:
            raise EntraError("invalid_grant", "AADSTS50013: Assertion failed signature validation.")
        row, claims = found
        # The assertion must have been issued to the API now asking (its application id as `aud`).
        apis = {client.client_id, *(api.identifier for api in issuer.config.apis
                                    if api.identifier.removeprefix("api://") == client.client_id)}
        if claims.get("aud") not in apis or row.username is None:
            # As Entra words it (docs/vendors.md, "Entra ID errors, checked").
            app = f"'{client.client_id}'({client.config.name or client.client_id})"
            raise EntraError("invalid_grant", f"AADSTS500131: Assertion audience does not match the Client app "
                                              f"presenting the assertion. The audience in the assertion was "
                                              f"'{claims.get('aud')}' and the expected audience is "
                                              f"'{client.client_id}' or one of the Application Uris of this "
                                              f"application with App ID {app}. The downstream client must request "
                                              "a token for the expected audience (the application that made the "
                                              "OBO request) and this application should use that token as the "
                                              "assertion.")
        user = issuer.find_user(row.username)
        if user is None:
            raise EntraError("invalid_grant", "AADSTS50013: Assertion failed signature validation.")
        self.request.user = EndUser(user, auth_time=row.auth_time or issuer.now())

    def create_token_response(self):
        token = self.generate_token(user=self.request.user, scope=self.request.payload.scope)
        return 200, token, self.TOKEN_RESPONSE_HEADER


GRANT = OnBehalfOfGrant

