"""seed_users.yaml loading: every mistake is reported as file:line: key: message."""

import textwrap

import pytest
from pydantic import ValidationError

from mock_idp.config import ConfigError, ConfigIssue, load_config, parse_config
from mock_idp.personas import all_flavors

FULL_EXAMPLE = """\
tenants:
  default:
    display_name: Generic IdP
    clients:
      - client_id: web
        client_secret: s3cret
        redirect_uris: ["http://localhost:3000/callback"]
        response_types: ["token id_token code", code]
      - client_id: spa
        redirect_uris: ["com.example.app:/callback"]
    users:
      - username: alice
        password: alice
        claims: {email: alice@example.com, groups: [admins]}
  okta:
    path: okta/
    flavor: okta
    authorization_server: default
    authorization_servers:
      - id: default
      - id: aus1
        audience: https://api.example.com
    token_lifetimes: {access_token: 3600, refresh_token: 86400}
  auth0:
    path: /
    flavor: auth0
    claims_namespace: https://example.com/
    apis:
      - identifier: https://api.example.com
        scopes: [read:orders]
        permissions: [read:orders]
        token_lifetime: 600
    clients:
      - client_id: m2m
        client_secret: m2m
        grant_types: [client_credentials]
        token_endpoint_auth_method: client_secret_post
        audience: https://api.example.com
    users:
      - {username: bob, password: bob, sub: "auth0|bob", permissions: [read:orders]}
  cognito:
    path: /pools/us-east-1_abc/
    flavor: cognito
    region: us-east-1
"""


def load(tmp_path, text):
    seed = tmp_path / "seed_users.yaml"
    seed.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(seed, personas=all_flavors())


def load_error(tmp_path, text) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value


def assert_reported(error: ConfigError, line: int, key: str, fragment: str):
    wanted = f"seed_users.yaml:{line}: {key}: "
    lines = [entry for entry in str(error).splitlines() if wanted in entry]
    assert lines, f"no {wanted!r} in:\n{error}"
    assert any(fragment in entry for entry in lines), f"no {fragment!r} in:\n{error}"


# --- a valid file -------------------------------------------------------------------------


def test_full_example_parses(tmp_path):
    config = load(tmp_path, FULL_EXAMPLE)

    assert list(config.tenants) == ["default", "okta", "auth0", "cognito"]
    web, spa = config.tenants["default"].clients
    assert web.token_endpoint_auth_method == "client_secret_basic" and not web.is_public
    assert spa.token_endpoint_auth_method == "none" and spa.is_public
    assert web.response_types == ["code id_token token", "code"]
    assert spa.grant_types == ["authorization_code", "refresh_token"]
    assert config.tenants["default"].users[0].claims["groups"] == ["admins"]
    okta = config.tenants["okta"]
    assert [server.audience for server in okta.authorization_servers] == [
        "api://default", "https://api.example.com"]
    assert okta.token_lifetimes.access_token == 3600
    assert config.tenants["auth0"].clients[0].token_endpoint_auth_method == "client_secret_post"
    assert config.tenants["auth0"].apis[0].token_lifetime == 600


def test_tenant_paths_default_to_the_name_and_are_normalised(tmp_path):
    config = load(tmp_path, FULL_EXAMPLE)

    paths = {name: tenant.path for name, tenant in config.tenants.items()}
    assert paths == {"default": "/default", "okta": "/okta", "auth0": "/",
                     "cognito": "/pools/us-east-1_abc"}


def test_parse_config_uses_the_given_filename():
    with pytest.raises(ConfigError, match=r"^inline\.yaml:1: tenants: "):
        parse_config("tenants: {}", "inline.yaml", personas=all_flavors())


# --- the file and the YAML ----------------------------------------------------------------


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "seed_users.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(missing, personas=all_flavors())
    assert str(caught.value) == f"{missing}: file not found"
    assert caught.value.errors == [ConfigIssue(str(missing), None, None, "file not found")]


def test_yaml_syntax_error_reports_line_and_column(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients: [web
            users: []
        """)
    # The bracket left open on line 3 is the mistake; PyYAML only notices it on line 4.
    assert "seed_users.yaml:3: invalid YAML (column 14): while parsing a flow sequence" in str(error)
    assert "(noticed on line 4)" in str(error)
    assert error.errors[0].line == 3


def test_unclosed_quote_is_reported_where_it_opens_not_at_the_end_of_the_file(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            display_name: "Generic
            clients: []
            users: []
        """)
    (issue,) = error.errors
    assert (issue.line, issue.key) == (3, None)
    assert "quoted scalar" in issue.message and "noticed on line 6" in issue.message


def test_a_key_without_its_colon_is_reported_on_its_own_line(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
                client_secret s
                redirect_uris: [http://localhost/cb]
        """)
    (issue,) = error.errors
    assert issue.line == 5 and "could not find expected ':'" in issue.message
    assert "seed_users.yaml:5: invalid YAML (column 9)" in str(error) and "noticed on line 6" in issue.message


def test_indentation_error_is_reported_on_the_misindented_line(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            flavor: okta
           display_name: x
        """)
    assert error.errors[0].line == 4


def test_mistake_in_an_anchor_shared_by_four_tenants_is_reported_once_at_the_anchor(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          a: &okta
            flavor: okta
            clinets: []
          b: *okta
          c: *okta
          d: *okta
        """)
    assert len(error.errors) == 1
    assert str(error).endswith("seed_users.yaml:4: tenants.a.clinets: unknown key (did you mean 'clients'?) "
                              "(anchor &okta on line 2, also used by tenants.b, tenants.c, tenants.d)")


def test_mistake_in_a_shared_client_list_names_the_anchor_and_its_users(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          a:
            clients: &clients
              - client_id: web
                redirect_uris: [localhost:3000/cb]
          b: {clients: *clients}
          c:
            <<: {clients: *clients}
            users: [{username: x}]
        """)
    lines = str(error).splitlines()
    assert len(lines) == 2, lines
    assert_reported(error, 5, "tenants.a.clients[0].redirect_uris[0]",
                    "(anchor &clients on line 3, also used by tenants.b.clients, tenants.c.clients)")
    assert_reported(error, 9, "tenants.c.users[0].password", "missing required key")


def test_duplicated_yaml_key_is_reported(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default: {}
          default: {flavor: okta}
        """)
    assert_reported(error, 3, "tenants.default", "duplicate key")


def test_top_level_must_be_a_mapping(tmp_path):
    error = load_error(tmp_path, "- tenants\n")
    assert "seed_users.yaml:1: expected a mapping with a 'tenants' key" in str(error)
    assert "got a list" in str(error)


def test_empty_file_is_rejected(tmp_path):
    assert "got an empty file" in str(load_error(tmp_path, "# nothing yet\n"))


def test_at_least_one_tenant_is_required(tmp_path):
    assert_reported(load_error(tmp_path, "tenants: {}\n"), 1, "tenants", "at least one tenant")


# --- shape and types ------------------------------------------------------------------------


def test_unknown_key_points_at_the_key_and_suggests_the_right_one(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
                redirect_uri: http://localhost/cb
        """)
    assert str(error).endswith(
        "seed_users.yaml:5: tenants.default.clients[0].redirect_uri: unknown key "
        "(did you mean 'redirect_uris'?)")


def test_unknown_top_level_key(tmp_path):
    error = load_error(tmp_path, "tenants: {default: {}}\ntenant: x\n")
    assert_reported(error, 2, "tenant", "did you mean 'tenants'?")


def test_wrong_type_names_expected_and_actual(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            users:
              - username: alice
                password: 1234
        """)
    assert_reported(error, 5, "tenants.default.users[0].password", "expected a string, got an integer")


def test_booleans_strings_and_centuries_are_not_lifetimes(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            token_lifetimes:
              access_token: true
              id_token: "300"
              refresh_token: 0
              device_code: 100000000000000000000
        """)
    assert_reported(error, 4, "tenants.default.token_lifetimes.access_token", "expected an integer")
    assert_reported(error, 5, "tenants.default.token_lifetimes.id_token", "expected an integer")
    assert_reported(error, 6, "tenants.default.token_lifetimes.refresh_token", "greater than 0")
    # Past a 64-bit timestamp, every device authorization was a 500: a hundred years at most.
    assert_reported(error, 7, "tenants.default.token_lifetimes.device_code", "less than or equal to 3153600000")


def test_missing_required_key_points_at_the_parent_mapping(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
              - name: no id here
                client_secret: s
        """)
    assert_reported(error, 5, "tenants.default.clients[1].client_id", "missing required key")


def test_unknown_flavor(tmp_path):
    error = load_error(tmp_path, "tenants:\n  default:\n    flavor: octa\n")
    assert_reported(error, 3, "tenants.default.flavor", "'octa'")
    assert "did you mean 'okta'?" in str(error)


def test_unknown_grant_type(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
                grant_types:
                  - authorization_code
                  - refresh_tokens
        """)
    assert_reported(error, 7, "tenants.default.clients[0].grant_types[1]", "'refresh_token'")


@pytest.mark.parametrize("uri, reason", [
    ("/callback", "not an absolute URI"),
    ("https://app.example.com/cb#done", "fragment"),
    ("localhost:3000/cb", "without a scheme"),
])
def test_redirect_uris_must_be_absolute_without_fragment(tmp_path, uri, reason):
    error = load_error(tmp_path, f"""\
        tenants:
          default:
            clients:
              - client_id: web
                redirect_uris:
                  - https://app.example.com/ok
                  - "{uri}"
        """)
    assert_reported(error, 7, "tenants.default.clients[0].redirect_uris[1]", reason)


def test_unsupported_response_type(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
                response_types: [code, "code none"]
        """)
    assert_reported(error, 5, "tenants.default.clients[0].response_types[1]", "unsupported response_type")


# --- rules across fields and items ----------------------------------------------------------


def test_public_client_must_use_auth_method_none(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: spa
                token_endpoint_auth_method: client_secret_basic
        """)
    assert_reported(error, 5, "tenants.default.clients[0].token_endpoint_auth_method", "public client")


def test_private_key_jwt_needs_the_clients_public_keys(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: svc
                token_endpoint_auth_method: private_key_jwt
        """)
    assert_reported(error, 5, "tenants.default.clients[0].token_endpoint_auth_method", "jwks")


def test_a_private_key_in_a_clients_jwks_is_refused(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: svc
                jwks: {keys: [{kty: oct, k: c2VjcmV0}]}
        """)
    assert_reported(error, 5, "tenants.default.clients[0].jwks", "private or symmetric")


def test_client_secret_contradicts_auth_method_none(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
                client_secret: s3cret
                token_endpoint_auth_method: none
        """)
    assert_reported(error, 6, "tenants.default.clients[0].token_endpoint_auth_method", "client_secret")


def test_duplicate_client_id_within_a_tenant(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            clients:
              - client_id: web
              - client_id: web
          other:
            clients:
              - client_id: web
        """)
    assert_reported(error, 5, "tenants.default.clients[1].client_id", "duplicate client_id 'web'")
    assert len(error.errors) == 1  # the same id in another tenant is fine


def test_duplicate_username_within_a_tenant(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            users:
              - {username: alice, password: a}
              - {username: bob, password: b}
              - {username: alice, password: c}
        """)
    assert_reported(error, 6, "tenants.default.users[2].username", "duplicate username 'alice'")


def test_two_tenants_on_the_same_path(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          okta: {}
          legacy:
            path: /okta/
          root: {path: /}
          home: {path: ""}
        """)
    assert_reported(error, 4, "tenants.legacy.path", "'/okta' is already used by tenant 'okta'")
    assert_reported(error, 6, "tenants.home.path", "'/' is already used by tenant 'root'")


# --- many errors at once --------------------------------------------------------------------


def test_all_errors_are_reported_most_important_first(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            flavor: generik
            clients:
              - client_id: web
                client_secret: s
                token_endpoint_auth_method: none
              - client_id: web
                redirect_uris: [/cb]
              - client_id: spa
                scope: [openid]
            users:
              - username: alice
          copy:
            path: /default
        """)
    lines = str(error).splitlines()
    assert len(lines) == len(error.errors) == 7
    assert "seed_users.yaml:11: tenants.default.clients[2].scope: unknown key" in lines[0]
    assert_reported(error, 13, "tenants.default.users[0].password", "missing required key")
    assert_reported(error, 3, "tenants.default.flavor", "'generik'")
    assert_reported(error, 7, "tenants.default.clients[0].token_endpoint_auth_method", "'none'")
    assert_reported(error, 8, "tenants.default.clients[1].client_id", "duplicate")
    assert_reported(error, 9, "tenants.default.clients[1].redirect_uris[0]", "absolute")
    assert_reported(error, 15, "tenants.copy.path", "already used")


def test_issues_carry_file_line_key_and_message(tmp_path):
    error = load_error(tmp_path, "tenants:\n  default:\n    flavour: okta\n")
    (issue,) = error.errors
    assert issue.file.endswith("seed_users.yaml")
    assert (issue.line, issue.key) == (3, "tenants.default.flavour")
    assert issue.message == "unknown key (did you mean 'flavor'?)"


@pytest.mark.parametrize("text", [
    "tenants:", "tenants: []", "tenants: {default: }", "tenants: {default: [1]}",
    "tenants: {1: {}}", "tenants: {default: {clients: }}", "tenants: {default: {clients: [7]}}",
    "tenants: {default: {clients: [{client_id: [a]}]}}", "tenants: {default: {path: 5}}",
    "tenants: {default: {path: '/a?b'}}", "tenants: {default: {users: [{}]}}",
    "tenants: {default: {apis: [{identifier: x, token_lifetime: -1}]}}",
    "tenants: {default: {authorization_servers: [{audience: x}]}}",
    "tenants: {default: {users: [{username: a, password: b, claims: [1]}]}}",
    "tenants: {default: {clients: [{client_id: a, client_secret: ''}]}}",
    "tenants: {'a b': {}}", "x: &a [*a]", "tenants: !!python/name:os.system",
    "tenants: {a: 1}\n---\ntenants: {b: 2}\n", "\t- bad",
])
def test_no_validation_error_escapes(text):
    # pytest.raises lets any other exception (a pydantic ValidationError...) fail the test.
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "seed_users.yaml", personas=all_flavors())
    assert all(issue.file == "seed_users.yaml" for issue in caught.value.errors)
    assert not isinstance(caught.value.__cause__, ValidationError)
    assert "errors.pydantic.dev" not in str(caught.value)


def test_yaml_merge_keys_are_not_duplicates():
    config = parse_config(textwrap.dedent("""\
        tenants:
          a: &base {flavor: okta, display_name: Base}
          b:
            <<: *base
            display_name: Other
        """), personas=all_flavors())
    assert config.tenants["b"].flavor == "okta"
    assert config.tenants["b"].display_name == "Other"


def test_cors_origins_must_be_origins(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          default:
            cors_origins: ["http://localhost:3000", "http://localhost:3000/app", "*"]
        """)
    (issue,) = error.errors
    assert (issue.line, issue.key) == (3, "tenants.default.cors_origins[1]")
    assert "is not an origin" in issue.message


def test_a_users_unknown_role_and_a_roles_unknown_api_are_named_with_a_suggestion(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          shop:
            flavor: auth0
            apis: [{identifier: https://orders.example.com}]
            roles:
              - name: reader
                permissions: [{api: https://order.example.com, permission: read:orders}]
            users:
              - {username: u, password: p, roles: [readers]}
        """)
    assert_reported(error, 7, "tenants.shop.roles[0].permissions[0].api", "did you mean 'https://orders.example.com'")
    assert_reported(error, 9, "tenants.shop.users[0].roles[0]", "unknown role 'readers' (did you mean 'reader'?)")


@pytest.mark.parametrize("flavor, key, value, words", [
    ("auth0", "api_tokens", "[a-token]", "serves no API tokens (personas that do: okta)"),
    ("okta", "roles", "[{name: reader}]", "serves no roles (personas that do: auth0)"),
    ("auth0", "groups_claim", "{filter: '.*'}", "serves no groups claim filter (personas that do: okta)"),
    # Okta's authorization servers: on another persona they would be accepted and never served.
    ("generic", "authorization_server", "default", "serves no named authorization server (personas that do: okta)"),
    ("auth0", "authorization_servers", "[{id: x, audience: 'api://x'}]",
     "serves no custom authorization servers (personas that do: okta)"),
])
def test_a_management_key_on_a_persona_that_serves_none_is_named(tmp_path, flavor, key, value, words):
    error = load_error(tmp_path, f"""\
        tenants:
          t:
            flavor: {flavor}
            {key}: {value}
        """)
    assert_reported(error, 4, f"tenants.t.{key}", f"the {flavor} persona {words}")


@pytest.mark.parametrize("credentials, line, key", [
    ("token_endpoint_auth_method: private_key_jwt\n                jwks_uri: https://app.example.com/jwks", 6,
     "token_endpoint_auth_method"),
    ("jwks_uri: https://app.example.com/jwks", 6, "jwks_uri"),
])
def test_a_private_key_jwt_client_on_a_persona_without_it_is_named(tmp_path, credentials, line, key):
    error = load_error(tmp_path, f"""\
        tenants:
          pool:
            flavor: cognito
            clients:
              - client_id: app
                {credentials}
        """)
    assert_reported(error, line, f"tenants.pool.clients[0].{key}",
                    "the cognito persona does not take private_key_jwt client assertions")
    assert "personas that do: auth0, entra, generic, okta" in str(error)


def test_an_apis_rbac_settings_have_auth0s_names_and_rules(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          shop:
            flavor: auth0
            apis:
              - identifier: https://orders.example.com
                rbac: true
              - identifier: https://invoices.example.com
                token_dialect: access_token_authz
              - identifier: https://catalog.example.com
                enforce_policies: true
                token_dialect: rfc9068_profile_authz
        """)
    assert_reported(error, 6, "tenants.shop.apis[0].rbac", "Auth0 calls it enforce_policies: true")
    assert_reported(error, 8, "tenants.shop.apis[1].token_dialect", "it needs enforce_policies: true")
    assert_reported(error, 11, "tenants.shop.apis[2].token_dialect", "RFC 9068 token profile is not served")


def test_an_apis_vendor_settings_on_a_persona_without_them_are_refused_where_written(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          org:
            flavor: okta
            apis:
              - identifier: https://orders.example.com
                enforce_policies: true
          shop:
            flavor: auth0
            apis:
              - identifier: https://orders.example.com
                token_dialect: access_token_authz
          plain:
            apis:
              - identifier: https://orders.example.com
                rbac: true
          pool:
            flavor: cognito
            apis:
              - identifier: https://orders.example.com
                app_role_assignment_required: true
        """)
    assert_reported(error, 6, "tenants.org.apis[0].enforce_policies",
                    "the okta persona serves no RBAC (personas that do: auth0)")
    # The Auth0 tenant's rule runs for its API only, in the same pass as the other tenants'.
    assert_reported(error, 11, "tenants.shop.apis[0].token_dialect", "it needs enforce_policies: true")
    # Auth0's words for its old key are Auth0's: elsewhere it is an unknown key.
    assert_reported(error, 15, "tenants.plain.apis[0].rbac", "unknown key")
    assert "Auth0 calls it" not in str(error)
    assert_reported(error, 20, "tenants.pool.apis[0].app_role_assignment_required",
                    "the cognito persona serves no user assignment (personas that do: entra)")


def test_an_extension_grant_type_is_its_personas_and_a_typo_is_named(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          org:
            flavor: okta
            clients:
              - client_id: web
                client_secret: s
                grant_types: [password, "http://auth0.com/oauth/grant-type/password-realm"]
          shop:
            flavor: auth0
            clients:
              - client_id: web
                client_secret: s
                grant_types: [pasword, "http://auth0.com/oauth/grant-type/password-realm"]
        """)
    assert_reported(error, 7, "tenants.org.clients[0].grant_types[1]",
                    "the okta persona serves no grant type 'http://auth0.com/oauth/grant-type/password-realm' "
                    "(personas that do: auth0)")
    assert_reported(error, 13, "tenants.shop.clients[0].grant_types[0]", "unknown value 'pasword'")
    assert_reported(error, 13, "tenants.shop.clients[0].grant_types[0]", "(did you mean 'password'?)")
    assert "shop.clients[0].grant_types[1]" not in str(error)


def test_each_personas_own_grants_are_the_extension_grant_types_its_clients_may_name():
    from mock_idp.config.fields import GRANT_TYPES
    from mock_idp.personas.vendor_api import vendor_grants

    for name, persona in all_flavors().items():
        own = sorted(grant.GRANT_TYPE for grant in vendor_grants(persona) if grant.GRANT_TYPE not in GRANT_TYPES)
        assert own == sorted(persona.extension_grant_types), name  # (Entra's on-behalf-of is RFC 7523's)


def test_a_management_api_grant_on_a_persona_without_auth0s_management_api_is_refused(tmp_path):
    error = load_error(tmp_path, """\
        tenants:
          org:
            flavor: okta
            clients:
              - {client_id: svc, client_secret: s, grant_types: [client_credentials], management_scopes: [read:users]}
        """)
    assert_reported(error, 5, "tenants.org.clients[0].management_scopes",
                    "the okta persona serves no management API grant (personas that do: auth0)")
