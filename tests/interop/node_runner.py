"""Run the Node interop CLIs in tests/interop from pytest.

Each ``*.mjs`` script reads one JSON job on stdin and prints one JSON object on
stdout (``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``).
The Node dependencies are pinned in package-lock.json; install them with
``npm ci`` in this directory (CI does that before running the tests).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

INTEROP_DIR = Path(__file__).resolve().parent

REQUIRED_PACKAGES = (
    "@okta/jwt-verifier",
    "express",
    "express-oauth2-jwt-bearer",
    "express-openid-connect",
    "aws-jwt-verify",
    "openid-client",
    "@okta/okta-auth-js",
    "@azure/msal-node",
    "@okta/okta-sdk-nodejs",
    "amazon-cognito-identity-js",
    "aws-amplify",
    "auth0",
    "jwks-rsa",
    "jsonwebtoken",
    "passport-azure-ad",
)


def node_modules_ready() -> bool:
    """True when `node` is on PATH and every pinned package is installed."""
    modules = INTEROP_DIR / "node_modules"
    return shutil.which("node") is not None and all(
        (modules / name / "package.json").is_file() for name in REQUIRED_PACKAGES
    )


def run_node(script: str, job: dict, timeout: float = 60, ca: Path | None = None) -> dict:
    """Run ``node <script>`` in tests/interop with ``job`` as JSON on stdin; ``ca``: the CA of a
    --tls server, trusted the way the README tells users to (NODE_EXTRA_CA_CERTS).

    Returns the parsed JSON object the script printed. Raises AssertionError
    (with stderr) if the dependencies are missing, the script crashes, or its
    output is not a single JSON object.
    """
    if not node_modules_ready():
        raise AssertionError(
            f"Node interop dependencies are missing: run `npm ci` in {INTEROP_DIR} "
            "(requires node >= 20 on PATH)"
        )
    path = INTEROP_DIR / script
    if not path.is_file():
        raise AssertionError(f"no such interop script: {path}")
    env = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}
    if ca is not None:
        env["NODE_EXTRA_CA_CERTS"] = str(ca)
    proc = subprocess.run(
        ["node", path.name],
        cwd=INTEROP_DIR,
        env=env,
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"node {script} crashed (exit {proc.returncode})\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"node {script} printed non-JSON output ({exc})\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        ) from None
    if not isinstance(result, dict) or "ok" not in result:
        raise AssertionError(f"node {script} printed an unexpected object: {proc.stdout!r}")
    return result
