"""Was a state-changing browser request sent by one of our own pages?

A browser names the page that sent a request: `Sec-Fetch-Site` (Fetch Metadata, sent by every
current browser) and `Origin` (RFC 6454 §7, on every cross-origin request and every POST). A
request from another site, or from another port of this host (another origin, RFC 6454 §4), says
so in both. Clients that are not browsers send neither; the form's CSRF token still binds them.
"""

from .base_urls import origin

# "none": the user typed the URL or used a bookmark, which no other site can make happen.
OWN_FETCH_SITES = ("same-origin", "none")


def own_origins(request) -> set[str]:
    """The origins our pages are served at, as this request reached us."""
    base_urls = request.app.state.base_urls
    origins = {origin(request.url.scheme, request.headers.get("host", "")), origin(*split(base_urls.public))}
    forwarded = base_urls.forwarded_base(request)
    if forwarded:
        origins.add(origin(*split(forwarded)))
    return origins


def split(url: str) -> tuple[str, str]:
    scheme, _, rest = url.partition("://")
    return scheme, rest.split("/", 1)[0]


def from_own_page(request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in OWN_FETCH_SITES:
        return False
    sent_by = request.headers.get("origin")
    return sent_by is None or sent_by.lower() in own_origins(request)
