"""Apache httpd with mod_auth_mellon (Debian's, on lasso and xmlsec) protecting a page: the SP
signs its AuthnRequests, checks our signatures, Destination, Recipient and Audience itself, and
hands the attributes to the page (here: as response headers). SP-initiated sign-in through our
login form, IdP-initiated sign-in from the launch URL, department and groups reach the page, SLO
ends both sessions, and a tampered response signs no one in."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import free_port, start_server, stop_process

from .conftest import key_pair
from .saml_support import auto_post, decoded, encoded, sign_in

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
CONFIG = """\
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
LogLevel warn auth_mellon:info
User nobody
Group nogroup
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule auth_mellon_module {modules}/mod_auth_mellon.so
DocumentRoot {root}/www
<Directory {root}/www>
  Require all granted
</Directory>
<Location />
  MellonEndpointPath /mellon
  MellonSPentityId "{base}/mellon/metadata"
  MellonSPPrivateKeyFile {root}/sp-key.pem
  MellonSPCertFile {root}/sp.pem
  MellonIdPMetadataFile {root}/idp-metadata.xml
  MellonSecureCookie Off
</Location>
<Location /protected>
  AuthType Mellon
  MellonEnable auth
  Require valid-user
  Header always set X-Department "%{{MELLON_department}}e"
  Header always set X-Groups "%{{MELLON_groups}}e"
  Header always set X-Name-Id "%{{MELLON_NAME_ID}}e"
</Location>
"""


def apache_with_mellon() -> bool:
    return Path(APACHE).exists() and (MODULES / "mod_auth_mellon.so").exists()


@pytest.fixture(scope="module")
def mellon(tmp_path_factory, saml_seed):
    """An okta tenant whose app is this Apache's mellon SP, and the Apache, on a free port."""
    if not apache_with_mellon():
        message = "apache2 and libapache2-mod-auth-mellon (Debian) are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    certificate, key = key_pair("mellon SP")
    seed = yaml.safe_load(saml_seed.read_text())
    seed["tenants"]["okta"]["saml_apps"].append({
        "app_id": "exk1mellon", "name": "mellon", "sp_entity_id": f"{base}/mellon/metadata",
        "acs_url": f"{base}/mellon/postResponse", "slo_url": f"{base}/mellon/logout", "sp_certificate": certificate,
        "name_id_format": "emailAddress", "name_id": "email",
        "attributes": {"department": "department"}, "group_attribute": {"name": "groups", "filter": "IT"}})
    path = tmp_path_factory.mktemp("mellon-seed") / "saml.yaml"
    path.write_text(yaml.safe_dump(seed, sort_keys=False))
    idp = start_server(path, tmp_path_factory.mktemp("mellon-data"))
    okta = idp.tenant_url("/okta")
    # Apache drops root for `nobody`, who must read its files: a folder of its own, readable.
    root = Path(tempfile.mkdtemp(prefix="mock-idp-mellon-"))
    root.chmod(0o755)
    (root / "www" / "protected").mkdir(parents=True)
    (root / "www" / "protected" / "page.html").write_text("<p>protected</p>")
    (root / "sp.pem").write_text(certificate)
    (root / "sp-key.pem").write_text(key)  # a throw-away test key
    (root / "idp-metadata.xml").write_bytes(httpx.get(okta + "/app/mellon/exk1mellon/sso/saml/metadata").content)
    (root / "httpd.conf").write_text(CONFIG.format(root=root, port=port, modules=MODULES, base=base))
    for file in root.rglob("*"):
        file.chmod(0o755 if file.is_dir() else 0o644)
    apache = subprocess.Popen([APACHE, "-d", str(root), "-f", str(root / "httpd.conf"), "-DFOREGROUND"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while True:
        try:
            httpx.get(base + "/", timeout=1)
            break
        except httpx.HTTPError:
            if apache.poll() is not None or time.monotonic() > deadline:
                log = (root / "error.log").read_text() if (root / "error.log").exists() else ""
                stop_process(apache)
                pytest.fail(f"apache2 did not start:\n{log[-3000:]}")
            time.sleep(0.1)
    yield {"okta": okta, "base": base, "root": root}
    stop_process(apache)
    idp.stop()
    shutil.rmtree(root, ignore_errors=True)


def test_sp_initiated_sign_in_reaches_the_protected_page_with_department_and_groups(mellon):
    with httpx.Client(timeout=10) as browser:
        to_us = to_the_idp(browser, mellon)
        assert to_us.startswith(mellon["okta"] + "/app/mellon/exk1mellon/sso/saml?SAMLRequest=")
        assert "&Signature=" in to_us  # mellon signs its requests; the app checks them
        action, fields = auto_post(sign_in(browser, browser.get(to_us)))
        assert action == mellon["base"] + "/mellon/postResponse"
        landed = browser.post(action, data=fields)
        assert landed.status_code in (302, 303), (landed.status_code, landed.text[:500], log(mellon))
        page = browser.get(mellon["base"] + "/protected/page.html")
    assert page.status_code == 200 and "protected" in page.text, log(mellon)
    assert page.headers["x-department"] == "IT" and page.headers["x-groups"] == "IT"
    assert page.headers["x-name-id"] == "alice@example.com"


def test_idp_initiated_sign_in_from_the_launch_url_lands_on_the_relay_state_page(mellon):
    target = mellon["base"] + "/protected/page.html"
    with httpx.Client(timeout=10) as browser:
        launch = browser.get(mellon["okta"] + "/app/mellon/exk1mellon/sso/saml", params={"RelayState": target})
        action, fields = auto_post(sign_in(browser, launch))
        landed = browser.post(action, data=fields)
        assert landed.status_code in (302, 303) and landed.headers["location"] == target, \
            (landed.status_code, landed.text[:300], log(mellon))
        page = browser.get(target)
    assert page.status_code == 200 and page.headers["x-department"] == "IT"


def test_single_logout_from_the_sp_ends_its_session_and_ours(mellon):
    with httpx.Client(timeout=10) as browser:
        action, fields = auto_post(sign_in(browser, browser.get(to_the_idp(browser, mellon))))
        browser.post(action, data=fields)
        assert browser.get(mellon["base"] + "/protected/page.html").status_code == 200
        to_us = browser.get(mellon["base"] + "/mellon/logout?ReturnTo=/logged-out")
        assert to_us.status_code in (302, 303), (to_us.status_code, to_us.text[:300], log(mellon))
        assert to_us.headers["location"].startswith(mellon["okta"] + "/app/mellon/exk1mellon/slo/saml?SAMLRequest=")
        action, fields = auto_post(browser.get(to_us.headers["location"]))
        assert action == mellon["base"] + "/mellon/logout"
        back = browser.post(action, data=fields)
        assert back.status_code in (302, 303) and back.headers["location"].endswith("/logged-out"), \
            (back.status_code, back.text[:300], log(mellon))
        # Signed out at the SP, and at the IdP: the next sign-in shows our form.
        assert 'id="login-form"' in browser.get(to_the_idp(browser, mellon)).text


def test_a_tampered_response_signs_no_one_in(mellon):
    with httpx.Client(timeout=10) as browser:
        to_us = to_the_idp(browser, mellon)
        action, fields = auto_post(sign_in(browser, browser.get(to_us)))
        xml = decoded(fields["SAMLResponse"])
        changed = xml.replace(">IT</saml2:AttributeValue>", ">Finance</saml2:AttributeValue>", 1)
        fields["SAMLResponse"] = encoded(changed)
        refused = browser.post(action, data=fields)
        assert refused.status_code >= 400, (refused.status_code, refused.text[:300])
        assert "Failed to verify signature" in log(mellon)
        page = browser.get(mellon["base"] + "/protected/page.html")
    assert page.status_code in (302, 303)  # still not signed in: off to the IdP again


def to_the_idp(browser: httpx.Client, mellon) -> str:
    """The protected page -> mellon's /mellon/login -> our SSO URL: the last URL."""
    asked = browser.get(mellon["base"] + "/protected/page.html")
    assert asked.status_code in (302, 303), (asked.status_code, asked.text[:500])
    login = browser.get(asked.headers["location"])
    assert login.status_code in (302, 303), (login.status_code, login.text[:500], log(mellon))
    return login.headers["location"]


def log(mellon) -> str:
    return (mellon["root"] / "error.log").read_text()[-3000:]
