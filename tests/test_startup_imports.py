"""What a default server does not load before it serves: libraries only some requests need (token
hooks and jwks_uri fetches: httpx, which loads rich; pages: jinja2; SAML: lxml and signxml; the
admin API's routers). Each is tens of milliseconds of every start and MiBs of resident memory
(docs/benchmarks.md: cold start and idle RSS), and each crept back in once through an import at a
module's top."""

import json
import subprocess
import sys

DEFERRED = ("httpx", "rich", "jinja2", "lxml", "signxml", "mock_idp.admin.mount", "mock_idp.admin.directory")


def test_the_default_app_is_built_without_the_libraries_only_some_requests_need(tmp_path):
    probe = ("import json, sys\n"
             "from mock_idp.cli import main\n"
             "from mock_idp.app import create_app\n"
             "create_app()\n"
             f"print(json.dumps([name for name in {DEFERRED!r} if name in sys.modules]))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                            env={"MOCK_IDP_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
