"""Read and validate a seed file; every problem found in one pass."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from pydantic import ValidationError

from .cross_item import cross_item_problems
from .errors import DUPLICATE_KEY, INVALID, MISSING_KEY, ConfigError, ConfigIssue, Loc
from .issues import dotted, translate, yaml_kind
from .seed import SeedConfig
from .yaml_tree import Tree, compose_yaml, line_of


def load_config(path: str | Path, *, personas: Collection[str]) -> SeedConfig:
    """The seed file at `path`; `personas`: the names a tenant's `flavor` may take."""
    filename = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(filename, None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"not UTF-8 text: {exc}")]) from None
    except OSError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"cannot read: {exc.strerror}")]) from None
    return parse_config(text, filename, personas=personas)


def parse_config(text: str, filename: str = "<string>", *, personas: Collection[str]) -> SeedConfig:
    tree = compose_yaml(text, filename)
    if not isinstance(tree.data, dict):
        got = "an empty file" if tree.data is None else yaml_kind(tree.data)
        issue = ConfigIssue(filename, line_of(tree.root, ()), None,
                            f"expected a mapping with a 'tenants' key at the top level, got {got}")
        raise ConfigError([issue])
    ranked = [(DUPLICATE_KEY, loc, "duplicate key (YAML keeps only the last one)") for loc in tree.duplicated]
    ranked += [(INVALID, loc, message) for loc, message in cross_item_problems(tree.data, personas)]
    try:
        config = SeedConfig.model_validate(tree.data, context={"personas": personas})
    except ValidationError as exc:
        ranked += [translate(error) for error in exc.errors()]
        config = None
    if ranked:
        if tree.fast:  # the messages name the anchors a problem sits in: compose again, with them
            tree = compose_yaml(text, filename, fast=False)
        raise ConfigError(sorted_issues(ranked, tree, filename))
    return config


def sorted_issues(ranked: list[tuple[int, Loc, str]], tree: Tree, filename: str) -> list[ConfigIssue]:
    # One mistake inside an anchor is seen by pydantic once per alias: report it once, where
    # the file spells it, and name the places that use it.
    found: dict[tuple[int, Loc, str], list[str]] = {}
    for rank, loc, message in ranked:
        canonical, entered = tree.resolve(loc)
        users = found.setdefault((rank, canonical, message), [])
        if entered is not None:
            users.append(dotted(loc[:entered]))
    issues: dict[ConfigIssue, tuple[int, int]] = {}
    for (rank, loc, message), users in found.items():
        # A missing key has no line of its own: point at the mapping that lacks it.
        line = line_of(tree.root, loc[:-1] if rank == MISSING_KEY else loc)
        anchor = tree.anchor_of(loc) if users else None
        if anchor:
            message += f" (anchor &{anchor[0]} on line {anchor[1]}, also used by {', '.join(users)})"
        issue = ConfigIssue(filename, line, dotted(loc), message)
        issues.setdefault(issue, (rank, line or 0))
    return sorted(issues, key=issues.__getitem__)
