"""The SAML URLs under malformed and random input: never a 5xx, never a stack trace (the
project's fuzz cases of tests/test_fuzz.py, and random SAML messages)."""

import base64
import zlib
from urllib.parse import quote_plus

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import HEADERS, MALFORMED_BODIES, MALFORMED_QUERIES, assert_handled

PATHS = ["/okta/app/pysaml2/exk1pysaml2/sso/saml", "/okta/app/pysaml2/exk1pysaml2/sso/saml/login",
         "/okta/app/pysaml2/exk1pysaml2/slo/saml", "/okta/app/pysaml2/exk1pysaml2/sso/saml/metadata",
         "/okta/app/python3saml/exk1python3saml/slo/saml", "/okta/app/nothing/exk1/sso/saml/x"]


@pytest.fixture
def saml_client(app_factory):
    return app_factory(SEEDS / "saml.yaml")


@pytest.mark.parametrize("query", MALFORMED_QUERIES + ["SAMLRequest=%00", "SAMLQuery=SAMLRequest%3D%25",
                                                       "SAMLRequest=a&SigAlg=x&Signature=%%%"])
def test_malformed_queries(saml_client, query):
    for path in PATHS:
        assert_handled(saml_client.get(f"{path}?{query}"))


@pytest.mark.parametrize("content_type, body", MALFORMED_BODIES + [
    ("application/x-www-form-urlencoded", b"SAMLRequest=%FF%FE&RelayState=%00"),
    ("application/x-www-form-urlencoded", b"SAMLQuery=SAMLRequest%3D!!&username=alice&password=x"),
    ("application/x-www-form-urlencoded", b"SAMLRequest=PD94&mock_idp_bounced=1"),
])
def test_malformed_bodies(saml_client, content_type, body):
    headers = {"Content-Type": content_type} if content_type else {}
    for path in PATHS:
        assert_handled(saml_client.post(path, content=body, headers=headers))


@pytest.mark.parametrize("headers", HEADERS)
def test_malformed_headers(saml_client, headers):
    for path in PATHS:
        assert_handled(saml_client.get(path, headers=headers))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(xml=st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(str.encode),
                     st.sampled_from([b"<samlp:AuthnRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>",
                                      b"<a xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><ds:Signature/></a>"])),
       deflate=st.booleans(), post=st.booleans())
def test_random_saml_messages(saml_client, xml, deflate, post):
    if deflate:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        xml = compressor.compress(xml) + compressor.flush()
    message = base64.b64encode(xml).decode()
    for path in PATHS[2:4] + PATHS[:1]:
        if post:
            assert_handled(saml_client.post(path, data={"SAMLRequest": message, "mock_idp_bounced": "1"}))
        else:
            assert_handled(saml_client.get(f"{path}?SAMLRequest={quote_plus(message)}"))
