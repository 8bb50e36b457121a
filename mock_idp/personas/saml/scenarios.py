"""Defective SAML Responses on demand: a scenario armed through the admin API with endpoint
"saml_sso" (client_id: an app_id, username: a user; both optional) spoils the next Responses, so an
SP's tests can prove it refuses each kind (docs/saml.md)."""

# A persona's SAML module's DEFECTS (admin API: endpoint "saml_sso", client_id = the app_id), fired
# by sign_on.answer and made by response.success.
DEFECTS = {"saml_sso": ("expired", "not_yet_valid", "wrong_audience", "wrong_recipient", "unsigned", "bad_signature")}


def next_defect(tenant, app, user) -> str | None:
    """The defect of the first armed scenario matching this sign-in, fired once; else None."""
    for scenario in tenant.armed_scenarios():
        if (scenario.kind == "token" and scenario.endpoint == "saml_sso"
                and scenario.client_id in (None, app.app_id) and scenario.username in (None, user.username)
                and tenant.store.fire_scenario(scenario.id)):
            return scenario.defect
    return None
