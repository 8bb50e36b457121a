"""The README's two commands and the docs' offline shell blocks, run as written in a fresh copy of
the repository (its tracked files, no .venv): a newcomer's first minutes.

The server listens on a 127/8 address of its own, so the documented port 8000 collides with no one's;
the only change to the commands is that address in place of 127.0.0.1."""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
import yaml

from conftest import REPO, Browser, free_port, spare_loopback_address


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", markdown, re.M | re.S)


def section(markdown: str, heading: str) -> str:
    return markdown.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def newcomer_env() -> dict:
    """The user's shell: no venv active, no MOCK_IDP_* settings of this test run."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("MOCK_IDP_", "VIRTUAL_ENV", "PYTEST"))}


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """What `git clone` gives: the tracked files (and new ones not ignored), with this work tree's edits."""
    target = tmp_path_factory.mktemp("clone")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source, destination = REPO / name, target / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, destination)
    return target


@pytest.fixture(scope="module")
def started(clone):
    """README "Start the server", as written; the server answers at a loopback address of its own."""
    readme = (clone / "README.md").read_text()
    (command,) = shell_blocks(section(readme, "## Start the server"))
    host = spare_loopback_address()
    server = subprocess.Popen(["bash", "-c", command.strip()], cwd=clone, start_new_session=True,
                              env={**newcomer_env(), "MOCK_IDP_HOST": host}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://{host}:8000"
    deadline = time.monotonic() + 300  # a fresh venv: uv from pip, the dependencies from uv's cache
    try:
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the README's start command did not serve:\n{server.stdout.read()}")
            time.sleep(0.5)
        yield host, base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the command's own process group (bash, mock-idp)
        server.wait(timeout=20)


def test_the_readme_start_command_serves_the_default_seed_from_a_fresh_clone(clone, started):
    host, base = started
    assert (clone / ".venv" / "bin" / "mock-idp").is_file()
    issuer = httpx.get(f"{base}/okta/oauth2/default/.well-known/openid-configuration").json()["issuer"]
    assert issuer == f"{base}/okta/oauth2/default"
    help_text = subprocess.run([clone / ".venv" / "bin" / "mock-idp", "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "serve" in help_text.stdout


def test_the_documented_test_token_commands_work_as_written(clone, started):
    host, _ = started
    page = (clone / "docs" / "headless-sign-in.md").read_text()
    (block,) = shell_blocks(section(page, "## Test access tokens"))
    result = subprocess.run(["bash", "-c", block.replace("127.0.0.1:8000", f"{host}:8000")],
                            capture_output=True, text=True, timeout=60)
    answers, text, decoder = [], result.stdout.strip(), json.JSONDecoder()
    while text:  # curl -s prints each answer without a newline after it
        answer, end = decoder.raw_decode(text)
        answers.append(answer)
        text = text[end:].strip()
    assert len(answers) == 2 and all(answer["token_type"].lower() == "bearer" for answer in answers), result


def test_the_readme_test_command_installs_what_the_suite_needs(clone, started):
    """Every piece of README "Run the tests" as written; its pytest on one small file (the whole
    suite is .ci/run's), still with the command's own options (pytest-xdist's -n)."""
    readme = (clone / "README.md").read_text()
    (command,) = shell_blocks(section(readme, "## Run the tests"))
    *setup, run_tests = command.strip().split(" && ")
    assert run_tests.startswith(".venv/bin/python -m pytest")
    result = subprocess.run(["bash", "-c", " && ".join([*setup, f"{run_tests} -q -p no:cacheprovider tests/test_config.py"])],
                            cwd=clone, env=newcomer_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\d+ passed", result.stdout) and "bringing up nodes" in result.stdout  # xdist ran it


def test_the_documented_pytest_install_runs_the_documented_example(clone, tmp_path):
    """docs/testing.md: the wheel built in the clone as written, installed into another project's
    fresh environment, gives the `mock_idp` fixture its example uses."""
    page = (clone / "docs" / "testing.md").read_text()
    build, install = shell_blocks(section(page, "## pytest"))[0].strip().splitlines()
    assert subprocess.run(["bash", "-c", build.split("#")[0]], cwd=clone, env=newcomer_env(), timeout=300).returncode == 0
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["python3", "-m", "venv", ".venv"], cwd=project, check=True, timeout=120)
    wheel = install.split("#")[0].split()[-1].replace("/path/to/mock_idp", str(clone))
    # `pip install <wheel>` as written, through uv (the same resolution, from its cache) to keep it short.
    subprocess.run([clone / ".venv" / "bin" / "uv", "pip", "install", "-q", "--python", ".venv/bin/python",
                    wheel, "pytest", "joserfc"], cwd=project, env=newcomer_env(), check=True, timeout=300)
    example = page[page.index("```python\n") + len("```python\n"):]
    (project / "test_example.py").write_text(example[:example.index("```")])
    result = subprocess.run([".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                            env=newcomer_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_appsync_local_example_runs_as_its_readme_says(clone, started):
    """examples/appsync-local/README.md "Run it" in the README's venv (its `mock-idp serve` line
    skipped: that server runs), an ID token from the URL it gives, then its two calls."""
    host, _ = started
    page = (clone / "examples" / "appsync-local" / "README.md").read_text()
    run_it, calls = shell_blocks(section(page, "## Run it"))
    install, serve, *example = run_it.strip().splitlines()
    assert serve.startswith(".venv/bin/mock-idp serve")
    port = free_port()
    ours = {"127.0.0.1:8000": f"{host}:8000", "127.0.0.1%3A8000": f"{host}%3A8000",
            "--port 8080": f"--port {port}", "localhost:8080": f"127.0.0.1:{port}"}

    def as_here(text: str) -> str:
        for written, here in ours.items():
            text = text.replace(written, here)
        return text

    command = install.split("#")[0] + " && " + as_here("\n".join(example))
    api = subprocess.Popen(["bash", "-c", command], cwd=clone, env=newcomer_env(), start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                if api.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the example's server did not start:\n{api.stdout.read()}") from None
                time.sleep(0.5)
        (authorize,) = re.findall(r"^    (http://127\.0\.0\.1:8000/\S+/authorize\?\S+)$", page, re.M)
        landed = Browser().authorize(as_here(authorize))
        id_token = re.search(r"[#&]id_token=([^&]+)", landed.headers["location"]).group(1)
        written = calls.strip().splitlines()
        assert written[0] == "ID_TOKEN='<the ID token you copied>'"
        script = "\n".join([f"ID_TOKEN='{id_token}'", *written[1:]])
        result = subprocess.run(["bash", "-c", as_here(script)], capture_output=True, text=True, timeout=60)
        answers, text, decoder = [], result.stdout.strip(), json.JSONDecoder()
        while text:
            answer, end = decoder.raw_decode(text)
            answers.append(answer)
            text = text[end:].strip()
        created, listed = answers
        assert created["data"]["createEmployee"]["name"] == "Ada", answers
        assert {"name": "Ada", "department": "IT"} in listed["data"]["listEmployees"], answers
    finally:
        os.killpg(api.pid, signal.SIGTERM)
        api.wait(timeout=20)


def test_the_users_the_readme_signs_in_with_are_the_default_seeds(clone):
    text = section((clone / "README.md").read_text(), "## Start the server")
    named = dict(re.findall(r"`(\w+)` / `([\w-]+)`", text))
    upns = re.findall(r"`(\w+@[\w.]+)`", text.split("on the entra tenant", 1)[1])
    assert set(named) == {"alice", "frank", "hannah"} and upns
    for name, tenant in yaml.safe_load((clone / "seed_users.yaml").read_text())["tenants"].items():
        users = {user["username"]: user.get("password") for user in tenant.get("users", [])}
        expected = {upn: named[upn.split("@")[0]] for upn in upns} if tenant.get("flavor") == "entra" else named
        assert {user: users.get(user) for user in expected} == expected, name


def test_the_clients_the_readme_names_per_sdk_are_the_default_seeds(clone):
    """Every client id of "One line of configuration per SDK" is in the shipped seed, with the
    secret written beside it; those named for browser SDKs are public (a browser holds no secret:
    a confidential client's code exchange from okta-auth-js or Amplify is invalid_client)."""
    text = section((clone / "README.md").read_text(), "## One line of configuration per SDK")
    clients = {client["client_id"]: client for tenant in yaml.safe_load((clone / "seed_users.yaml").read_text())
               ["tenants"].values() for client in tenant.get("clients", [])}
    named = {name for name in re.findall(r"[`']((?:0oa|auth0|cognito)-[\w-]+)[`']", text)
             if not name.endswith(("-secret", "-js"))}  # secrets and SDK names (auth0-spa-js) aside
    assert named and named <= clients.keys(), named - clients.keys()
    for client_id, secret in re.findall(r"`([\w-]+)` / `([\w-]+)`", text):
        assert clients[client_id].get("client_secret") == secret, client_id
    for browser_sdk in ("@okta/okta-auth-js", "auth0-spa-js", "Amplify:"):
        after = text.split(browser_sdk, 1)[1]  # the first client named after the SDK, said to be public
        client_id = re.search(r"[`']((?:0oa|auth0|cognito)-[\w-]+)[`']", after.replace(browser_sdk, "")).group(1)
        assert "public" in after[:after.index(client_id)], browser_sdk
        assert clients[client_id].get("client_secret") is None, (browser_sdk, client_id)


def test_every_sign_in_link_of_the_home_page_lands_on_verified_tokens(started):
    """README "Open http://127.0.0.1:8000/": each client's *sign in* links run the real flow as the
    user it names (the entra tenant's UPN) and land on the token page, signatures checked. A token
    in a fragment is posted back as the page's script does."""
    _, base = started
    links = sorted({html.unescape(link) for link in re.findall(r'href="([^"]+/_ui/start\?[^"]+)"', httpx.get(f"{base}/").text)})
    assert len(links) >= 20, links
    for link in links:
        agent = Browser()
        user = "alice@contoso.example" if "/entra/" in link else "alice"
        landed = agent.authorize(agent.get(link).headers["location"], username=user)
        callback = landed.headers.get("location", "")
        assert "/_ui/callback" in callback, (link, landed.status_code, landed.text[:500])
        if "#" in callback:  # the relay page's script posts the fragment to the callback
            page = agent.http.post(callback.split("#")[0], data=dict(parse_qsl(callback.split("#", 1)[1])))
        else:
            page = agent.get(callback)
        assert page.status_code == 200 and "The sign-in failed" not in page.text, (link, page.text[:2000])
        assert re.search(r'data-testid="signature-(id|access)_token">valid', page.text), link
