"""What user-pool operations read: ClientId, SECRET_HASH, ClientMetadata, usernames (docs/vendors.md 4c)."""

import base64
import hashlib
import hmac

from .errors import CognitoError, not_authorized


def app_client(tenant, client_id):
    client = tenant.find_client(client_id) if isinstance(client_id, str) and client_id else None
    if client is None:
        if not isinstance(client_id, str) or not client_id:
            raise CognitoError("InvalidParameterException", "Missing required parameter ClientId")
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id[:128]} does not exist.")
    return client


def pool_user(tenant, username: str):
    """By username, or by email address (a pool with email as an alias)."""
    email = username.lower()
    return tenant.find_user(username) or next(
        (user for user in tenant.all_users() if str(user.claims.get("email", "")).lower() == email), None)


def check_secret_hash(client, parameters: dict, usernames: list[str]) -> None:
    """SECRET_HASH = Base64(HMAC-SHA256(key=client secret, message=username + client id)), required
    when the app client has a secret."""
    if client.client_secret is None:
        return
    given = parameters.get("SECRET_HASH")
    if not given:
        raise not_authorized(f"Client {client.client_id} is configured for secret but secret was not received")
    for username in usernames:
        digest = hmac.new(client.client_secret.encode(), (username + client.client_id).encode(), hashlib.sha256)
        if hmac.compare_digest(base64.b64encode(digest.digest()), given.encode()):
            return
    raise not_authorized(f"Unable to verify secret hash for client {client.client_id}")


def client_metadata(request: dict) -> dict | None:
    """ClientMetadata: a map of strings (botocore's ClientMetadataType), or absent."""
    metadata = request.get("ClientMetadata")
    if metadata is not None and (not isinstance(metadata, dict)
                                 or not all(isinstance(v, str) for v in metadata.values())):
        raise CognitoError("InvalidParameterException", "ClientMetadata must be a map of strings.")
    return metadata


def string_map(value, name: str) -> dict:
    """AuthParameters, ChallengeResponses: a map of strings."""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise CognitoError("InvalidParameterException", f"{name} must be a map of strings.")
    return value


def required(parameters: dict, name: str) -> str:
    value = parameters.get(name)
    if not isinstance(value, str) or not value:
        raise CognitoError("InvalidParameterException", f"Missing required parameter {name}")
    return value


def attribute_value(value) -> str:
    """Attributes travel as strings: booleans as "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


# What the unauthenticated calls by username (ConfirmSignUp, ForgotPassword...) answer for a name
# the pool does not have (PreventUserExistenceErrors off, the API's default); InitiateAuth says
# "User does not exist." instead.
UNKNOWN_USER = CognitoError("UserNotFoundException", "Username/client id combination not found.")


def app_user(tenant, request: dict):
    """The named user of an app's unauthenticated call, its SecretHash checked (a client with a secret)."""
    client = app_client(tenant, request.get("ClientId"))
    username = required(request, "Username")
    user = pool_user(tenant, username)
    check_secret_hash(client, {"SECRET_HASH": secret_hash_of(request)}, [username] + ([user.username] if user else []))
    if user is None:
        raise UNKNOWN_USER
    return user


def secret_hash_of(request: dict) -> str:
    given = request.get("SecretHash")
    return given if isinstance(given, str) else ""
