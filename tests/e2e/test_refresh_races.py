"""Refresh token rotation under concurrent requests, as Okta and Auth0 rule it (docs/vendors.md,
"Refresh token rotation under concurrency"): many refreshes at once against `mock-idp serve
--workers 2` (two processes, one database), on SQLite and on a real PostgreSQL. Whatever order the
requests land in, the outcome is one the vendor's rule allows for SOME serial order of them: no
more successes than it allows, the grant ended where a refresh token is really reused, and never
two live refresh tokens in one grant (so never two live successors of one parent)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
import yaml
from sqlalchemy import create_engine
from sqlmodel import Session, select

from mock_idp.storage.models import IssuedToken

from .test_durability import Serve

pytest_plugins = ["pg_support"]  # postgres_url: a database of this run, on a real PostgreSQL
AT_ONCE = 12  # requests released together per race
PEOPLE = [{"username": "alice", "password": "alice-password", "claims": {"email": "alice@example.com"}}]
SIGN_IN = {"grant_type": "password", "username": "alice", "password": "alice-password",
           "scope": "openid offline_access"}
SEED = {"tenants": {
    "race-okta": {"flavor": "okta", "users": PEOPLE, "clients": [
        # A public client: Okta's SPA default, ROTATE with a 30 s grace period.
        {"client_id": "okta-spa", "grant_types": ["password", "refresh_token"], "response_types": []},
        {"client_id": "okta-strict", "client_secret": "okta-strict-secret", "response_types": [],
         "grant_types": ["password", "refresh_token"], "refresh_token": {"rotation_type": "ROTATE", "leeway": 0}},
    ]},
    "race-auth0": {"flavor": "auth0", "users": PEOPLE, "clients": [
        {"client_id": "auth0-rotating", "client_secret": "auth0-rotating-secret", "response_types": [],
         "grant_types": ["password", "refresh_token"], "token_endpoint_auth_method": "client_secret_post",
         "refresh_token": {"rotation_type": "rotating", "leeway": 30}},
        {"client_id": "auth0-strict", "client_secret": "auth0-strict-secret", "response_types": [],
         "grant_types": ["password", "refresh_token"], "token_endpoint_auth_method": "client_secret_post",
         "refresh_token": {"rotation_type": "rotating"}},  # leeway 0, Auth0's default
    ]},
}}


@dataclass(frozen=True)
class Persona:
    token_path: str
    with_grace: str  # a client whose used refresh token stays usable for a while
    without_grace: str  # one whose used refresh token dies at once
    refused: int  # the status of invalid_grant
    previous_only: bool  # within the grace, only the token just rotated (Auth0)
    basic_auth: bool  # the secret in the Authorization header (Okta's default), else in the form

    def token(self, http: httpx.Client, base: str, client: str, **form) -> httpx.Response:
        url = base + self.token_path
        if client == "okta-spa":  # public: no secret
            return http.post(url, data={**form, "client_id": client})
        if self.basic_auth:
            return http.post(url, auth=(client, f"{client}-secret"), data=form)
        return http.post(url, data={**form, "client_id": client, "client_secret": f"{client}-secret"})


PERSONAS = {
    "okta": Persona("/race-okta/oauth2/v1/token", "okta-spa", "okta-strict", 400, previous_only=False,
                    basic_auth=True),
    "auth0": Persona("/race-auth0/oauth/token", "auth0-rotating", "auth0-strict", 403, previous_only=True,
                     basic_auth=False),
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request, tmp_path_factory):
    """`mock-idp serve --workers 2` on the backend, and the database URL to look at it with."""
    folder = tmp_path_factory.mktemp(f"races-{request.param}")
    (folder / "seed.yaml").write_text(yaml.safe_dump(SEED))
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        env = {"MOCK_IDP_DATABASE_URL": url}
    else:
        url, env = f"sqlite:///{folder / 'data' / 'mock_idp.db'}", {}
    server = Serve(folder / "data", "--workers", "2", config=folder / "seed.yaml", env=env)
    engine = create_engine(url)
    yield server, engine
    engine.dispose()
    server.stop()


@pytest.fixture(params=sorted(PERSONAS))
def persona(request) -> Persona:
    return PERSONAS[request.param]


def signed_in(served, persona: Persona, client: str) -> str:
    server, _ = served
    with httpx.Client(timeout=20) as http:
        answer = persona.token(http, server.base, client, **SIGN_IN)
    assert answer.status_code == 200, answer.text
    return answer.json()["refresh_token"]


def refresh(served, persona: Persona, client: str, token: str) -> httpx.Response:
    with httpx.Client(timeout=20) as http:
        return persona.token(http, served[0].base, client, grant_type="refresh_token", refresh_token=token)


def race(served, persona: Persona, client: str, tokens: list[str]) -> list[httpx.Response]:
    """One refresh per token, each on a connection of its own (the two workers share them out),
    all released at once."""
    start = threading.Barrier(len(tokens))

    def one(token: str) -> httpx.Response:
        with httpx.Client(timeout=20) as http:
            start.wait(timeout=20)
            return persona.token(http, served[0].base, client, grant_type="refresh_token", refresh_token=token)

    with ThreadPoolExecutor(len(tokens)) as pool:
        return list(pool.map(one, tokens))


def live_refresh_tokens(served, token: str) -> set[str]:
    """The refresh tokens of `token`'s grant that would still be taken, read in the database."""
    with Session(served[1]) as session:
        grant = session.exec(select(IssuedToken.grant_id).where(IssuedToken.refresh_token == token)).one()
        rows = session.exec(select(IssuedToken).where(IssuedToken.grant_id == grant)).all()
    return {row.refresh_token for row in rows if row.refresh_token and not (row.revoked or row.refresh_revoked)}


def outcomes(answers: list[httpx.Response], persona: Persona) -> tuple[list[str], int]:
    """The refresh tokens the successes gave, and how many were refused as invalid_grant."""
    for answer in answers:
        assert answer.status_code in (200, persona.refused), answer.text  # never a 500
    given = [answer.json()["refresh_token"] for answer in answers if answer.status_code == 200]
    refused = [answer for answer in answers if answer.status_code == persona.refused]
    assert all(answer.json()["error"] == "invalid_grant" for answer in refused)
    return given, len(refused)


def test_retries_of_one_token_at_once_within_the_grace_all_succeed_and_leave_one_live_token(served, persona):
    first = signed_in(served, persona, persona.with_grace)

    given, refused = outcomes(race(served, persona, persona.with_grace, [first] * AT_ONCE), persona)

    # Each is a retry of the previous token within the grace: each gets a new token...
    assert (len(set(given)), refused) == (AT_ONCE, 0)
    # ...and the latest replaces the one before it: one token of the grant is live, and it works.
    live = live_refresh_tokens(served, first)
    assert len(live) == 1 and live <= set(given)
    assert refresh(served, persona, persona.with_grace, live.pop()).status_code == 200


def test_uses_of_one_token_at_once_without_a_grace_let_one_through_and_end_the_grant(served, persona):
    first = signed_in(served, persona, persona.without_grace)

    given, refused = outcomes(race(served, persona, persona.without_grace, [first] * AT_ONCE), persona)

    # One rotation; every other use is a reuse of a retired token: the whole family is revoked,
    # the token the one success gave included.
    assert (len(given), refused) == (1, AT_ONCE - 1)
    assert live_refresh_tokens(served, first) == set()
    assert refresh(served, persona, persona.without_grace, given[0]).status_code == persona.refused


def test_the_token_before_last_racing_the_last_one_never_leaves_two_live_tokens(served, persona):
    first = signed_in(served, persona, persona.with_grace)
    answer = refresh(served, persona, persona.with_grace, first)
    assert answer.status_code == 200, answer.text
    second = answer.json()["refresh_token"]

    given, refused = outcomes(race(served, persona, persona.with_grace, [first, second] * (AT_ONCE // 2)), persona)

    live = live_refresh_tokens(served, first)
    assert len(live) <= 1 and live <= set(given)
    if persona.previous_only:
        # Auth0: once `second` is rotated, `first` is the second-to-last token; once `first` is
        # rotated again, `second` is a superseded one. Either way some use is a reuse: the family ends.
        assert refused and live == set()
    else:
        # Okta: every token retired within the grace may be retried; a refusal (a use of a token
        # superseded by another's retry) ends the grant.
        assert live == set() if refused else len(live) == 1
