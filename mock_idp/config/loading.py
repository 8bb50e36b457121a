"""Read and validate a seed file; every problem found in one pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.nodes import Node

from .cross_item import cross_item_problems
from .errors import DUPLICATE_KEY, INVALID, MISSING_KEY, ConfigError, ConfigIssue, Loc
from .issues import dotted, translate, yaml_kind
from .models import SeedConfig
from .yaml_tree import duplicate_keys, line_of


def load_config(path: str | Path) -> SeedConfig:
    filename = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(filename, None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"not UTF-8 text: {exc}")]) from None
    except OSError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"cannot read: {exc.strerror}")]) from None
    return parse_config(text, filename)


def parse_config(text: str, filename: str = "<string>") -> SeedConfig:
    root, data, duplicated = compose_yaml(text, filename)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else yaml_kind(data)
        issue = ConfigIssue(filename, line_of(root, ()), None,
                            f"expected a mapping with a 'tenants' key at the top level, got {got}")
        raise ConfigError([issue])
    ranked = [(DUPLICATE_KEY, loc, "duplicate key (YAML keeps only the last one)") for loc in duplicated]
    ranked += [(INVALID, loc, message) for loc, message in cross_item_problems(data)]
    try:
        config = SeedConfig.model_validate(data)
    except ValidationError as exc:
        ranked += [translate(error) for error in exc.errors()]
        config = None
    if ranked:
        raise ConfigError(sorted_issues(ranked, root, filename))
    return config


def compose_yaml(text: str, filename: str) -> tuple[Node | None, Any, list[Loc]]:
    """The node tree (for line numbers), the data built from it, and duplicated keys."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        # Before construction: constructing flattens "<<" merges into the mappings in place,
        # and an overridden merged key would then look like a duplicate.
        duplicated = list(duplicate_keys(root))
        return root, (loader.construct_document(root) if root is not None else None), duplicated
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = ": ".join(part for part in (exc.context, exc.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        where = f" (column {column})" if column else ""
        raise ConfigError([ConfigIssue(filename, line, None, f"invalid YAML{where}: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()


def sorted_issues(ranked: list[tuple[int, Loc, str]], root: Node, filename: str) -> list[ConfigIssue]:
    issues: dict[ConfigIssue, tuple[int, int]] = {}
    for rank, loc, message in ranked:
        # A missing key has no line of its own: point at the mapping that lacks it.
        line = line_of(root, loc[:-1] if rank == MISSING_KEY else loc)
        issue = ConfigIssue(filename, line, dotted(loc), message)
        issues.setdefault(issue, (rank, line or 0))
    return sorted(issues, key=issues.__getitem__)
