"""Build the image from the Dockerfile with podman and try it as users run it (docs/container.md).

No image registry is reachable in CI, so `python:3.11-slim` is made locally once (mmdebstrap of
Debian bookworm with python3 and venv, `podman import`ed under that name) and kept: a second run
reuses it and podman's layer cache. The podman options are those a VM without systemd needs: runc,
cgroupfs, the file events log, ulimits within this shell's hard limits, the host's network.

Checked, with the image's own HEALTHCHECK and real HTTP on loopback: healthy; not root; discovery
issuer = MOCK_IDP_BASE_URL; a client_credentials token verifies against the JWKS; keys and a refresh
token survive a restart on a named volume; MOCK_IDP_CONFIG_INLINE; a root-owned bind-mounted /data
stops with one line naming the fix, and works once chowned; --tls with the CA on the volume.
"""

import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from image_base import BASE, limits, make_base, podman

REPO = Path(__file__).resolve().parent.parent
IMAGE = "localhost/mock-idp:smoke"


def pip_setting(name: str) -> str | None:
    """This machine's pip setting (env, then pip's config files), for pip inside the build."""
    value = os.environ.get(f"PIP_{name.upper().replace('-', '_')}")
    if value is None:
        found = subprocess.run([sys.executable, "-m", "pip", "config", "get", f"global.{name}"],
                               capture_output=True, text=True)
        value = found.stdout.strip() if found.returncode == 0 else None
    return value or None


def build() -> float:
    """`podman build` of the Dockerfile; --format docker keeps the HEALTHCHECK (OCI drops it)."""
    options = ["--format", "docker", *limits()]
    index = pip_setting("index-url")
    if index:
        options += ["--build-arg", f"PIP_INDEX_URL={index}"]
    cert = pip_setting("cert")
    if cert and Path(cert).is_file():  # a CA pip needs here (a proxy's): lent to the build only
        options += ["--volume", f"{cert}:/run/host-ca.pem:ro", "--build-arg", "PIP_CERT=/run/host-ca.pem"]
    started = time.monotonic()
    podman("build", *options, "--tag", IMAGE, str(REPO), timeout=900)
    return time.monotonic() - started


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Container:
    """`podman run -d` of the image on a free port of the host's network; removed on stop()."""

    def __init__(self, *options: str, env: dict | None = None, command: tuple[str, ...] = (), scheme="http"):
        self.port = free_port()
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        env = {"MOCK_IDP_PORT": str(self.port), "MOCK_IDP_BASE_URL": self.base, **(env or {})}
        flags = [arg for name, value in env.items() for arg in ("--env", f"{name}={value}")]
        self.started = time.monotonic()
        # --health-interval=disable: no systemd timer here; the check runs on demand (wait_healthy).
        self.id = podman("run", "--detach", "--health-interval=disable", *limits(), *flags, *options,
                         IMAGE, *command).stdout.strip()

    def wait_healthy(self, timeout: float = 60) -> float:
        """Seconds from `run` to the image's HEALTHCHECK passing (`podman healthcheck run`)."""
        while time.monotonic() - self.started < timeout:
            if podman("healthcheck", "run", self.id, check=False).returncode == 0:
                return time.monotonic() - self.started
            if self.state() != "running":
                break
            time.sleep(0.2)
        raise SystemExit(f"not healthy ({self.state()}):\n{self.logs()}")

    def state(self) -> str:
        return podman("inspect", self.id, "--format", "{{.State.Status}}", check=False).stdout.strip()

    def logs(self) -> str:
        result = podman("logs", self.id, check=False)
        return result.stdout + result.stderr

    def exec(self, *command: str) -> str:
        return podman("exec", self.id, *command).stdout.strip()

    def stop(self) -> None:
        podman("rm", "--force", "--time", "5", self.id, check=False)


def okta(container: Container) -> str:
    return f"{container.base}/okta/oauth2/default"


def check(condition: bool, what: str, detail: str = "") -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        raise SystemExit(f"image-smoke: {what} failed {detail}")


def client_credentials_token_verifies(container: Container, verify=True) -> None:
    issuer = okta(container)
    discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", verify=verify).json()
    check(discovery["issuer"] == issuer, f"discovery issuer is MOCK_IDP_BASE_URL's ({issuer})")
    token = httpx.post(discovery["token_endpoint"], auth=("0oa-service", "service-secret"), verify=verify,
                       data={"grant_type": "client_credentials", "scope": "customers:read"}).json()
    keys = KeySet.import_key_set(httpx.get(discovery["jwks_uri"], verify=verify).json())
    claims = jwt.decode(token["access_token"], keys).claims
    check(claims["cid"] == "0oa-service" and claims["iss"] == issuer, "a client_credentials token verifies against the JWKS")


def refresh_token(container: Container) -> str:
    response = httpx.post(f"{okta(container)}/v1/token", auth=("0oa-appsync-web", "appsync-web-secret"), data={
        "grant_type": "password", "username": "alice", "password": "alice-password", "scope": "openid offline_access"})
    return response.json()["refresh_token"]


def named_volume_keeps_keys_and_refresh_tokens(volume: str) -> float:
    first = Container("--volume", f"{volume}:/data")
    try:
        healthy = first.wait_healthy()
        check(True, f"healthy by its HEALTHCHECK {healthy:.1f} s after `podman run`")
        check(first.exec("id", "-u") != "0", f"runs as uid {first.exec('id', '-u')}, not root")
        check("the packaged default seed" in first.logs(), "serves the packaged seed without configuration")
        client_credentials_token_verifies(first)
        check(httpx.get(f"{first.base}/").status_code == 200, "the home page renders (templates in the wheel)")
        keys, refresh = httpx.get(f"{okta(first)}/v1/keys").json(), refresh_token(first)
    finally:
        first.stop()
    again = Container("--volume", f"{volume}:/data")
    try:
        again.wait_healthy()
        check(httpx.get(f"{okta(again)}/v1/keys").json() == keys, "the keys survive a restart on the named volume")
        redeemed = httpx.post(f"{okta(again)}/v1/token", auth=("0oa-appsync-web", "appsync-web-secret"),
                              data={"grant_type": "refresh_token", "refresh_token": refresh})
        check(redeemed.status_code == 200, "a refresh token survives the restart", redeemed.text)
    finally:
        again.stop()
    return healthy


def inline_config() -> None:
    seed = "tenants:\n  solo:\n    flavor: auth0\n    clients:\n      - client_id: inline-app\n" \
           "        client_secret: inline-secret\n        grant_types: [client_credentials]\n"
    container = Container(env={"MOCK_IDP_CONFIG_INLINE": seed})
    try:
        container.wait_healthy()
        issuer = httpx.get(f"{container.base}/solo/.well-known/openid-configuration").json()["issuer"]
        check(issuer == f"{container.base}/solo/" and
              httpx.get(f"{okta(container)}/.well-known/openid-configuration").status_code == 404,
              "MOCK_IDP_CONFIG_INLINE's tenant is served, and only it")
    finally:
        container.stop()


def root_owned_bind_mount() -> None:
    with tempfile.TemporaryDirectory(prefix="mock_idp_bind_") as folder:  # root's, as `-v $PWD/data:/data`
        os.chmod(folder, 0o755)
        refused = Container("--volume", f"{folder}:/data")
        try:
            podman("wait", refused.id, timeout=60)
            lines = [line for line in refused.logs().splitlines() if line.strip()]
            check(refused.state() == "exited" and len(lines) == 1 and "chown 10001" in lines[0],
                  "a root-owned bind-mounted /data stops with one line naming the fix", "\n".join(lines))
            print(f"       {lines[0]}")
        finally:
            refused.stop()
        os.chown(folder, 10001, 0)  # the fix it names
        fixed = Container("--volume", f"{folder}:/data")
        try:
            fixed.wait_healthy()
            check(any(Path(folder).iterdir()), "and works once chowned to 10001")
        finally:
            fixed.stop()


def tls_with_the_ca_on_the_volume(volume: str) -> None:
    container = Container("--volume", f"{volume}:/data", env={"MOCK_IDP_TLS": "true"}, scheme="https")
    try:
        container.wait_healthy()
        mountpoint = podman("volume", "inspect", volume, "--format", "{{.Mountpoint}}").stdout.strip()
        ca = ssl.create_default_context(cafile=str(Path(mountpoint) / "tls" / "ca.pem"))
        client_credentials_token_verifies(container, verify=ca)
        check(True, "--tls: HTTPS verified with the local CA from the volume")
    finally:
        container.stop()


def main() -> None:
    if shutil.which("podman") is None or shutil.which("mmdebstrap") is None:
        raise SystemExit("image-smoke: podman and mmdebstrap are needed (.ci/image-smoke installs them)")
    base_seconds = make_base()
    print(f"base {BASE}: {'made in %.0f s' % base_seconds if base_seconds else 'kept from an earlier run'}")
    build_seconds = build()
    size = int(podman("image", "inspect", IMAGE, "--format", "{{.Size}}").stdout)
    health = json.loads(podman("image", "inspect", IMAGE, "--format", "{{json .HealthCheck}}").stdout)
    print(f"image {IMAGE}: built in {build_seconds:.0f} s, {size / 1e6:.0f} MB")
    check(health and health["Test"][1:] == ["mock-idp", "healthcheck"], "the image keeps its HEALTHCHECK (--format docker)")
    check(podman("run", "--rm", *limits(), "--entrypoint", "sh", IMAGE, "-c",
                 "! /opt/mock_idp/bin/python -c 'import pip' 2>/dev/null && "
                 "! /opt/mock_idp/bin/python -c 'import setuptools' 2>/dev/null", check=False).returncode == 0,
          "no pip or setuptools in the runtime environment")
    volume = f"mock-idp-smoke-{os.getpid()}"
    podman("volume", "create", volume)
    try:
        healthy = named_volume_keeps_keys_and_refresh_tokens(volume)
        inline_config()
        root_owned_bind_mount()
        tls_with_the_ca_on_the_volume(volume)
    finally:
        podman("volume", "rm", "--force", volume, check=False)
    print(f"image-smoke: passed (base {base_seconds:.0f} s, build {build_seconds:.0f} s, "
          f"image {size / 1e6:.0f} MB, run to healthy {healthy:.1f} s)")


if __name__ == "__main__":
    main()
