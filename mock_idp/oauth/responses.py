"""How an authorization response reaches the client: query, fragment, form_post, or a page that
posts it to the window that framed or opened it (a persona's post-message modes)."""

import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri

RESPONSE_MODES = ("query", "fragment", "form_post")
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST = re.compile(r"[a-z0-9.\-]+|\[[0-9a-f:.]+\]")


@dataclass(frozen=True)
class FormPost:
    """OAuth 2.0 Form Post Response Mode: an auto-submitting HTML form, rendered by the endpoint."""

    action: str
    params: list[tuple[str, str]]


@dataclass(frozen=True)
class WebMessage:
    """OAuth 2.0 Web Message Response Mode (draft-sakimura-oauth-wmrm-00 §4.1): a page whose script
    posts `message` to the window that framed or opened it, addressed to `origin` (the registered
    redirect URI's) and never "*", so no other page can read the code. Rendered by the endpoint."""

    origin: str
    message: dict[str, Any]


def web_origin(uri: str) -> str | None:
    """The origin (RFC 6454 §4) of an http(s) URI as postMessage and CSP name it; None for other
    schemes (an app's custom scheme has no origin a page could post to)."""
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if not HOST.fullmatch(host):  # it goes into a CSP header: no spaces, quotes or semicolons
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def default_response_mode(response_type: str | None) -> str:
    # OAuth 2.0 Multiple Response Types §5: tokens never travel in the query string; anything
    # else (code, none, an unsupported type being refused) defaults to the query.
    types = (response_type or "code").split()
    return "fragment" if "token" in types or "id_token" in types else "query"


def response_mode(request) -> str:
    data = request.payload.data
    return data.get("response_mode") or default_response_mode(request.payload.response_type)


def authorization_response(redirect_uri: str, params: list[tuple[str, str]], mode: str,
                           state: str | None = None,
                           post_message: Callable[[str, dict[str, str]], dict[str, Any]] | None = None):
    """(status, body, headers) in authlib's convention. RFC 6749 §4.1.2 / §4.1.2.1: the client's
    `state`, when it sent one, goes back with the answer, success or error alike. A mode that is
    none of RESPONSE_MODES is one of the persona's post-message modes (authorize.checked_response_mode
    let it through): `post_message` (Flavor.post_message) gives the message."""
    params = [(k, str(v)) for k, v in params if k != "state"]
    if state:
        params.append(("state", state))
    if mode not in RESPONSE_MODES and post_message is not None:
        message = post_message(mode, dict(params))
        return 200, WebMessage(web_origin(redirect_uri), message), [("Cache-Control", "no-store")]
    if mode == "form_post":
        return 200, FormPost(redirect_uri, params), [("Cache-Control", "no-store")]
    uri = add_params_to_uri(redirect_uri, params, fragment=mode == "fragment")
    return 302, "", [("Location", uri), ("Cache-Control", "no-store")]
