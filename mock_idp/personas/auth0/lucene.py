"""The subset of Lucene query syntax people send as `q` to Auth0's GET /api/v2/users (user search
v3): `field:value`, `field:"quoted value"`, wildcards (`email:*@example.com`, `name:jo*`),
ranges (`created_at:[2024-01-01 TO *]`, `{a TO b}` exclusive), `_exists_:field`, AND / OR / NOT
(juxtaposition is OR, as in Lucene), parentheses. Fields are dotted paths into the user as the API
shows it (`user_metadata.plan`, `identities.connection`). Strings compare case-insensitively.

`predicate(q, fields_of)`: a function of a user, where `fields_of(user)` is the user's JSON;
malformed input raises QueryError.
"""

import fnmatch
import re
from collections.abc import Callable
from typing import Any

TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))')
BARE_FIELDS = ("email", "name", "nickname", "username", "user_id", "given_name", "family_name")
MAX_LENGTH = 2000
MAX_DEPTH = 32


class QueryError(ValueError):
    pass


def tokens(text: str) -> list[tuple[str, str]]:
    found, position, text = [], 0, text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryError(f"unexpected character at {position}")
        position = match.end()
        if match.group(1):
            found.append(("(", "("))
        elif match.group(2):
            found.append((")", ")"))
        elif match.group(3) is not None:
            found.append(("quoted", re.sub(r"\\(.)", r"\1", match.group(3))))
        else:
            found.append(("word", match.group(4)))
    return found


def predicate(q: str, fields_of: Callable[[Any], dict]) -> Callable[[Any], bool]:
    if len(q) > MAX_LENGTH:
        raise QueryError("query too long")
    parser = Parser(tokens(q))
    test = parser.disjunction()
    if parser.position != len(parser.tokens):
        raise QueryError("unbalanced parentheses")
    return lambda user: test(fields_of(user))


class Parser:
    def __init__(self, found):
        self.tokens, self.position, self.depth = found, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1] in words:
            self.position += 1
            return token[1]
        return None

    def disjunction(self):
        parts = [self.conjunction()]
        while self.peek() is not None and self.peek()[0] != ")":
            self.keyword("OR", "||")
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda user: any(part(user) for part in parts))

    def conjunction(self):
        parts = [self.negation()]
        while self.keyword("AND", "&&"):
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else (lambda user: all(part(user) for part in parts))

    def negation(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:  # nesting, not length, is what would exhaust the stack
            raise QueryError("query nested too deeply")
        try:
            if self.keyword("NOT", "!"):
                inner = self.negation()
                return lambda user: not inner(user)
            return self.term()
        finally:
            self.depth -= 1

    def term(self):
        token = self.peek()
        if token is None:
            raise QueryError("unexpected end of the query")
        self.position += 1
        if token[0] == "(":
            inner = self.disjunction()
            if self.peek() is None or self.peek()[0] != ")":
                raise QueryError("missing )")
            self.position += 1
            return inner
        if token[0] == ")":
            raise QueryError("unexpected )")
        if token[0] == "word" and ":" in token[1]:
            field, _, value = token[1].partition(":")
            if not field:
                raise QueryError("a field name is missing")
            quoted = not value and self.peek() is not None and self.peek()[0] == "quoted"
            if quoted:
                value = self.tokens[self.position][1]
                self.position += 1
            elif not value:
                raise QueryError(f"no value for {field}")
            if field == "_exists_":
                return lambda user: lookup(user, value) not in (None, "", [], {})
            if not quoted and value[0] in "[{":
                low, high = self.range_bounds(value)
                return lambda user: in_range(lookup(user, field), low, high)
            return lambda user: matches(lookup(user, field), value, wildcard=not quoted)
        value, quoted = token[1], token[0] == "quoted"
        return lambda user: any(matches(user.get(name), value, wildcard=not quoted) for name in BARE_FIELDS)


    def range_bounds(self, opening: str) -> tuple[tuple[str, bool], tuple[str, bool]]:
        """`[low TO high]` (inclusive) or `{low TO high}` (exclusive), `*` unbounded:
        ((low, inclusive), (high, inclusive))."""
        if not self.keyword("TO"):
            raise QueryError("a range needs TO")
        closing = self.peek()
        if closing is None or closing[0] != "word" or closing[1][-1] not in "]}":
            raise QueryError("a range needs ] or }")
        self.position += 1
        return (opening[1:], opening[0] == "["), (closing[1][:-1], closing[1][-1] == "]")


def in_range(actual: Any, low: tuple[str, bool], high: tuple[str, bool]) -> bool:
    if isinstance(actual, list):
        return any(in_range(one, low, high) for one in actual)
    if actual is None or isinstance(actual, bool):
        return False
    for (bound, inclusive), sign in ((low, 1), (high, -1)):
        if bound in ("", "*"):
            continue
        order = compare(actual, bound)
        if order is None or order * sign < 0 or (order == 0 and not inclusive):
            return False
    return True


def compare(actual: Any, bound: str) -> int | None:
    """-1, 0 or 1: numbers as numbers (logins_count), else text (ISO dates sort as text)."""
    try:
        left, right = (float(actual), float(bound)) if isinstance(actual, (int, float)) else (str(actual), bound)
    except ValueError:
        return None
    return (left > right) - (left < right)


def lookup(user: dict, path: str) -> Any:
    found: Any = user
    for part in path.split("."):
        if isinstance(found, list):  # identities.connection: any element's
            found = [item.get(part) for item in found if isinstance(item, dict)]
        elif isinstance(found, dict):
            found = found.get(part)
        else:
            return None
    return found


def matches(actual: Any, wanted: str, wildcard: bool) -> bool:
    if isinstance(actual, list):
        return any(matches(one, wanted, wildcard) for one in actual)
    if actual is None:
        return False
    if isinstance(actual, bool):
        actual = "true" if actual else "false"
    text, wanted = str(actual).lower(), wanted.lower()
    if wildcard and ("*" in wanted or "?" in wanted):
        return fnmatch.fnmatchcase(text, wanted)
    return text == wanted
