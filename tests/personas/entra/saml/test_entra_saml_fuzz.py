"""Entra's SAML URLs under the project's malformed input (tests/test_fuzz.py) and random SAML
messages: never a 5xx, never a stack trace; a refusal is Entra's AADSTS page."""

import base64
import zlib
from urllib.parse import quote_plus

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import HEADERS, MALFORMED_BODIES, MALFORMED_QUERIES, assert_handled

from .conftest import TID

SAML2 = f"/entra/{TID}/saml2"
LAUNCH = "/entra/api/signin/7a1f0c2e-0000-4000-8000-0000000005a1"
METADATA = f"/entra/{TID}/federationmetadata/2007-06/federationmetadata.xml"


@pytest.fixture
def entra_client(app_factory):
    return app_factory(SEEDS / "entra_saml.yaml")


def test_malformed_queries_bodies_and_headers(entra_client):
    for query in [*MALFORMED_QUERIES, "SAMLRequest=%00", "appid=%FF", "SAMLQuery=SAMLRequest%3D%25"]:
        for path in (SAML2, LAUNCH, METADATA):
            assert_handled(entra_client.get(f"{path}?{query}"))
    for content_type, body in [*MALFORMED_BODIES, ("application/x-www-form-urlencoded", b"SAMLRequest=%FF%FE")]:
        for path in (SAML2, SAML2 + "/login", LAUNCH + "/login"):
            assert_handled(entra_client.post(path, content=body,
                                             headers={"Content-Type": content_type} if content_type else {}))
    for headers in HEADERS:
        assert_handled(entra_client.get(SAML2, headers=headers))


# Any bytes, any text, and the two requests the URL takes, empty.
MESSAGES = st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(str.encode),
                     st.sampled_from([b"<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>",
                                      b"<samlp:AuthnRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(xml=MESSAGES)
def test_random_saml_messages_get_entras_page(entra_client, xml):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    for message in (xml, compressor.compress(xml) + compressor.flush()):  # as posted, as redirected
        answer = entra_client.get(f"{SAML2}?SAMLRequest={quote_plus(base64.b64encode(message).decode())}")
        assert_handled(answer)
        assert answer.status_code == 400 and "AADSTS" in answer.text, answer.text[:500]
