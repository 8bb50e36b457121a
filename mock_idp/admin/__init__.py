"""The admin API: JSON under /_admin, its OpenAPI document at /_admin/openapi.json.

Off unless enabled (MOCK_IDP_ADMIN=true, or MOCK_IDP_ADMIN_TOKEN set); see guard.py for who may
call it. Each family of calls is one router: tenants (reset, revoke), directory (users, clients),
clock, mint (tokens), scenarios, audit (requests), keys, device (approve a user code), hooks (token
hooks).

The package imports nothing itself: app.py always needs trail.py and watch.py, and loads mount.py
(with every router) only when the API is on.
"""
