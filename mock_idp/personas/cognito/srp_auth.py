"""USER_SRP_AUTH, the default of amazon-cognito-identity-js, Amplify JS and pycognito: InitiateAuth
(or AdminInitiateAuth, or USER_AUTH's PASSWORD_SRP: choice_auth.py) with SRP_A is answered by the
PASSWORD_VERIFIER challenge; RespondToAuthChallenge PASSWORD_VERIFIER checks the signature (srp.py)
and goes on as USER_PASSWORD_AUTH does after a right password (password_auth.proven).

The challenge's state (the key, the user, the app client) is a sign-in token row keyed by the
SECRET_BLOCK, one use, as long as a challenge session lives: AWS's PASSWORD_VERIFIER answer has no
Session and pycognito answers without one, so the block is the handle (docs/vendors.md, "Cognito's SRP").
"""

import base64
import binascii
import secrets

from . import srp
from .errors import CognitoError, not_authorized
from .parameters import app_client, client_metadata, required, string_map
from .password_auth import proven, signing_in_user
from .pre_token_generation import pool_id
from .srp_slots import srp_slot
from ...endpoints.sso import record_signin_token
from ...oauth.tokens import token_hash

WRONG = "Incorrect username or password."


def pool_name(tenant) -> str:
    """The pool id's part after "_" (CognitoUserPool.getUserPoolName: `UserPoolId.split('_')[1]`),
    the pool id being the tenant URL's last segment (`us-east-1_AbC123`, else the tenant's name)."""
    pool = pool_id(tenant.issuers[0])
    return pool.split("_")[1] if "_" in pool else pool


def secret_block_token(client, block: str) -> str:
    """The row's token (kept hashed): the block, for this app client, never another challenge's Session."""
    return f"PASSWORD_VERIFIER\n{client.client_id}\n{block}"


def srp_auth(tenant, client, parameters: dict) -> dict:
    """InitiateAuth USER_SRP_AUTH: USERNAME, SRP_A (and SECRET_HASH for a client with a secret)."""
    username, digits = required(parameters, "USERNAME"), required(parameters, "SRP_A")
    user = signing_in_user(tenant, client, parameters, username)
    a = srp.public_a(digits)
    if a is None:
        raise CognitoError("InvalidParameterException", "Invalid SRP_A value.")
    with srp_slot():  # bounded: srp_slots.py
        salt, big_b, key = srp.challenge(pool_name(tenant), user.username, user.password, a)
    block = base64.b64encode(secrets.token_bytes(96)).decode()
    record_signin_token(tenant, secret_block_token(client, block), user, challenge_key=key.hex())
    # USER_ID_FOR_SRP and USERNAME: the user's own name, whatever name (an e-mail alias) signed in.
    return {"ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {"SALT": salt, "SRP_B": big_b, "SECRET_BLOCK": block,
                                    "USER_ID_FOR_SRP": user.username, "USERNAME": user.username}}


def password_verifier(tenant, request: dict) -> dict:
    """RespondToAuthChallenge PASSWORD_VERIFIER: PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK,
    TIMESTAMP, USERNAME (and SECRET_HASH). The block is spent whatever the answer."""
    client = app_client(tenant, request.get("ClientId"))
    metadata = client_metadata(request)
    responses = string_map(request.get("ChallengeResponses") or {}, "ChallengeResponses")
    username = required(responses, "USERNAME")
    signature, block = required(responses, "PASSWORD_CLAIM_SIGNATURE"), required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    timestamp = required(responses, "TIMESTAMP")
    user = signing_in_user(tenant, client, responses, username)
    row = tenant.store.redeem_signin_token(token_hash(secret_block_token(client, block)), tenant.now())
    if row is None or row.tenant != tenant.name or row.username != user.username or not row.challenge_key:
        raise not_authorized(WRONG)  # not this server's block, or spent, or expired, or another user's
    try:
        block_bytes = base64.b64decode(block, validate=True)
    except binascii.Error:
        raise not_authorized(WRONG) from None
    correct = srp.valid_timestamp(timestamp) and srp.signature_matches(
        bytes.fromhex(row.challenge_key), pool_name(tenant), user.username, block_bytes, timestamp, signature)
    return proven(tenant, client, user, correct, client_metadata=metadata)
