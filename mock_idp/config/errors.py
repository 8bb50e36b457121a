"""ConfigIssue / ConfigError: what a seed problem looks like (file, line, key, message)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pydantic_core import PydanticCustomError


Loc = tuple[str | int, ...]

# Report order, most important first: a typo (unknown key) is usually the reason a required
# key looks missing, and a wrong shape hides the rules that would apply to the right one.
UNKNOWN_KEY, DUPLICATE_KEY, MISSING_KEY, INVALID = range(4)


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    line: int | None  # 1-based; None when the problem is the file itself
    key: str | None  # dotted path, e.g. "tenants.default.clients[0].client_id"
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return ": ".join(part for part in (where, self.key, self.message) if part)


class ConfigError(Exception):
    """The seed file is unusable; `errors` lists every problem, most important first."""

    def __init__(self, errors: list[ConfigIssue]):
        self.errors = errors
        super().__init__("\n".join(str(issue) for issue in errors))


def issue_at(message: str, *at: str | int) -> PydanticCustomError:
    """A validation error that points `at` a key below the object being validated."""
    return PydanticCustomError("seed_config", "{message}", {"message": message, "at": at})


def suggestion(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
