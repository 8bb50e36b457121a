"""The AWS documentation's example pre-token-generation handlers, in Python, written from the
developer guide's description of each (docs/vendors.md cites the page). They run unchanged behind
the Invoke-API server of invoke_api.py and through a seed's `handler:`."""


def doc_v1_add_suppress_and_groups(event, context):
    """V1_0 examples ("add a new claim and suppress an existing claim", "modify the user's group
    membership"): two claims added, email suppressed, the groups and IAM roles replaced."""
    event["response"] = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"attribute_key2": "attribute_value2", "attribute_key": "attribute_value"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {
                "groupsToOverride": ["group-A", "group-B", "group-C"],
                "iamRolesToOverride": ["arn:aws:iam::123456789012:role/sns_callerA",
                                       "arn:aws:iam::123456789012:role/sns_callerB"],
                "preferredRole": "arn:aws:iam::123456789012:role/sns_caller",
            },
        }
    }
    return event


def doc_v2_claims_scopes_and_groups(event, context):
    """V2_0 example ("add and suppress claims, scopes, and groups"): the ID token gets a family
    name and loses email and phone number; the access token gets two claims and a resource-server
    scope, loses email, phone number and the user-pool API scope; the groups are replaced."""
    event["response"] = {
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {
                "claimsToAddOrOverride": {"family_name": "Doe"},
                "claimsToSuppress": ["email", "phone_number"],
            },
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"my_first_attribute": "first_value",
                                          "my_second_attribute": "second_value"},
                "claimsToSuppress": ["email", "phone_number"],
                "scopesToAdd": ["openid", "email", "solar-system-data/asteroids.add"],
                "scopesToSuppress": ["phone_number", "aws.cognito.signin.user.admin"],
            },
            "groupOverrideDetails": {
                "groupsToOverride": ["new-group-A", "new-group-B", "new-group-C"],
                "iamRolesToOverride": ["arn:aws:iam::123456789012:role/new_roleA"],
                "preferredRole": "arn:aws:iam::123456789012:role/new_role",
            },
        }
    }
    return event


def doc_v3_machine_to_machine(event, context):
    """V3_0 example for client credentials: a claim from the caller's client id and a scope."""
    event["response"] = {
        "claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"partner": "partner-of-" + event["callerContext"]["clientId"]},
                "scopesToAdd": ["partner/read"],
            }
        }
    }
    return event


def greedy(event, context):
    """Tries to change what Cognito keeps for itself: every such claim stays as issued."""
    fixed = {"iss": "https://evil", "sub": "someone-else", "aud": "other", "token_use": "access",
             "cognito:username": "mallory", "exp": 1, "iat": 1, "auth_time": 1, "jti": "x", "origin_jti": "x",
             "client_id": "other", "scope": "admin", "username": "mallory", "cognito:groups": ["root"],
             "dev:pool": "x"}
    event["response"] = {"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {**fixed, "tier": {"level": 3, "tags": ["a"]}},
                              "claimsToSuppress": ["sub", "iss", "tier"]},
        "accessTokenGeneration": {"claimsToAddOrOverride": {**fixed, "tier": {"level": 3, "tags": ["a"]}}},
    }}
    return event


def fails(event, context):
    raise RuntimeError("No entry for this user in the partner database")


def department_from_the_hr_system(event, context):
    """A team's own trigger: the department comes from the HR system, not the pool's attribute."""
    moved = {"hannah": "Finance"}.get(event["userName"])
    if moved:
        event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"custom:department": moved}}
    return event
