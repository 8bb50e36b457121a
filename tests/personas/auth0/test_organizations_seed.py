"""Auth0 Organizations in the seed: `organizations: [{name, display_name, id, members, metadata}]`
and `allow_organization_name_in_authentication_api`; mistakes name file, line and key."""

from tests.test_config import assert_reported, load, load_error

TENANT = """\
    tenants:
      acme:
        flavor: {flavor}
        users:
          - {{username: Alice@Example.com, password: a}}
          - {{username: bob, password: b}}
        organizations:
          - name: acme-corp
            display_name: Acme Corp
            members: [alice@example.com, bob]
            metadata: {{tier: gold}}
          - {{name: initech, id: org_initech0000001, members: [{member}]}}
    """


def test_organizations_are_read_with_their_members_and_metadata(tmp_path):
    config = load(tmp_path, TENANT.format(flavor="auth0", member="bob"))
    acme, initech = config.tenants["acme"].organizations
    assert (acme.name, acme.display_name, acme.id, acme.members, acme.metadata) == (
        "acme-corp", "Acme Corp", None, ["alice@example.com", "bob"], {"tier": "gold"})
    assert initech.id == "org_initech0000001"
    assert config.tenants["acme"].allow_organization_name_in_authentication_api is False


def test_an_unknown_member_is_a_seed_error_naming_its_line_and_key(tmp_path):
    error = load_error(tmp_path, TENANT.format(flavor="auth0", member="bobby"))
    assert_reported(error, 12, "tenants.acme.organizations[1].members[0]", "unknown user 'bobby' (did you mean 'bob'?)")


def test_two_organizations_of_one_name_are_a_seed_error(tmp_path):
    error = load_error(tmp_path, TENANT.format(flavor="auth0", member="bob").replace("name: initech", "name: acme-corp"))
    assert_reported(error, 12, "tenants.acme.organizations[1].name", "duplicate name 'acme-corp'")


def test_organizations_on_a_persona_without_them_are_a_seed_error(tmp_path):
    error = load_error(tmp_path, TENANT.format(flavor="okta", member="bob"))
    assert_reported(error, 7, "tenants.acme.organizations", "the okta persona serves no organizations (personas that do: auth0)")


def test_the_organization_name_setting_is_auth0s_only(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          pool:
            flavor: cognito
            allow_organization_name_in_authentication_api: true
        """)
    assert_reported(error, 4, "tenants.pool.allow_organization_name_in_authentication_api",
                    "serves no organization names in the Authentication API")


def test_an_organization_id_must_look_like_auth0s(tmp_path):
    error = load_error(tmp_path, TENANT.format(flavor="auth0", member="bob").replace("org_initech0000001", "initech-1"))
    assert_reported(error, 12, "tenants.acme.organizations[1].id", "an organization id starts with 'org_'")


CLIENT = """\
    tenants:
      acme:
        flavor: {flavor}
        clients:
          - client_id: b2b
            redirect_uris: [http://localhost:3000/callback]
            {settings}
    """


def test_an_applications_organization_behavior_is_read(tmp_path):
    config = load(tmp_path, CLIENT.format(
        flavor="auth0", settings="organization_usage: require\n            organization_require_behavior: pre_login_prompt"))
    client = config.tenants["acme"].clients[0]
    assert (client.organization_usage, client.organization_require_behavior) == ("require", "pre_login_prompt")


def test_an_organization_usage_auth0_does_not_have_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, CLIENT.format(flavor="auth0", settings="organization_usage: required"))
    assert_reported(error, 7, "tenants.acme.clients[0].organization_usage", "'deny', 'allow' or 'require'")


def test_a_prompt_where_no_organization_is_required_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, CLIENT.format(flavor="auth0", settings="organization_require_behavior: post_login_prompt"))
    assert_reported(error, 7, "tenants.acme.clients[0].organization_require_behavior",
                    "applies only when organization_usage is 'require' (it is 'deny (the default)')")


def test_organization_behavior_on_another_persona_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, CLIENT.format(flavor="okta", settings="organization_usage: allow"))
    assert_reported(error, 7, "tenants.acme.clients[0].organization_usage",
                    "the okta persona serves no organizations (personas that do: auth0)")


M2M = """\
    tenants:
      acme:
        flavor: auth0
        apis:
          - {{identifier: https://api.example.com, scopes: [read:data]}}
        organizations:
          - {{name: acme-corp}}
        clients:
          - client_id: m2m
            client_secret: s
            grant_types: [client_credentials]
            client_grants:
              https://api.example.com: {{scopes: [read:data], organization_usage: allow, organizations: [{org}]}}
            default_organization: {{organization_id: {default}}}
    """


def test_a_client_grant_with_organizations_is_read(tmp_path):
    client = load(tmp_path, M2M.format(org="acme-corp", default="acme-corp")).tenants["acme"].clients[0]
    grant = client.client_grants["https://api.example.com"]
    assert (grant.scopes, grant.organization_usage, grant.organizations) == (["read:data"], "allow", ["acme-corp"])
    assert client.default_organization.organization_id == "acme-corp"


def test_a_client_grants_unknown_organization_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, M2M.format(org="umbrella", default="acme-corp"))
    assert_reported(error, 13, "tenants.acme.clients[0].client_grants.https://api.example.com.organizations[0]",
                    "no organization of the tenant has the name or id 'umbrella'")


def test_an_unknown_default_organization_is_a_seed_error(tmp_path):
    error = load_error(tmp_path, M2M.format(org="acme-corp", default="umbrella"))
    assert_reported(error, 14, "tenants.acme.clients[0].default_organization.organization_id",
                    "no organization of the tenant has the name or id 'umbrella'")
