"""mock_idp.testing and the pytest plugin, as a test suite uses them: the `mock_idp` fixture
(this project's pytest settings point it at tests/seeds/core.yaml), and MockIdP on its own."""

import json
import textwrap
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from mock_idp.testing import MockIdP, MockIdPError

pytest_plugins = ["pytester"]


def verified(idp, token: str, tenant=None) -> dict:
    keys = KeySet.import_key_set(httpx.get(idp.discovery(tenant)["jwks_uri"]).json())
    return jwt.decode(token, keys, algorithms=["RS256", "ES256"]).claims


def test_login_runs_the_code_flow_through_the_real_login_form(mock_idp):
    tokens = mock_idp.login(username="alice", password="alice-password")
    assert tokens["code"] and verified(mock_idp, tokens["id_token"])["email"] == "alice@example.com"
    assert mock_idp.requests(endpoint="token")[-1]["client_auth"] == "client_secret_basic"
    with pytest.raises(MockIdPError, match="refused 'alice'"):
        mock_idp.login(username="alice", password="wrong")


def test_a_user_added_at_run_time_signs_in_and_reset_removes_them(mock_idp):
    mock_idp.add_user("carol", "carol-pw", claims={"groups": ["ops"]})
    assert verified(mock_idp, mock_idp.login(username="carol")["access_token"])["groups"] == ["ops"]
    mock_idp.reset()
    with pytest.raises(MockIdPError) as missing:
        mock_idp.login(username="carol", password="carol-pw")
    assert missing.value.status == 401
    with pytest.raises(MockIdPError) as refused:
        mock_idp.add_user("dave", "pw", claim={})
    assert refused.value.status == 400 and refused.value.body["errors"][0]["field"] == "claim"


def test_approve_device_lets_the_device_poll_to_tokens_without_a_browser(mock_idp):
    token_endpoint = mock_idp.discovery()["token_endpoint"]
    grant = "urn:ietf:params:oauth:grant-type:device_code"

    def device_flow():
        started = httpx.post(mock_idp.discovery()["device_authorization_endpoint"],
                             data={"client_id": "demo-device", "scope": "openid email"}).json()
        poll = lambda: httpx.post(token_endpoint, data={  # noqa: E731
            "client_id": "demo-device", "grant_type": grant, "device_code": started["device_code"]})
        return started, poll

    started, poll = device_flow()
    assert poll().json()["error"] == "authorization_pending"
    decided = mock_idp.approve_device(started["user_code"].lower(), username="alice")
    assert decided["status"] == "approved" and decided["client_id"] == "demo-device"
    assert verified(mock_idp, poll().json()["id_token"])["email"] == "alice@example.com"

    denied, poll = device_flow()
    mock_idp.approve_device(denied["user_code"], approve=False)
    assert poll().json()["error"] == "access_denied"
    with pytest.raises(MockIdPError) as error:  # decided already
        mock_idp.approve_device(denied["user_code"])
    assert error.value.status == 400 and "already decided" in error.value.body["error_description"]
    with pytest.raises(MockIdPError) as error:
        mock_idp.approve_device(device_flow()[0]["user_code"], username="nobody")
    assert error.value.status == 404


def test_mint_scenario_clock_and_key_rotation(mock_idp):
    minted = mock_idp.mint(username="bob", extra_claims={"role": "auditor"})
    assert verified(mock_idp, minted["access_token"])["role"] == "auditor"

    mock_idp.scenario(endpoint="token", error="temporarily_unavailable", times=1)
    response = httpx.post(mock_idp.discovery()["token_endpoint"], auth=("demo-service", "demo-service-secret"),
                          data={"grant_type": "client_credentials"})
    assert response.status_code == 503 and response.json()["error"] == "temporarily_unavailable"

    assert mock_idp.clock(advance_seconds=7200)["offset_seconds"] == 7200
    introspected = httpx.post(mock_idp.discovery()["introspection_endpoint"], auth=("demo-web", "demo-web-secret"),
                              data={"token": minted["access_token"]})
    assert introspected.json() == {"active": False}

    rotated = mock_idp.rotate_keys(algorithm="ES256", grace_seconds=60)
    assert verified(mock_idp, mock_idp.mint(username="bob")["id_token"]) and rotated["alg"] == "ES256"


def test_keys_load_from_pem_and_jwk_files(mock_idp, tmp_path):
    from joserfc.jwk import ECKey, RSAKey

    (tmp_path / "signer.pem").write_bytes(RSAKey.generate_key(2048).as_pem(private=True))
    assert mock_idp.rotate_keys(pem_file=tmp_path / "signer.pem", kid="from-pem")["kid"] == "from-pem"
    (tmp_path / "signer.jwk").write_text(json.dumps(ECKey.generate_key("P-256", parameters={"kid": "ec"}).as_dict(
        private=True)))
    assert mock_idp.rotate_keys(jwk_file=tmp_path / "signer.jwk")["alg"] == "ES256"
    assert verified(mock_idp, mock_idp.mint(username="alice")["id_token"])["sub"]


def test_the_fixture_hands_each_test_the_seed_state(mock_idp):
    # The test before moved the clock and rotated the key: the reset put both back.
    assert mock_idp.clock()["offset_seconds"] == 0
    assert [key["alg"] for key in httpx.get(mock_idp.discovery()["jwks_uri"]).json()["keys"]] == ["RS256"]


def test_an_isolated_server_from_a_yaml_string():
    seed = textwrap.dedent("""\
        tenants:
          shop:
            flavor: okta
            authorization_server: default
            clients:
              - client_id: web
                client_secret: s
                redirect_uris: [http://localhost:5000/cb]
                grant_types: [authorization_code]
            users:
              - {username: ann, password: ann-pw}
        """)
    with MockIdP(seed, isolated=True) as idp:
        assert idp.issuer() == idp.url + "/shop/oauth2/default"
        claims = verified(idp, idp.login(username="ann")["id_token"])
        assert claims["iss"] == idp.issuer() and claims["aud"] == "web"
    with pytest.raises(httpx.HTTPError):
        httpx.get(idp.url + "/healthz", timeout=2)


def test_the_plugin_takes_its_seed_from_the_command_line(pytester):
    seed = pytester.makefile(".yaml", seed="tenants:\n  acme:\n    clients: [{client_id: app, client_secret: s}]\n"
                                            "    users: [{username: zed, password: z}]\n")
    pytester.makepyfile(textwrap.dedent("""\
        def test_uses_the_seed(mock_idp):
            assert mock_idp.issuer().endswith("/acme")
            assert mock_idp.mint(username="zed")["access_token"]
            mock_idp.add_user("temp", "t")

        def test_sees_the_seed_again(mock_idp):
            users = mock_idp.admin("GET", "/tenants/acme/users")
            assert [user["username"] for user in users] == ["zed"]
        """))
    # In process: a pytest subprocess would spend ~15 s of a loaded CI core importing it all again.
    result = pytester.runpytest_inprocess(f"--mock-idp-config={seed}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_documented_example_passes_as_written(pytester):
    section = (Path(__file__).parent.parent / "docs" / "testing.md").read_text()
    example = section[section.index("```python\n") + len("```python\n"):]
    pytester.makepyfile(test_readme=example[:example.index("```")])
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_plugin_runs_the_server_in_a_subprocess_when_asked(pytester):
    pytester.makepyfile(textwrap.dedent("""\
        def test_isolated(mock_idp):
            assert mock_idp.isolated and mock_idp.login(username="alice")["id_token"]
        """))
    pytester.runpytest_subprocess("--mock-idp-isolated", "-p", "no:cacheprovider").assert_outcomes(passed=1)
