"""Server-rendered pages for people: home, tenant page, token page and callback, debugger.

Server-wide pages sit at / and /_ui/...; a tenant's own pages under <tenant>/_ui inside its
Mount (routes.py), beside its endpoints, so the cookies of its SSO session reach them.
"""


def tenant_page_path(tenant) -> str:
    return f"{tenant.route_prefix}/_ui"
