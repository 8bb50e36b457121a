"""Auth0's organization invitations: the Management API creates, lists, reads and deletes them
(/api/v2/organizations/{id}/invitations; create:, read:, delete:organization_invitations), each
with a link to the application's login route (`initiate_login_uri`) carrying `invitation`,
`organization` and `organization_name`; the application sends both of the first to /authorize,
where the person signs in with the invited email and becomes a member (the invitation is used up).
Kept on the organization in the tenant's directory. Facts: docs/vendors.md, "Auth0 Organizations".
"""

import re
import secrets
import string
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from starlette.routing import Route

from ...directory import given
from ...oauth.errors import AccessDeniedError, InvalidRequestError, safe_description, with_case
from .management import ManagementError, allowed, api, auth0_time, invalid_body, json_body, paged, put
from .organization_records import found, is_member, org_id

ENDPOINTS = ()
WATCHED: dict = {}
FIELDS = frozenset({"inviter", "invitee", "client_id", "connection_id", "ttl_sec", "roles", "send_invitation_email",
                    "app_metadata", "user_metadata"})
DEFAULT_TTL, MAX_TTL = 604800, 2592000  # 7 and 30 days
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
LOGIN_ROUTE = ("A default login route is required to generate the invitation url. To learn more, see "
               "https://auth0.com/docs/universal-login/configure-default-login-routes")
ALPHANUMERIC = string.ascii_letters + string.digits


def random_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(ALPHANUMERIC) for _ in range(16))


def pending(tenant, organization, ticket: str, client_id: str):
    """The organization's live invitation with this ticket for this application, else Auth0's
    invalid_request "invitation not found or already used"."""
    found = next((i for i in organization.invitations if i.ticket_id == ticket and i.client_id == client_id), None)
    if found is None or (found.expires_at is not None and found.expires_at <= tenant.now()):
        raise with_case(InvalidRequestError(), "invitation_invalid")
    return found


def accept(tenant, organization, invitation, user) -> None:
    """The signed-in user takes the invitation: with the invited email only, then a member."""
    email = str({**tenant.flavor.user_defaults(user), **user.claims}.get("email") or user.username)
    if email.lower() != invitation.invitee_email.lower():
        raise with_case(AccessDeniedError(), "invitation_other_email",
                        email=safe_description(invitation.invitee_email))
    data = {**given(organization), "id": org_id(tenant, organization),
            "invitations": [given(i) for i in organization.invitations if i.id != invitation.id]}
    if not is_member(tenant, organization, user):
        data["members"] = [*organization.members, user.username]
    put(tenant, "organization", organization.name, data)


def invitation_json(tenant, organization, invitation) -> dict[str, Any]:
    client = tenant.find_client(invitation.client_id)
    login = client.initiate_login_uri if client is not None and client.initiate_login_uri else ""
    link = login + ("&" if "?" in login else "?") + urlencode({
        "invitation": invitation.ticket_id, "organization": org_id(tenant, organization),
        "organization_name": organization.name})
    item = {"id": invitation.id, "organization_id": org_id(tenant, organization),
            "inviter": {"name": invitation.inviter_name}, "invitee": {"email": invitation.invitee_email},
            "invitation_url": link, "client_id": invitation.client_id, "ticket_id": invitation.ticket_id,
            "roles": list(invitation.roles)}
    if invitation.created_at is not None:
        item["created_at"] = auth0_time(invitation.created_at)
    if invitation.expires_at is not None:
        item["expires_at"] = auth0_time(invitation.expires_at)
    return item


def checked(tenant, body: dict[str, Any]) -> dict[str, Any]:
    """The invitation a body asks for, as Auth0's Create Organization Invitations checks it."""
    allowed(body, FIELDS)
    inviter, invitee, client_id = body.get("inviter"), body.get("invitee"), body.get("client_id")
    for name, value in (("inviter", inviter), ("invitee", invitee), ("client_id", client_id)):
        if value is None:
            raise invalid_body(f"Missing required property: {name}")
    name = inviter.get("name") if isinstance(inviter, dict) else None
    if not isinstance(name, str) or not 1 <= len(name) <= 300:
        raise invalid_body("inviter.name: expected a string of 1 to 300 characters")
    email = invitee.get("email") if isinstance(invitee, dict) else None
    if not isinstance(email, str) or not EMAIL.fullmatch(email):
        raise invalid_body("invitee.email: expected an email address")
    ttl = body.get("ttl_sec", 0)
    if not isinstance(ttl, int) or isinstance(ttl, bool) or not 0 <= ttl <= MAX_TTL:
        raise invalid_body(f"ttl_sec: expected an integer from 0 to {MAX_TTL}")
    client = tenant.find_client(client_id) if isinstance(client_id, str) else None
    if client is None:
        raise ManagementError(400, "The specified client_id does not exist.", "invalid_body")
    if (client.organization_usage or "deny") == "deny":
        raise ManagementError(400, f"The specified client_id ({client_id}) does not allow organizations.",
                              "invalid_body")
    if not client.initiate_login_uri:
        raise ManagementError(400, LOGIN_ROUTE, "invalid_body")
    if "connection_id" in body or body.get("roles"):
        raise invalid_body("connection_id and roles are not served by this mock")
    now = tenant.now()
    return {"id": random_id("uinv_"), "ticket_id": random_id(""), "client_id": client_id, "invitee_email": email,
            "inviter_name": name, "created_at": now, "expires_at": now + (ttl or DEFAULT_TTL)}


def routes(tenant) -> list[Route]:
    def missing() -> ManagementError:
        return ManagementError(404, "The invitation does not exist.", "inexistent_invitation")

    async def create_invitation(request: Request, organization: str):
        chosen, body = found(tenant, organization), await json_body(request)
        invitation = checked(tenant, body)
        data = {**given(chosen), "id": org_id(tenant, chosen), "invitations": [
            *(given(i) for i in chosen.invitations), invitation]}
        changed = put(tenant, "organization", chosen.name, data)
        return 201, invitation_json(tenant, changed, changed.invitations[-1])

    async def list_invitations(request: Request, organization: str):
        chosen = found(tenant, organization)
        listed = [invitation_json(tenant, chosen, i) for i in chosen.invitations]
        return 200, paged(request, listed, "invitations")

    async def get_invitation(request: Request, organization: str, invitation: str):
        chosen = found(tenant, organization)
        match = next((i for i in chosen.invitations if i.id == invitation), None)
        if match is None:
            raise missing()
        return 200, invitation_json(tenant, chosen, match)

    async def delete_invitation(request: Request, organization: str, invitation: str):
        chosen = found(tenant, organization)
        if not any(i.id == invitation for i in chosen.invitations):
            raise missing()
        put(tenant, "organization", chosen.name, {**given(chosen), "id": org_id(tenant, chosen), "invitations": [
            given(i) for i in chosen.invitations if i.id != invitation]})
        return 204, None

    many = "/api/v2/organizations/{organization}/invitations"
    return [
        Route(many, api(tenant, ("create:organization_invitations",), create_invitation), methods=["POST"]),
        Route(many, api(tenant, ("read:organization_invitations",), list_invitations), methods=["GET"]),
        Route(many + "/{invitation}", api(tenant, ("read:organization_invitations",), get_invitation),
              methods=["GET"]),
        Route(many + "/{invitation}", api(tenant, ("delete:organization_invitations",), delete_invitation),
              methods=["DELETE"]),
    ]
