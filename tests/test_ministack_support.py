"""The shared ministack fixture: a real local Cognito on loopback, its files in a temp folder."""

import httpx


def test_ministack_serves_cognito_on_loopback_with_its_files_in_the_session_temp_folder(ministack):
    assert ministack.endpoint.startswith("http://127.0.0.1:")
    cognito = ministack.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="support-check")["UserPool"]
    assert cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Name"] == "support-check"
    jwks = httpx.get(f"{ministack.endpoint}/{pool['Id']}/.well-known/jwks.json").json()
    assert jwks["keys"][0]["alg"] == "RS256"
    port = ministack.endpoint.rsplit(":", 1)[1]
    assert (ministack.workdir / f"ministack-{port}.pid").is_file()  # TMPDIR is ours, not /tmp
    cognito.delete_user_pool(UserPoolId=pool["Id"])
