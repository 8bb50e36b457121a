#!/usr/bin/env python3
"""CDK app: `cdk synth -c issuer=https://<public mock_idp>/okta/oauth2/default` (see README.md)."""

import aws_cdk as cdk

from mock_idp_stacks import EmployeeApiStack, MockIdpRunnerStack, Parameters

app = cdk.App()
params = Parameters.from_context(app.node)
if params.mock_idp_image:
    MockIdpRunnerStack(app, "MockIdpOnAppRunner", params)
EmployeeApiStack(app, "MockIdpEmployeeApi", params)
app.synth()
