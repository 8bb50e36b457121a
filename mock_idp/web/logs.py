"""Logging that keeps credentials out and cannot be forged: the access log shows no code, token or
id_token_hint from a query string (they travel there in implicit flows, logout URLs and bad
clients), and no value from a request writes a control character into a text log (a newline in a
client_id or a %0A in a path would start a line of the caller's choosing)."""

import logging
import re
import traceback

SECRET_PARAMETERS = ("code", "id_token_hint", "id_token", "access_token", "refresh_token", "token",
                     "client_secret", "password", "device_code", "code_verifier", "logout_hint")
SECRET_QUERY = re.compile(r"([?&](?:%s)=)[^&#\s]*" % "|".join(SECRET_PARAMETERS))


# C0 and C1 controls, DEL, and the Unicode line and paragraph separators (lines to some viewers).
CONTROL = re.compile(r"[\\\x00-\x1f\x7f-\x9f\u2028\u2029]")
ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def redact(text: str) -> str:
    return SECRET_QUERY.sub(r"\1redacted", text)


def escape(text: str) -> str:
    """`text` with every control character written as a backslash escape (and backslash doubled,
    so an escape in the log always means an escaped character)."""
    return CONTROL.sub(_escaped, text) if CONTROL.search(text) else text


def _escaped(match: re.Match) -> str:
    char = match.group()
    return ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def field(value) -> str:
    """One value of a text log line: escaped, and quoted when it has a space or a quote (so no
    value can pose as the next key=value)."""
    text = escape(str(value))
    if not text or " " in text or '"' in text:
        return '"' + text.replace('"', '\\"') + '"'
    return text


class EscapeArguments(logging.Filter):
    """Our own log messages' string arguments (a request's path, its method) are escaped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(escape(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


class RedactQueryStrings(logging.Filter):
    """uvicorn's access log passes the path with its query as an argument: redact it there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(escape(redact(arg) if "=" in arg else arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


# PostgreSQL's DETAIL line of an error names the row's values ("Key (id)=(...) already exists",
# "Failing row contains (...)"): SQLAlchemy's hide_parameters keeps the statement's parameters out
# of its own text, not out of the driver's message.
DATABASE_DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)


class HideDatabaseValues(logging.Filter):
    """A logged exception's traceback is written without the database's DETAIL lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if "DETAIL:" in text:
                record.exc_text = DATABASE_DETAIL.sub("DETAIL:  (values hidden)", text)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQueryStrings) for f in access.filters):
        access.addFilter(RedactQueryStrings())
    ours = logging.getLogger("mock_idp")
    if not any(isinstance(f, EscapeArguments) for f in ours.filters):
        ours.addFilter(EscapeArguments())
        ours.addFilter(HideDatabaseValues())
