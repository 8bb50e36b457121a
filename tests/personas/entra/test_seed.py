"""The Entra persona's seed keys: application permissions name a tenant API and its app roles, and
only the Entra persona takes them; every mistake is reported as file:line: key: message."""

import textwrap

import pytest

from mock_idp.config import ConfigError, load_config
from mock_idp.personas import all_flavors

SEED = """\
tenants:
  contoso:
    flavor: {flavor}
    apis:
      - identifier: api://22222222-2222-4222-8222-222222222222
        permissions: [Tasks.Read.All]
    clients:
      - client_id: 33333333-3333-4333-8333-333333333333
        client_secret: s3cret
        grant_types: [client_credentials]
        application_permissions:
          {api}: [{role}]
"""
API = "api://22222222-2222-4222-8222-222222222222"


def error_of(tmp_path, flavor="entra", api=API, role="Tasks.Read.All") -> str:
    seed = tmp_path / "seed.yaml"
    seed.write_text(textwrap.dedent(SEED.format(flavor=flavor, api=api, role=role)))
    with pytest.raises(ConfigError) as caught:
        load_config(seed, personas=all_flavors())
    return str(caught.value)


def test_granted_app_roles_load(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(SEED.format(flavor="entra", api=API, role="Tasks.Read.All"))
    client = load_config(seed, personas=all_flavors()).tenants["contoso"].clients[0]
    assert client.application_permissions == {API: ["Tasks.Read.All"]}


def test_a_permission_on_an_unknown_api_is_reported_where_it_is_written(tmp_path):
    error = error_of(tmp_path, api="api://22222222-2222-4222-8222-222222222223")
    assert "seed.yaml:12: tenants.contoso.clients[0].application_permissions.api://22222222-2222-4222-8222-222222222223: " \
           "no API 'api://22222222-2222-4222-8222-222222222223' in the tenant's apis (did you mean" in error, error


def test_an_app_role_the_api_does_not_define_is_reported_where_it_is_written(tmp_path):
    error = error_of(tmp_path, role="Tasks.Reed.All")
    assert f"seed.yaml:12: tenants.contoso.clients[0].application_permissions.{API}[0]: " in error, error
    assert "has no app role 'Tasks.Reed.All' (did you mean 'Tasks.Read.All'?)" in error, error


def test_another_persona_refuses_application_permissions(tmp_path):
    error = error_of(tmp_path, flavor="okta")
    assert "seed.yaml:11: tenants.contoso.clients[0].application_permissions: the okta persona serves no " \
           "application permissions (personas that do: entra)" in error, error


def test_an_apis_access_token_version_is_1_or_2_and_only_entras(tmp_path):
    seed = tmp_path / "seed.yaml"
    versioned = "        permissions: [Tasks.Read.All]\n        access_token_version: {version}\n"
    for flavor, version, expected in (("entra", 1, None), ("entra", 3, "seed.yaml:7: tenants.contoso.apis[0]"
                                                                     ".access_token_version: "),
                                      ("auth0", 1, "seed.yaml:7: tenants.contoso.apis[0].access_token_version: the "
                                                   "auth0 persona serves no access token versions (personas that do: "
                                                   "entra)")):
        text = SEED.format(flavor=flavor, api=API, role="Tasks.Read.All").replace(
            "        permissions: [Tasks.Read.All]\n", versioned.format(version=version))
        if flavor != "entra":
            text = text.split("    clients:")[0]
        seed.write_text(text)
        if expected is None:
            assert load_config(seed, personas=all_flavors()).tenants["contoso"].apis[0].access_token_version == 1
            continue
        with pytest.raises(ConfigError) as caught:
            load_config(seed, personas=all_flavors())
        assert expected in str(caught.value), str(caught.value)
