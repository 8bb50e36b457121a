"""The seed's saml_apps: Okta's knobs, and every mistake named by file, line and key."""

import textwrap

import pytest

from mock_idp.config import ConfigError, parse_config
from mock_idp.personas import all_flavors

GOOD = """\
tenants:
  okta:
    flavor: okta
    saml_apps:
      - app_id: exk1cognitopool
        name: cognito
        sp_entity_id: urn:amazon:cognito:sp:us-east-1_Example
        acs_url: https://example.auth.us-east-1.amazoncognito.com/saml2/idpresponse
        slo_url: https://example.auth.us-east-1.amazoncognito.com/saml2/logout
        name_id_format: emailAddress
        name_id: email
        sign: assertion
        attributes: {email: email, department: department, firstName: given_name}
        group_attribute: {name: groups, filter: ".*"}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text), "seed.yaml", personas=all_flavors())
    return [str(issue) for issue in caught.value.errors]


def test_an_app_with_okta_knobs_loads_and_defaults_are_okta_s():
    app = parse_config(GOOD, "seed.yaml", personas=all_flavors()).tenants["okta"].saml_apps[0]
    assert (app.name_id_format, app.sign, app.group_attribute.filter) == ("emailAddress", "assertion", ".*")
    minimal = parse_config(GOOD.replace("        slo_url", "        #").split("        name_id_format")[0],
                           "seed.yaml", personas=all_flavors()).tenants["okta"].saml_apps[0]
    # Okta's defaults: NameID format Unspecified, response and assertion signed.
    assert (minimal.name_id_format, minimal.sign, minimal.sp_certificate, minimal.slo_url) == \
        ("unspecified", "both", None, None)


def test_each_mistake_is_reported_with_file_line_and_key():
    found = problems("""\
        tenants:
          okta:
            flavor: okta
            saml_apps:
              - app_id: exk1
                name: cognito
                sp_entity_id: urn:x
                acs_url: example.com/acs
                sp_certificate: "not a certificate"
                name_id_format: email
                sing: both
                group_attribute: {name: groups, filter: "(["}
              - app_id: exk1
                name: "a b"
                acs_url: https://sp.example.com/acs
        """)
    assert found[0] == "seed.yaml:11: tenants.okta.saml_apps[0].sing: unknown key (did you mean 'sign'?)"
    expected = [
        "seed.yaml:8: tenants.okta.saml_apps[0].acs_url: 'example.com/acs' is not an absolute http(s) URL",
        "seed.yaml:9: tenants.okta.saml_apps[0].sp_certificate: not a PEM X.509 certificate",
        "seed.yaml:10: tenants.okta.saml_apps[0].name_id_format: unknown value 'email', expected 'unspecified', "
        "'emailAddress', 'persistent' or 'transient'",
        "seed.yaml:12: tenants.okta.saml_apps[0].group_attribute.filter: '([' is not a regular expression",
        "seed.yaml:13: tenants.okta.saml_apps[1].app_id: duplicate app_id 'exk1' (also saml_apps[0])",
        "seed.yaml:14: tenants.okta.saml_apps[1].name: 'a b' must be letters, digits",
        "seed.yaml:13: tenants.okta.saml_apps[1].sp_entity_id: missing",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in found), (start, found)


def test_saml_apps_on_a_persona_that_serves_none_are_an_error_not_ignored():
    found = problems(GOOD.replace("flavor: okta", "flavor: auth0"))
    assert found == ["seed.yaml:4: tenants.okta.saml_apps: the auth0 persona serves no SAML apps "
                     "(personas that do: entra, okta)"], found
