"""The server's half of Cognito's SRP-6a variant (USER_SRP_AUTH, USER_AUTH's PASSWORD_SRP), as the
clients compute the other half: amazon-cognito-identity-js src/AuthenticationHelper.js and
CognitoUser.js (authenticateUserDefaultAuth), Amplify JS v6 packages/auth/src/providers/cognito/
utils/srp/, pycognito aws_srp.py. No library serves this side (pysrp/srptools pad and hash
differently), so the glue is ours; every primitive is a library's: hashlib, hmac, `cryptography`'s
HKDF, Python's pow, `secrets`. Facts and sources: docs/vendors.md, "Cognito's SRP".
"""

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# RFC 5054 Appendix A, the 3072-bit group, g = 2 (AuthenticationHelper.js initN, `this.g`).
N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)
G = 2
INFO = b"Caldera Derived Key"  # AuthenticationHelper.js `infoBits`
MAX_A_DIGITS = 2 * 385  # A < N: 384 bytes, and a sign byte at most (a client's padHex), in hex


def pad_hex(value: int) -> str:
    """AuthenticationHelper.padHex of a non-negative number: hex of even length, "00" in front
    when the first bit is set (Java's BigInteger.toByteArray, a positive number's sign byte)."""
    digits = format(value, "x")
    digits = "0" + digits if len(digits) % 2 else digits
    return "00" + digits if digits[0] in "89abcdef" else digits


def hex_hash(hex_digits: str) -> str:
    """AuthenticationHelper.hexHash: SHA-256 of the bytes the hex spells, in hex."""
    return hashlib.sha256(bytes.fromhex(hex_digits)).hexdigest()


K = int(hex_hash(pad_hex(N) + pad_hex(G)), 16)  # SRP-6a's k = H(N | g), AuthenticationHelper constructor


def public_a(digits: str) -> int | None:
    """The client's SRP_A (AuthenticationHelper.getLargeAValue, `A.toString(16)`), or None for one
    the server must refuse: not hex, longer than N, or A mod N == 0 (SRP-6a's safeguard; the
    client's calculateA refuses the same)."""
    if len(digits) > MAX_A_DIGITS or not re.fullmatch(r"[0-9a-fA-F]+", digits):
        return None
    a = int(digits, 16)
    return a if a % N else None


def challenge(pool_name: str, user_id: str, password: str, a: int) -> tuple[str, str, bytes]:
    """The server's answer to A: (SALT, SRP_B, key), SALT and SRP_B in the hex the clients parse
    (`new BigInteger(SALT, 16)`, pycognito's pad_hex of the string itself: pad_hex's form reads the
    same both ways), and the 16-byte key the client's signature is made with."""
    salt = pad_hex(secrets.randbits(128))  # a random salt per challenge (the mock keeps no verifier)
    # x = H(salt | H(poolName | userId | ":" | password)): getPasswordAuthenticationKey.
    identity = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    v = pow(G, int(hex_hash(salt + identity), 16), N)  # the verifier, v = g^x
    while True:
        # RFC 5054: b "SHOULD be at least 256 bits in length"; no longer, as a pow holds the GIL (and
        # so the event loop) for its whole run, and a 1024-bit b (the clients' a) costs four times as much.
        b = secrets.randbits(256)
        big_b = (K * v + pow(G, b, N)) % N  # SRP-6a: B = k*v + g^b
        u = int(hex_hash(pad_hex(a) + pad_hex(big_b)), 16)  # calculateU: H(A | B)
        if big_b and u:  # the clients refuse B mod N == 0 and u == 0 ("B cannot be zero", "U cannot be zero")
            break
    s = pow(a * pow(v, u, N), b, N)  # SRP-6a: S = (A * v^u)^b
    # computehkdf: HKDF-SHA256 (RFC 5869) of padHex(S), salted with padHex(u), 16 bytes.
    key = HKDF(algorithm=hashes.SHA256(), length=16, salt=bytes.fromhex(pad_hex(u)), info=INFO).derive(
        bytes.fromhex(pad_hex(s)))
    return salt, format(big_b, "x"), key


def signature_matches(key: bytes, pool_name: str, user_id: str, secret_block: bytes, timestamp: str,
                      signature: str) -> bool:
    """PASSWORD_CLAIM_SIGNATURE = Base64(HMAC-SHA256(key, poolName | userId | SECRET_BLOCK's bytes |
    TIMESTAMP)) (CognitoUser.js authenticateUserDefaultAuth, pycognito process_challenge)."""
    message = pool_name.encode() + user_id.encode() + secret_block + timestamp.encode()
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.encode())


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TIMESTAMP = re.compile(r"(?P<weekday>[A-Z][a-z]{2}) (?P<month>[A-Z][a-z]{2}) (?P<day>[1-9]\d?) "
                       r"(?P<time>\d\d:\d\d:\d\d) UTC (?P<year>\d{4})")


def valid_timestamp(timestamp: str) -> bool:
    """DateHelper.getNowString's form, "Tue Dec 8 01:02:03 UTC 2026" (the day unpadded, the weekday
    the date's): AWS refuses "Sep 05" and a wrong weekday (docs/vendors.md, "Cognito's SRP")."""
    found = TIMESTAMP.fullmatch(timestamp)
    if found is None or found["month"] not in MONTHS:
        return False
    hour, minute, second = (int(part) for part in found["time"].split(":"))
    try:  # month names matched here, not by strptime's %b (the locale's)
        moment = datetime(int(found["year"]), MONTHS.index(found["month"]) + 1, int(found["day"]),
                          hour, minute, second)
    except ValueError:
        return False
    return WEEKDAYS[moment.weekday()] == found["weekday"]
