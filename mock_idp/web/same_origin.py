"""Was a request sent by a page of another origin? Asked of the admin API (admin/guard.py) and of
every sign-in POST (endpoints/sso.py): neither may be driven by someone else's page. And was it
sent to one of our names (`foreign_host`)? Asked where a page at a name re-pointed at us could do
harm: the personas' management APIs, the debugger, the pages that show passwords.

The browser says so itself, in headers a page cannot set (Fetch Standard §4.6 forbidden request
headers): `Sec-Fetch-Site` (Fetch Metadata §2.1) when it sends one, else `Origin` (RFC 6454 §7),
which it sends on every POST and every cross-origin fetch. Another port of the same host is another
origin, and "same-site" for Fetch Metadata: refused too. A request with neither header comes from no
browser (curl, an SDK, the tests' clients) and is not a page's to judge.
"""

import json
from urllib.parse import urlsplit

from starlette.responses import Response

from .base_urls import origin

# "none": the user typed the address or followed a bookmark; "same-origin": one of our own pages.
OWN_FETCH_SITES = ("same-origin", "none")


def foreign_page(headers, scheme: str, base_urls, also: tuple[str, ...] = ()) -> str | None:
    """What says the request comes from a page of another origin, or None. `also`: more origins of
    ours (the forwarded base of a trusted proxy)."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        # Decisive where sent: a page of ours under Referrer-Policy no-referrer posts `Origin: null`.
        return None if site.lower() in OWN_FETCH_SITES else f"Sec-Fetch-Site: {site}"
    origin = headers.get("origin")
    if origin is None or origin.strip().lower() in also:
        return None
    return None if base_urls.own_origin(origin, scheme, headers.get("host", "")) else f"Origin: {origin}"


def foreign_request(request) -> str | None:
    """`foreign_page` of a Starlette request; a trusted proxy's forwarded base is ours too."""
    base_urls = request.app.state.base_urls
    forwarded = base_urls.forwarded_base(request)
    also = (origin(*urlsplit(forwarded)[:2]),) if forwarded else ()
    return foreign_page(request.headers, request.url.scheme, base_urls, also)


def from_own_page(request) -> bool:
    return foreign_request(request) is None


def foreign_host(request) -> str | None:
    """The request's `Host` when it is none of this server's names, else None. A page at a name its
    owner re-points at 127.0.0.1 (DNS rebinding) is same-origin with us for the browser, which then
    lets its script send any header and read every answer: only this header gives it away. As the
    admin API (admin/guard.py), X-Forwarded-Host is not asked: that page could send one too."""
    host = request.headers.get("host", "")
    return None if request.app.state.base_urls.own_host(host) else host


def misdirected(host: str) -> Response:
    """RFC 9110 §15.5.20 421: this server does not answer for `host` (the admin API's answer too)."""
    body = {"error": "misdirected_request",
            "error_description": f"This server does not answer for host {host[:100]!r}; call it at its own "
                                 "address (--base-url, --internal-base-url, localhost)."}
    return Response(json.dumps(body), status_code=421, media_type="application/json",
                    headers={"Cache-Control": "no-store"})
