"""How an authorization response reaches the client: query, fragment or form_post."""

from dataclasses import dataclass

from authlib.common.urls import add_params_to_uri

RESPONSE_MODES = ("query", "fragment", "form_post")


@dataclass(frozen=True)
class FormPost:
    """OAuth 2.0 Form Post Response Mode: an auto-submitting HTML form, rendered by the endpoint."""

    action: str
    params: list[tuple[str, str]]


def default_response_mode(response_type: str | None) -> str:
    # OAuth 2.0 Multiple Response Types §5: tokens never travel in the query string; anything
    # else (code, none, an unsupported type being refused) defaults to the query.
    types = (response_type or "code").split()
    return "fragment" if "token" in types or "id_token" in types else "query"


def response_mode(request) -> str:
    data = request.payload.data
    return data.get("response_mode") or default_response_mode(request.payload.response_type)


def authorization_response(redirect_uri: str, params: list[tuple[str, str]], mode: str,
                           state: str | None = None):
    """(status, body, headers) in authlib's convention. RFC 6749 §4.1.2 / §4.1.2.1: the client's
    `state`, when it sent one, goes back with the answer, success or error alike."""
    params = [(k, str(v)) for k, v in params if k != "state"]
    if state:
        params.append(("state", state))
    if mode == "form_post":
        return 200, FormPost(redirect_uri, params), [("Cache-Control", "no-store")]
    uri = add_params_to_uri(redirect_uri, params, fragment=mode == "fragment")
    return 302, "", [("Location", uri), ("Cache-Control", "no-store")]
