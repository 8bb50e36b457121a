"""HTTPS: `serve --tls` with our local CA, a certificate the user brings, and the errors on bad files."""

import datetime
import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import SEEDS, spare_loopback_address, start_server
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from typer.testing import CliRunner

from mock_idp.cli import cli
from mock_idp.tls import certificate_hosts, local_certificate

MOCK_IDP = shutil.which("mock-idp", path=str(Path(sys.executable).parent))
DISCOVERY = "/default/.well-known/openid-configuration"


def trusting(ca: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca))


def subject_alt_names(cert_path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(name.value) for name in names}


def self_signed(folder: Path, host: str = "localhost", days: int = 30, expired: bool = False):
    """A certificate and key the way a user brings them (e.g. from their own CA or mkcert)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = (now - datetime.timedelta(days=10), now - datetime.timedelta(days=1)) if expired else (
        now - datetime.timedelta(minutes=1), now + datetime.timedelta(days=days))
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def run_cli(*args: str, env: dict | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([MOCK_IDP, *args], capture_output=True, text=True, timeout=timeout,
                          env={**clean_env(), **(env or {})})


def clean_env() -> dict:
    # No AUTHLIB_INSECURE_TRANSPORT either: over TLS the server must not need it.
    return {k: v for k, v in os.environ.items()
            if not k.startswith("MOCK_IDP_") and k != "AUTHLIB_INSECURE_TRANSPORT"}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    running = start_server(SEEDS / "core.yaml", tmp_path_factory.mktemp("tls-data"), tls=True,
                           tls_san=["idp.test"])
    yield running
    running.stop()


def test_a_tls_server_is_trusted_by_a_client_that_trusts_our_ca(tls_server):
    assert tls_server.base_url.startswith("https://127.0.0.1:")
    response = httpx.get(tls_server.base_url + DISCOVERY, verify=trusting(tls_server.ca))
    assert response.status_code == 200
    assert response.json()["issuer"] == tls_server.base_url + "/default"
    assert response.json()["token_endpoint"].startswith("https://")


def test_a_client_that_does_not_trust_our_ca_refuses_the_tls_server(tls_server):
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(tls_server.base_url + DISCOVERY, verify=ssl.create_default_context())


def test_the_local_certificate_names_the_base_url_host_loopback_and_every_tls_san(tmp_path):
    hosts = certificate_hosts("https://idp.example.test:8443/x", ["mock-idp", "10.0.0.7"])
    files = local_certificate(tmp_path, hosts)
    assert subject_alt_names(files.cert) == {"idp.example.test", "localhost", "127.0.0.1", "::1",
                                             "mock-idp", "10.0.0.7"}
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
    assert cert.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert oct(files.key.stat().st_mode & 0o777) == "0o600"


def test_the_ca_is_made_once_and_a_new_name_gets_a_new_certificate_from_the_same_ca(tmp_path):
    first = local_certificate(tmp_path, certificate_hosts(None, []))
    ca_bytes, cert_bytes = first.ca.read_bytes(), first.cert.read_bytes()
    again = local_certificate(tmp_path, certificate_hosts(None, []))
    assert (again.ca.read_bytes(), again.cert.read_bytes()) == (ca_bytes, cert_bytes)
    widened = local_certificate(tmp_path, certificate_hosts(None, ["mock-idp"]))
    assert widened.ca.read_bytes() == ca_bytes
    assert "mock-idp" in subject_alt_names(widened.cert)


def test_a_certificate_the_user_brings_is_served(tmp_path):
    cert, key = self_signed(tmp_path / "mine")
    running = start_server(SEEDS / "core.yaml", tmp_path / "data", tls_cert=cert, tls_key=key)
    try:
        response = httpx.get(running.base_url.replace("127.0.0.1", "localhost") + DISCOVERY,
                             verify=trusting(cert))
        assert response.status_code == 200
        assert not (tmp_path / "data" / "tls").exists()  # no local CA made for it
    finally:
        running.stop()


def test_mock_idp_ca_prints_the_path_of_the_local_ca(tmp_path):
    result = run_cli("ca", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_absolute() and path == (tmp_path / "data" / "tls" / "ca.pem").resolve()
    assert x509.load_pem_x509_certificate(path.read_bytes()).extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca


@pytest.mark.parametrize("case", ["key of another certificate", "unreadable key", "expired certificate",
                                  "not a certificate", "certificate without key"])
def test_a_bad_certificate_or_key_is_one_line_naming_the_file_and_exit_2(case, tmp_path):
    cert, key = self_signed(tmp_path / "mine")
    other_cert, other_key = self_signed(tmp_path / "other")
    args, named = {
        "key of another certificate": (["--tls-cert", str(cert), "--tls-key", str(other_key)], other_key),
        "unreadable key": (["--tls-cert", str(cert), "--tls-key", str(tmp_path / "missing.pem")],
                           tmp_path / "missing.pem"),
        "expired certificate": (list(self_signed_expired_args(tmp_path)), tmp_path / "old" / "cert.pem"),
        "not a certificate": (["--tls-cert", str(SEEDS / "core.yaml"), "--tls-key", str(key)], SEEDS / "core.yaml"),
        "certificate without key": (["--tls-cert", str(cert)], cert),
    }[case]
    result = CliRunner().invoke(cli, ["serve", "--config", str(SEEDS / "core.yaml"),
                                      "--data-dir", str(tmp_path / "data"), "--port", "1", *args])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"mock-idp: {named}: "), lines[0]
    assert "Traceback" not in result.stderr


def test_a_data_dir_where_the_ca_cannot_be_written_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data dir should be")
    result = CliRunner().invoke(cli, ["ca", "--data-dir", str(blocker)])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mock-idp: {blocker / 'tls'}: cannot write the local CA here")


def self_signed_expired_args(tmp_path: Path):
    cert, key = self_signed(tmp_path / "old", expired=True)
    return ["--tls-cert", str(cert), "--tls-key", str(key)]


def test_serve_tls_on_port_443_prints_the_trust_lines_and_needs_no_insecure_transport(tmp_path):
    host = spare_loopback_address()
    process = subprocess.Popen(
        [MOCK_IDP, "serve", "--config", str(SEEDS / "core.yaml"), "--data-dir", str(tmp_path / "data"),
         "--tls", "--host", host, "--port", "443", "--tls-san", host],
        env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ca = tmp_path / "data" / "tls" / "ca.pem"
    try:
        base = f"https://{host}"  # the default base URL: https, and no port for 443
        wait_until_up(process, base, ca)
        discovery = httpx.get(base + DISCOVERY, verify=trusting(ca)).json()
        assert discovery["issuer"] == f"{base}/default"
        token = httpx.post(discovery["token_endpoint"], verify=trusting(ca), data={"grant_type": "client_credentials"},
                           auth=("demo-service", "demo-service-secret"))
        assert token.status_code == 200, token.text
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=10)
    trust = ca.resolve()
    for line in (f"export SSL_CERT_FILE={trust}", f"export REQUESTS_CA_BUNDLE={trust}",
                 f"export NODE_EXTRA_CA_CERTS={trust}", f"curl --cacert {trust}"):
        assert line in stdout, stdout


def wait_until_up(process: subprocess.Popen, base: str, ca: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"mock-idp serve exited: {process.stderr.read()}")
        try:
            if ca.exists() and httpx.get(base + "/healthz", verify=trusting(ca), timeout=0.5).status_code == 200:
                return
        except (httpx.HTTPError, ssl.SSLError):
            pass
        time.sleep(0.05)
    raise AssertionError("mock-idp serve --tls did not start")


def test_the_healthcheck_of_a_tls_server_trusts_the_local_ca(tls_server, monkeypatch):
    port = tls_server.base_url.rsplit(":", 1)[1]
    monkeypatch.setenv("MOCK_IDP_TLS", "true")
    monkeypatch.setenv("MOCK_IDP_PORT", port)
    monkeypatch.setenv("MOCK_IDP_DATA_DIR", str(tls_server.ca.parent.parent))
    result = CliRunner().invoke(cli, ["healthcheck"])
    assert (result.exit_code, result.stdout.strip()) == (0, "ok"), result.output
