"""Logging that keeps credentials out: the access log shows no code, token or id_token_hint
from a query string (they travel there in implicit flows, logout URLs and bad clients)."""

import logging
import re

SECRET_PARAMETERS = ("code", "id_token_hint", "id_token", "access_token", "refresh_token", "token",
                     "client_secret", "password", "device_code", "code_verifier", "logout_hint")
SECRET_QUERY = re.compile(r"([?&](?:%s)=)[^&#\s]*" % "|".join(SECRET_PARAMETERS))


def redact(text: str) -> str:
    return SECRET_QUERY.sub(r"\1redacted", text)


class RedactQueryStrings(logging.Filter):
    """uvicorn's access log passes the path with its query as an argument: redact it there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) and "=" in arg else arg
                                for arg in record.args)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQueryStrings) for f in access.filters):
        access.addFilter(RedactQueryStrings())
