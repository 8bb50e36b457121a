"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), under each persona's names."""

from authlib.common.urls import add_params_to_uri
from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from ..oauth import logout_token
from ..oauth.errors import ErrorPage
from ..oauth.responses import web_origin
from ..web.guard import csp_allowing_inline_script
from ..web.cors import name_client
from ..web.off_loop import off_loop
from .http import html_page, read_params
from .sso import current_session_id, end_session as end_sso_session

# The front-channel sign-out page's one script: on to the client once every iframe loaded (at most
# 3 s); where it goes is read from a JSON data block, so the script and its CSP hash never change.
FRONTCHANNEL_SCRIPT = ("(function(){var t=JSON.parse(document.getElementById('frontchannel-logout-target')"
                       ".textContent),f=document.querySelectorAll('iframe'),n=f.length,d=false;"
                       "function go(){if(!d){d=true;location.replace(t);}}"
                       "f.forEach(function(e){e.addEventListener('load',function(){if(--n<=0)go();});});"
                       "setTimeout(go,3000);if(!n)go();})();")
FRONTCHANNEL_CSP = csp_allowing_inline_script(FRONTCHANNEL_SCRIPT)


def end_session_endpoint(issuer):
    async def end_session(request: Request) -> Response:
        # The client, the session: off the event loop on a database server (web/off_loop.py).
        response, notices = await off_loop(log_out, request, issuer, dict(await read_params(request)), needed=False,
                                           store=issuer.store)
        logout_token.send(notices)  # in the background: the answer never waits for the clients
        return response
    return end_session


def log_out(request: Request, issuer, params: dict) -> tuple[Response, list[logout_token.LogoutNotice]]:
    flavor = issuer.flavor
    target = next((params[n] for n in flavor.logout_redirect_params if params.get(n)), None)
    client = logout_client(issuer, params)
    name_client(request, client.client_id if client else None)  # its CORS allow-list (web/cors.py)
    if target is not None:
        # Never redirect to a URI the client did not register (§3.1 of the spec).
        if client is None:
            raise ErrorPage("invalid_request", "Name the client (client_id or id_token_hint) "
                                               "to be sent back after logout.")
        if target not in client.post_logout_redirect_uris:
            raise ErrorPage("invalid_request", f"'{target}' is not a registered logout redirect URI "
                                               f"of client '{client.client_id}'.")
    redirect = None
    if target is not None:
        redirect = add_params_to_uri(target, [("state", params["state"])] if params.get("state") else [])
    # The clients that signed in through this session are told: by a logout token POSTed to them
    # (Back-Channel Logout 1.0 §2.5, after the answer: end_session_endpoint) or in the browser, by
    # this page's iframes (Front-Channel Logout 1.0 §3).
    session_id = current_session_id(request, issuer.tenant)
    notices, frames = (logout_token.session_ended(issuer.tenant, "rp-logout", session_id=session_id)
                       if session_id else ([], []))
    if frames:
        response = frontchannel_page(request, issuer, frames, redirect)
    elif redirect is not None:
        response = RedirectResponse(redirect, status_code=302)
    else:
        response = html_page(request, "logged_out.html", persona=issuer.tenant.display_name)
    end_sso_session(request, response, issuer.tenant)
    return response, notices


def frontchannel_page(request: Request, issuer, frames: list[str], redirect: str | None) -> Response:
    """The sign-out page with the applications' front-channel logout URLs in hidden iframes (its
    CSP lets it frame their origins, and nothing else); then on to `redirect`, once they loaded."""
    response = html_page(request, "frontchannel_logout.html", persona=issuer.tenant.display_name, frames=frames,
                         target=redirect, script=FRONTCHANNEL_SCRIPT)
    origins = " ".join(sorted({web_origin(url) for url in frames}))
    response.headers["Content-Security-Policy"] = f"{FRONTCHANNEL_CSP}; frame-src {origins}"
    return response


def logout_client(issuer, params: dict):
    client_id = params.get("client_id")
    hint = params.get("id_token_hint")
    if hint:
        claims = issuer.keys.verify(hint)
        if not claims or claims.get("iss") != issuer.issuer:
            raise ErrorPage("invalid_request", "id_token_hint is not an ID token issued here.")
        audience = claims.get("aud")
        hinted = audience[0] if isinstance(audience, list) and audience else audience
        if client_id and hinted != client_id:
            raise ErrorPage("invalid_request", "client_id does not match the id_token_hint.")
        client_id = hinted
    if not client_id:
        return None
    client = issuer.find_client(client_id)
    if client is None:
        raise ErrorPage("invalid_client", f"There is no client '{client_id}' on this tenant.")
    return client
