"""The docs' snippets, run as written against the shipped seed_users.yaml on the documented port
8000, at a loopback address of its own (the only change: that address in place of 127.0.0.1):
docs/headless-sign-in.md's device-flow, Python and JS blocks, docs/entra.md's MSAL line over --tls,
docs/token-hooks.md's and docs/auth0-organizations.md's MockIdP blocks. Each runs in its own
process with the client libraries the page names: curl, the project's Python (auth0-python, boto3,
msal) and Node (tests/interop's okta-auth-js, Amplify). The README's own commands: tests/test_readme_commands.py; docs/spa.md's shipped-seed
paragraph: tests/pages/test_spa_docs.py."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, spare_loopback_address, start_server
from interop.node_runner import INTEROP_DIR, node_modules_ready

PAGE = (REPO / "docs" / "headless-sign-in.md").read_text()
WRITTEN = "127.0.0.1:8000"  # with or without http:// (auth0-python takes a domain)


def blocks(markdown: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", markdown, re.M | re.S)


def section(markdown: str, heading: str) -> str:
    return markdown.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def commands(block: str) -> list[str]:
    """A shell block's commands: a trailing backslash continues a line; comment lines dropped."""
    lines = re.sub(r"\\\n\s*", "", block).splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """`mock-idp serve --admin` on the shipped seed (the device flow's approval needs the admin API)."""
    running = start_server(REPO / "seed_users.yaml", tmp_path_factory.mktemp("docs-seed"),
                           host=spare_loopback_address(), port=8000, admin=True)
    assert running.base_url.endswith(":8000")
    yield running
    running.stop()


def here(text: str, shipped) -> str:
    return text.replace(WRITTEN, shipped.base_url.split("://", 1)[1])


def run_shell(command: str) -> dict:
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_device_flow_block_gets_tokens_once_the_admin_api_approves(shipped):
    ask, approve, poll = commands(blocks(section(PAGE, "## The device flow"), "sh")[0])
    started = run_shell(here(ask, shipped))
    assert started["verification_uri_complete"].startswith(shipped.base_url + "/okta/activate?user_code=")
    approved = run_shell(here(approve.replace("<user_code>", started["user_code"]), shipped))
    assert approved["status"] == "approved"
    tokens = run_shell(here(poll.replace("<device_code>", started["device_code"]), shipped))
    assert {"access_token", "id_token", "refresh_token"} <= tokens.keys(), tokens


@pytest.mark.parametrize("number", [0, 1], ids=["auth0-python signup and password-realm",
                                                 "boto3 InitiateAuth, refresh, sign-out"])
def test_the_python_blocks_run_as_written(shipped, tmp_path, number):
    script = tmp_path / "snippet.py"
    script.write_text(f"import json\n{here(blocks(PAGE, 'python')[number], shipped)}\nprint(json.dumps(sorted(tokens)))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"id_token", "access_token", "refresh_token"} <= set(got) or \
        {"IdToken", "AccessToken", "RefreshToken"} <= set(got), got


def run_module(source: str, folder: Path) -> dict:
    """`node` on an ES module in `folder`, resolving packages from tests/interop's node_modules."""
    if not node_modules_ready():
        raise AssertionError(f"Node interop dependencies are missing: run `npm ci` in {INTEROP_DIR}")
    (folder / "node_modules").symlink_to(INTEROP_DIR / "node_modules")
    (folder / "snippet.mjs").write_text(source)
    result = subprocess.run(["node", "snippet.mjs"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_okta_auth_js_block_signs_in_with_a_session_token(shipped, tmp_path):
    okta, _amplify = blocks(PAGE, "js")
    out = run_module(here(okta, shipped) + "\nconsole.log(JSON.stringify({iss: tokens.idToken.claims.iss,"
                     " email: tokens.idToken.claims.email, access: Boolean(tokens.accessToken)}));\n", tmp_path)
    assert out == {"iss": shipped.base_url + "/okta/oauth2/default", "email": "alice@example.com", "access": True}


def test_the_amplify_block_signs_in_with_srp_on_the_shipped_pool(shipped, tmp_path):
    _okta, amplify = blocks(PAGE, "js")
    assert "us-east-1_cognito" in amplify  # the pool id ends in _<tenant> (the SRP proof mixes it in)
    out = run_module(here(amplify, shipped) + "\nconsole.log(JSON.stringify({step: nextStep.signInStep,"
                     " user: tokens.idToken.payload['cognito:username']}));\n", tmp_path)
    assert out == {"step": "DONE", "user": "alice"}


def test_the_entra_block_gets_a_daemon_token_with_msal_over_tls(tmp_path):
    """docs/entra.md "In the default seed": `serve --tls` (here, in the test), the CA exported as
    the page says, then its MSAL line."""
    page = (REPO / "docs" / "entra.md").read_text()
    serve, export, *msal = commands(blocks(section(page, "## In the default seed"), "sh")[0])
    assert serve == ".venv/bin/mock-idp serve --tls &" and export.startswith("export REQUESTS_CA_BUNDLE=$(")
    running = start_server(REPO / "seed_users.yaml", tmp_path, host=spare_loopback_address(), port=8000, tls=True)
    try:
        line = "\n".join(msal).replace(".venv/bin/python", sys.executable).replace("127.0.0.1:8000",
                                                                                  running.base_url.split("://")[1])
        env = {**os.environ, "REQUESTS_CA_BUNDLE": str(running.ca)}
        result = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=60, env=env)
    finally:
        running.stop()
    assert result.returncode == 0 and "'access_token':" in result.stdout, result.stdout + result.stderr[-2000:]
    assert "'token_type': 'Bearer'" in result.stdout


def test_the_token_hooks_python_block_runs_on_the_shipped_seed(tmp_path):
    """docs/token-hooks.md: MockIdP on seed_users.yaml, a Lambda handler as the pre-token hook."""
    page = (REPO / "docs" / "token-hooks.md").read_text()
    (block,) = blocks(page, "python")
    script = tmp_path / "hooks.py"
    # Before the hook is cleared: a sign-in's access token, decoded (the hook's claim is in it).
    check = ("    import base64, json; token = idp.login(tenant='cognito', client_id='cognito-app-client')['access_token']\n"
             "    print(json.loads(base64.urlsafe_b64decode(token.split('.')[1] + '==')).get('tenant_id'))\n")
    head, tail = block.split("    idp.clear_hook", 1)
    script.write_text(head + check + "    idp.clear_hook" + tail)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}
    result = subprocess.run([sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=60,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["t-42"], result.stdout


def test_the_auth0_organizations_block_runs_as_written(tmp_path):
    """docs/auth0-organizations.md: a member's tokens carry the organization, a non-member is refused."""
    (block,) = blocks((REPO / "docs" / "auth0-organizations.md").read_text(), "python")
    script = tmp_path / "organizations.py"
    script.write_text(block)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_IDP_")}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "is not part of the org_acme0123456789 organization" in result.stdout, result.stdout
