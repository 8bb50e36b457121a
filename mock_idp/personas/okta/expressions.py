"""Okta's `filter` and `search` expressions (SCIM-style, RFC 7644 §3.4.2.2): `attribute op value`
joined by `and`/`or`, grouped by parentheses, `not (...)`. Operators: eq ne sw co ew gt ge lt le,
and `pr` (present). Values: "strings", true/false, null, numbers. Strings compare case-insensitively,
as Okta's search does.

`predicate(text, value_of)` gives a function of an object, where `value_of(object, attribute)`
reads `status`, `id`, `profile.login`...; a malformed expression raises ExpressionError.
"""

import re
from collections.abc import Callable
from typing import Any

TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.:-]*|-?\d+(?:\.\d+)?))')
OPERATORS = {"eq", "ne", "sw", "co", "ew", "gt", "ge", "lt", "le", "pr"}
MAX_LENGTH = 2000
MAX_DEPTH = 32


class ExpressionError(ValueError):
    pass


def tokens(text: str) -> list[tuple[str, Any]]:
    found, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"unexpected character at {position}")
        position = match.end()
        if match.group(1):
            found.append(("(", None))
        elif match.group(2):
            found.append((")", None))
        elif match.group(3) is not None:
            found.append(("string", re.sub(r"\\(.)", r"\1", match.group(3))))
        else:
            found.append(("word", match.group(4)))
    return found


def predicate(text: str, value_of: Callable[[Any, str], Any],
              allowed: Callable[[str, str], bool] | None = None) -> Callable[[Any], bool]:
    """`allowed(attribute, operator)`, when given, says what the expression may use (a `filter`
    takes fewer attributes and operators than a `search`, and no `not`)."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expression too long")
    parser = Parser(tokens(text), value_of, allowed)
    result = parser.disjunction()
    if parser.position != len(parser.tokens):
        raise ExpressionError("unexpected tokens after the expression")
    return result


class Parser:
    def __init__(self, found: list[tuple[str, Any]], value_of, allowed=None):
        self.tokens, self.position, self.value_of, self.depth = found, 0, value_of, 0
        self.allowed = allowed

    def peek(self, offset: int = 0) -> tuple[str, Any] | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token is None:
            raise ExpressionError("unexpected end of the expression")
        self.position += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1].lower() == word:
            self.position += 1
            return True
        return False

    def disjunction(self):
        parts = [self.conjunction()]
        while self.keyword("or"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda item: any(part(item) for part in parts))

    def conjunction(self):
        parts = [self.term()]
        while self.keyword("and"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda item: all(part(item) for part in parts))

    def term(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:  # nesting, not length, is what would exhaust the stack
            raise ExpressionError("expression nested too deeply")
        try:
            return self.inner_term()
        finally:
            self.depth -= 1

    def inner_term(self):
        if self.keyword("not"):
            if self.allowed is not None and not self.allowed("", "not"):
                raise ExpressionError("not is not supported here")
            inner = self.term()
            return lambda item: not inner(item)
        if self.peek() is not None and self.peek()[0] == "(":
            self.take()
            inner = self.disjunction()
            if self.take()[0] != ")":
                raise ExpressionError("missing )")
            return inner
        kind, attribute = self.take()
        if kind != "word":
            raise ExpressionError("expected an attribute")
        kind, operator = self.take()
        operator = str(operator).lower()
        if kind != "word" or operator not in OPERATORS:
            raise ExpressionError(f"unknown operator {operator!r}")
        if self.allowed is not None and not self.allowed(attribute, operator):
            raise ExpressionError(f"{attribute} {operator} is not supported here")
        if operator == "pr":
            return lambda item: self.value_of(item, attribute) not in (None, "")
        kind, raw = self.take()
        if kind not in ("string", "word"):
            raise ExpressionError("expected a value")
        value = raw if kind == "string" else literal(raw)
        return lambda item: compare(self.value_of(item, attribute), operator, value)


def literal(word: str) -> Any:
    lowered = word.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return float(word) if "." in word else int(word)
    except ValueError:
        raise ExpressionError(f"unquoted value {word!r}") from None


def compare(actual: Any, operator: str, expected: Any) -> bool:
    if isinstance(actual, list):  # a multi-valued attribute matches when one value does
        return any(compare(one, operator, expected) for one in actual)
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    if operator == "eq":
        return actual == expected
    if operator == "ne":
        return actual != expected
    if actual is None or expected is None:
        return False
    if operator in ("sw", "co", "ew"):
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        return {"sw": actual.startswith, "ew": actual.endswith, "co": actual.__contains__}[operator](expected)
    try:
        return {"gt": actual > expected, "ge": actual >= expected, "lt": actual < expected,
                "le": actual <= expected}[operator]
    except TypeError:
        return False
