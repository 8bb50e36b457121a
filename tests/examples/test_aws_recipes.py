"""examples/aws: the CDK app synthesizes offline, it and the plain CloudFormation templates pass
cfn-lint, and both carry the issuer, clientId, TTLs and attribute mapping users configure."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

EXAMPLE = REPO / "examples" / "aws"
CDK = REPO / "tests" / "interop" / "node_modules" / ".bin" / "cdk"
CFN_LINT = Path(sys.executable).with_name("cfn-lint")
ISSUER = "https://idp.example.com/okta/oauth2/default"
IMAGE = "public.ecr.aws/example/mock-idp:latest"


def require(tool: Path, install: str) -> None:
    if not tool.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is missing: {install}")
        pytest.skip(f"{tool} is missing: {install}")


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> Path:
    """`cdk synth` once for the module, offline, with a public issuer and an App Runner image."""
    require(CDK, "cd tests/interop && npm ci")
    out = tmp_path_factory.mktemp("cdk.out")
    env = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", "CDK_DISABLE_CLI_TELEMETRY": "true"}
    result = subprocess.run(
        [str(CDK), "synth", "--app", f"{sys.executable} app.py", "--output", str(out), "--no-notices",
         "--no-version-reporting", "--quiet", "-c", f"issuer={ISSUER}", "-c", "appsyncClientId=0oa-appsync-.*",
         "-c", "iatTTL=900000", "-c", f"mockIdpImage={IMAGE}", "-c", "mockIdpBaseUrl=https://idp.example.com"],
        cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def resources(template: dict, kind: str) -> list[dict]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == kind]


def one(template: dict, kind: str) -> dict:
    [found] = resources(template, kind)
    return found


def test_cdk_app_wires_appsync_to_the_mock_idp_issuer(synthesized):
    template = json.loads((synthesized / "MockIdpEmployeeApi.template.json").read_text())
    api = one(template, "AWS::AppSync::GraphQLApi")
    assert api["AuthenticationType"] == "OPENID_CONNECT"
    assert api["OpenIDConnectConfig"] == {"Issuer": ISSUER, "ClientId": "0oa-appsync-.*", "IatTTL": 900000,
                                          "AuthTTL": 3600000}
    assert {r["FieldName"] for r in resources(template, "AWS::AppSync::Resolver")} == {"createEmployee", "listEmployees"}
    assert one(template, "AWS::AppSync::DataSource")["Type"] == "AMAZON_DYNAMODB"


def test_cdk_app_federates_the_user_pool_to_mock_idp(synthesized):
    template = json.loads((synthesized / "MockIdpEmployeeApi.template.json").read_text())
    idp = one(template, "AWS::Cognito::UserPoolIdentityProvider")
    assert idp["ProviderType"] == "OIDC"
    assert idp["ProviderDetails"] == {"client_id": "0oa-cognito-federation", "client_secret": "cognito-federation-secret",
                                      "authorize_scopes": "openid email profile", "attributes_request_method": "POST",
                                      "oidc_issuer": ISSUER}
    assert idp["AttributeMapping"] == {"email": "email", "custom:department": "department"}
    pool = one(template, "AWS::Cognito::UserPool")
    assert {"Name": "department", "AttributeDataType": "String", "Mutable": True} in pool["Schema"]
    client = one(template, "AWS::Cognito::UserPoolClient")
    assert client["AllowedOAuthFlows"] == ["code"] and client["AllowedOAuthScopes"] == ["openid", "email", "profile"]
    assert len(resources(template, "AWS::Cognito::UserPoolDomain")) == 1


def test_cdk_app_runs_mock_idp_on_app_runner_when_given_an_image(synthesized):
    template = json.loads((synthesized / "MockIdpOnAppRunner.template.json").read_text())
    image = one(template, "AWS::AppRunner::Service")["SourceConfiguration"]["ImageRepository"]
    assert image["ImageIdentifier"] == IMAGE and image["ImageRepositoryType"] == "ECR_PUBLIC"
    assert {"Name": "MOCK_IDP_BASE_URL", "Value": "https://idp.example.com"} in \
        image["ImageConfiguration"]["RuntimeEnvironmentVariables"]


def test_cfn_lint_passes_the_synthesized_and_the_plain_templates(synthesized):
    require(CFN_LINT, "pip install -e '.[test]'")
    templates = [synthesized / "MockIdpEmployeeApi.template.json", synthesized / "MockIdpOnAppRunner.template.json",
                 EXAMPLE / "template.yaml", EXAMPLE / "apprunner.yaml", EXAMPLE / "user-pool-saml.yaml"]
    result = subprocess.run([str(CFN_LINT), *map(str, templates)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_template_matches_the_cdk_app(synthesized):
    from cfnlint.decode import decode

    plain, errors = decode(str(EXAMPLE / "template.yaml"))
    assert not errors
    cdk = json.loads((synthesized / "MockIdpEmployeeApi.template.json").read_text())
    kinds = {r["Type"] for r in plain["Resources"].values()}
    assert kinds == {r["Type"] for r in cdk["Resources"].values()} - {"AWS::IAM::Policy"}
    defaults = {name: p.get("Default") for name, p in plain["Parameters"].items()}
    assert defaults["AppSyncClientId"] == "0oa-appsync-web" and defaults["FederationClientId"] == "0oa-cognito-federation"
    assert int(defaults["IatTTL"]) == int(defaults["AuthTTL"]) == 3600000
    api = one(plain, "AWS::AppSync::GraphQLApi")["OpenIDConnectConfig"]
    assert api == {"Issuer": {"Ref": "Issuer"}, "ClientId": {"Ref": "AppSyncClientId"}, "IatTTL": {"Ref": "IatTTL"},
                   "AuthTTL": {"Ref": "AuthTTL"}}
    idp = one(plain, "AWS::Cognito::UserPoolIdentityProvider")
    assert idp["AttributeMapping"] == {"email": "email", "custom:department": "department"}
    assert idp["ProviderDetails"]["authorize_scopes"] == "openid email profile"
    assert idp["ProviderDetails"]["oidc_issuer"] == {"Ref": "Issuer"}
    graphql_schema = one(plain, "AWS::AppSync::GraphQLSchema")["Definition"]
    assert " ".join(graphql_schema.split()) in " ".join((EXAMPLE / "schema.graphql").read_text().split("\n", 1)[1].split())


def test_the_saml_variant_federates_the_pool_to_the_default_seed_s_saml_app():
    import yaml
    from cfnlint.decode import decode

    template, errors = decode(str(EXAMPLE / "user-pool-saml.yaml"))
    assert not errors
    idp = one(template, "AWS::Cognito::UserPoolIdentityProvider")
    assert idp["ProviderType"] == "SAML" and idp["ProviderDetails"]["MetadataURL"] == {"Ref": "MetadataUrl"}
    assert idp["AttributeMapping"] == {"email": "email", "custom:department": "department"}
    assert one(template, "AWS::Cognito::UserPoolClient")["SupportedIdentityProviders"] == [{"Ref": "MockIdpSaml"}]
    # The default metadata URL is the default seed's app, which releases the mapped attributes.
    [app] = yaml.safe_load((REPO / "seed_users.yaml").read_text())["tenants"]["okta"]["saml_apps"]
    default = template["Parameters"]["MetadataUrl"]["Default"]
    assert default.endswith(f"/okta/app/{app['name']}/{app['app_id']}/sso/saml/metadata")
    assert {"email", "department"} <= set(app["attributes"])
