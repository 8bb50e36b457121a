"""The stacks: AppSync (OIDC) + Cognito federated to mock_idp, and optionally mock_idp on App Runner."""

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apprunner as apprunner
from aws_cdk import aws_appsync as appsync
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Parameters:
    """`cdk synth -c issuer=https://idp.example.com/okta/oauth2/default -c <key>=<value> ...`"""

    issuer: str                                      # mock_idp's public issuer (https, port 443)
    appsync_client_id: str = "0oa-appsync-web"       # AppSync clientId: a regex over aud / azp
    iat_ttl_ms: int = 3_600_000                      # AppSync iatTTL, milliseconds
    auth_ttl_ms: int = 3_600_000                     # AppSync authTTL, milliseconds
    federation_client_id: str = "0oa-cognito-federation"
    federation_client_secret: str = "cognito-federation-secret"  # the seed's; set your own in production
    domain_prefix: str = "mock-idp-demo"             # hosted UI: https://<prefix>.auth.<region>.amazoncognito.com
    callback_url: str = "http://localhost:3000/callback"
    mock_idp_image: str = ""                         # an ECR image of mock_idp: also deploy it on App Runner
    mock_idp_base_url: str = ""                      # App Runner: the service's https URL, once known

    @classmethod
    def from_context(cls, node) -> "Parameters":
        names = {"issuer": "issuer", "appsyncClientId": "appsync_client_id", "iatTTL": "iat_ttl_ms",
                 "authTTL": "auth_ttl_ms", "federationClientId": "federation_client_id",
                 "federationClientSecret": "federation_client_secret", "domainPrefix": "domain_prefix",
                 "callbackUrl": "callback_url", "mockIdpImage": "mock_idp_image", "mockIdpBaseUrl": "mock_idp_base_url"}
        given = {field: node.try_get_context(key) for key, field in names.items()}
        if not given["issuer"]:
            raise SystemExit("pass the public issuer: cdk synth -c issuer=https://<host>/okta/oauth2/default")
        for field in ("iat_ttl_ms", "auth_ttl_ms"):
            if given[field] is not None:
                given[field] = int(given[field])
        return cls(**{k: v for k, v in given.items() if v is not None})


class EmployeeApiStack(cdk.Stack):
    """(a) AppSync in OPENID_CONNECT mode over a DynamoDB table; (b) a user pool federated to mock_idp."""

    def __init__(self, scope: Construct, id: str, params: Parameters, **kwargs):
        super().__init__(scope, id, **kwargs)
        table = dynamodb.Table(self, "EmployeeTable", removal_policy=cdk.RemovalPolicy.DESTROY,
                               partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
                               billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST)
        oidc = appsync.OpenIdConnectConfig(oidc_provider=params.issuer, client_id=params.appsync_client_id,
                                           token_expiry_from_issue=params.iat_ttl_ms,
                                           token_expiry_from_auth=params.auth_ttl_ms)
        api = appsync.GraphqlApi(
            self, "EmployeeApi", name="Employees", definition=appsync.Definition.from_file(str(HERE / "schema.graphql")),
            authorization_config=appsync.AuthorizationConfig(default_authorization=appsync.AuthorizationMode(
                authorization_type=appsync.AuthorizationType.OIDC, open_id_connect_config=oidc)))
        source = api.add_dynamo_db_data_source("EmployeeTable", table)
        source.create_resolver("CreateEmployee", type_name="Mutation", field_name="createEmployee",
                               request_mapping_template=appsync.MappingTemplate.dynamo_db_put_item(
                                   appsync.PrimaryKey.partition("id").auto(), appsync.Values.projecting()),
                               response_mapping_template=appsync.MappingTemplate.dynamo_db_result_item())
        source.create_resolver("ListEmployees", type_name="Query", field_name="listEmployees",
                               request_mapping_template=appsync.MappingTemplate.dynamo_db_scan_table(),
                               response_mapping_template=appsync.MappingTemplate.dynamo_db_result_list())

        pool = cognito.UserPool(self, "UserPool", user_pool_name="mock-idp-federated",
                                removal_policy=cdk.RemovalPolicy.DESTROY,
                                custom_attributes={"department": cognito.StringAttribute(mutable=True)})
        # Cognito calls mock_idp's token endpoint with client_secret_post (the only method it has).
        idp = cognito.UserPoolIdentityProviderOidc(
            self, "MockIdp", user_pool=pool, name="MockIdp", issuer_url=params.issuer,
            client_id=params.federation_client_id, client_secret=params.federation_client_secret,
            scopes=["openid", "email", "profile"], attribute_request_method=cognito.OidcAttributeRequestMethod.POST,
            attribute_mapping=cognito.AttributeMapping(
                email=cognito.ProviderAttribute.other("email"),
                custom={"custom:department": cognito.ProviderAttribute.other("department")}))
        pool.add_domain("HostedUi", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=params.domain_prefix))
        client = pool.add_client(
            "WebClient", user_pool_client_name="web", generate_secret=False,
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.custom(idp.provider_name)],
            o_auth=cognito.OAuthSettings(flows=cognito.OAuthFlows(authorization_code_grant=True),
                                         scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL,
                                                 cognito.OAuthScope.PROFILE],
                                         callback_urls=[params.callback_url]))

        cdk.CfnOutput(self, "GraphqlUrl", value=api.graphql_url)
        cdk.CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        cdk.CfnOutput(self, "AppClientId", value=client.user_pool_client_id)
        cdk.CfnOutput(self, "IdpResponseUrl",
                      value=f"https://{params.domain_prefix}.auth.{self.region}.amazoncognito.com/oauth2/idpresponse",
                      description="register this redirect URI on mock_idp's federation client")


class MockIdpRunnerStack(cdk.Stack):
    """(c) the mock_idp container on App Runner, which gives it a public HTTPS URL on 443."""

    def __init__(self, scope: Construct, id: str, params: Parameters, **kwargs):
        super().__init__(scope, id, **kwargs)
        public = params.mock_idp_image.startswith("public.ecr.aws/")
        access = None
        if not public:
            role = iam.Role(self, "EcrAccess", assumed_by=iam.ServicePrincipal("build.apprunner.amazonaws.com"),
                            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                                "service-role/AWSAppRunnerServicePolicyForECRAccess")])
            access = apprunner.CfnService.AuthenticationConfigurationProperty(access_role_arn=role.role_arn)
        environment = [apprunner.CfnService.KeyValuePairProperty(name="MOCK_IDP_HOST", value="0.0.0.0")]
        if params.mock_idp_base_url:
            environment.append(apprunner.CfnService.KeyValuePairProperty(name="MOCK_IDP_BASE_URL",
                                                                         value=params.mock_idp_base_url))
        service = apprunner.CfnService(
            self, "MockIdp", service_name="mock-idp",
            source_configuration=apprunner.CfnService.SourceConfigurationProperty(
                authentication_configuration=access, auto_deployments_enabled=False,
                image_repository=apprunner.CfnService.ImageRepositoryProperty(
                    image_identifier=params.mock_idp_image, image_repository_type="ECR_PUBLIC" if public else "ECR",
                    image_configuration=apprunner.CfnService.ImageConfigurationProperty(
                        port="8000", runtime_environment_variables=environment))),
            health_check_configuration=apprunner.CfnService.HealthCheckConfigurationProperty(protocol="HTTP",
                                                                                             path="/healthz"))
        cdk.CfnOutput(self, "ServiceUrl", value=cdk.Fn.join("", ["https://", service.attr_service_url]),
                      description="deploy again with -c mockIdpBaseUrl=<this> -c issuer=<this>/okta/oauth2/default")
