"""USER_SRP_AUTH under a flood: each InitiateAuth with SRP_A costs the server three 3072-bit modular
powers and needs no credentials, so a client (or a page of the pool's origins) firing many at once
must get Cognito's TooManyRequestsException ("Rate exceeded") past the server's turns
(personas/cognito/srp_slots.py), never hold every worker thread or the event loop; and the SDKs'
ordinary parallel sign-ins still succeed. Over HTTP (a browser cannot fire more than its connection
limit at one host): httpx's async client for the flood, pycognito for the sign-ins."""

import asyncio
import time

import httpx
import pytest
from boto3 import client as boto3_client
from botocore.config import Config
from concurrent.futures import ThreadPoolExecutor
from conftest import start_server
from pycognito.aws_srp import AWSSRP

POOL, CLIENT, PASSWORD = "us-east-1_SrpLoad", "srp-app", "Alice-pass-1!"
SEED = f"""tenants:
  {POOL}:
    flavor: cognito
    clients:
      - {{client_id: {CLIENT}, redirect_uris: ['https://app.example.com/callback']}}
    users:
      - {{username: alice, password: '{PASSWORD}'}}
"""
FLOOD = 40
KEYS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cognito-srp-load")
    (folder / "seed.yaml").write_text(SEED)
    running = start_server(folder / "seed.yaml", folder / "data")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def idp(server):
    return boto3_client("cognito-idp", region_name="us-east-1", endpoint_url=server.tenant_url(f"/{POOL}"),
                        config=Config(retries={"max_attempts": 1}), **KEYS)


def srp_a(idp) -> str:
    return AWSSRP("alice", PASSWORD, POOL, CLIENT, client=idp).get_auth_params()["SRP_A"]


async def flood(server, body: bytes) -> tuple[list[httpx.Response], float]:
    """FLOOD InitiateAuth calls at once, and how long /healthz took, asked while they run."""
    headers = {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
               "Content-Type": "application/x-amz-json-1.1"}
    limits = httpx.Limits(max_connections=FLOOD + 1)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        async def healthz() -> float:
            await asyncio.sleep(0.1)
            started = time.monotonic()
            assert (await http.get(server.base_url + "/healthz")).status_code == 200
            return time.monotonic() - started
        calls = [http.post(server.tenant_url(f"/{POOL}"), content=body, headers=headers) for _ in range(FLOOD)]
        *answers, waited = await asyncio.gather(*calls, healthz())
    return answers, waited


# "SRP_\u0041" is JSON for "SRP_A": the server chose the thread for the work by the body's bytes, so
# such calls computed their challenges on the event loop, one after the other, with nothing else served.
@pytest.mark.parametrize("key", ["SRP_A", "SRP_\\u0041"])
def test_a_flood_of_srp_sign_ins_is_rate_exceeded_past_the_servers_turns(server, idp, key):
    body = ('{"ClientId": "%s", "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "alice", "%s": "%s"}}'
            % (CLIENT, key, srp_a(idp))).encode()
    answers, healthz = asyncio.run(flood(server, body))

    kinds = [answer.json().get("ChallengeName") or answer.json()["__type"] for answer in answers]
    assert set(kinds) == {"PASSWORD_VERIFIER", "TooManyRequestsException"}, kinds  # before: all 40 computed
    throttled = [answer for answer in answers if answer.status_code == 400]
    assert all(answer.json() == {"__type": "TooManyRequestsException", "message": "Rate exceeded"}
               and answer.headers["x-amzn-errortype"] == "TooManyRequestsException" for answer in throttled)
    # The rest of the server kept answering (before: 1.4-1.5 s here, 40 challenges computed; after: under 0.1 s).
    assert healthz < 2.0, f"/healthz took {healthz:.2f} s during the flood"


def test_a_few_parallel_srp_sign_ins_all_wait_their_turn_and_succeed(server, idp):
    """Normal use: an SDK's few sign-ins at once queue for their turn, none is refused (and an SDK
    would retry one that was: botocore counts TooManyRequestsException as throttling)."""
    def sign_in(_):
        return AWSSRP("alice", PASSWORD, POOL, CLIENT, client=idp).authenticate_user()["AuthenticationResult"]

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(sign_in, range(6)))
    assert all(result["IdToken"] for result in results)
