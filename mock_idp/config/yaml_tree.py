"""The composed YAML node tree: syntax errors, line numbers by pydantic `loc`, duplicate keys,
and anchors (a node shared through an alias is one place in the file, reported once)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Iterator

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ConfigError, ConfigIssue, Loc

# PyYAML notices an unclosed quote or bracket where it gives up, often lines later (at the end
# of the file for a quote), and a key without its colon (`client_secret s`) on the next line;
# the line at fault is the context mark's.
AT_CONTEXT = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a block scalar",
              "while scanning a simple key")


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers which node carries which anchor (PyYAML forgets them)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.anchor_names: dict[int, str] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        node = super().compose_node(parent, index)
        if getattr(event, "anchor", None) is not None and not isinstance(event, AliasEvent):
            self.anchor_names[id(node)] = event.anchor
        return node


@dataclass
class Tree:
    root: Node | None
    data: Any
    duplicated: list[Loc]
    anchor_names: dict[int, str]
    fast: bool = False  # composed by libyaml: no anchor names

    @functools.cached_property
    def first(self) -> dict[int, Loc]:
        """Each node's first path in document order: its own place in the file, not an alias's
        (asked only when there is a problem to report)."""
        first: dict[int, Loc] = {}
        stack = [(self.root, ())] if self.root is not None else []
        while stack:
            node, loc = stack.pop()
            if id(node) in first:
                continue
            first[id(node)] = loc
            stack.extend(reversed(list(children(node, loc))))
        return first

    def resolve(self, loc: Loc) -> tuple[Loc, int | None]:
        """`loc` as the file spells it (through no alias), and how deep `loc` entered an alias."""
        node, canonical, entered = self.root, (), None
        for depth, part in enumerate(loc, 1):
            step = child(node, part)
            if step is None:
                return canonical + loc[depth - 1:], entered
            node = step[1]
            canonical = self.first.get(id(node), loc[:depth])
            if entered is None and canonical != loc[:depth]:
                entered = depth
        return canonical, entered

    def anchor_of(self, canonical: Loc) -> tuple[str, int] | None:
        """The innermost anchor around `canonical`: its name and line."""
        node, found = self.root, None
        for part in (None, *canonical):
            step = (None, node) if part is None else child(node, part)
            if step is None:
                break
            node = step[1]
            if id(node) in self.anchor_names:
                found = (self.anchor_names[id(node)], node.start_mark.line + 1)
        return found


# libyaml, when PyYAML has it: py-spy showed PyYAML's pure-Python scanner, parser and composer at
# 47% of a 10,000-user seed's start (3.2 s of 6.6 s CPU). It keeps no anchor names: a seed with
# problems is composed again by _Loader, for messages that name them (parse_config).
FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def compose_yaml(text: str, filename: str, fast: bool = True) -> Tree:
    """The node tree of `text`; `fast`: by libyaml, without anchor names (Tree.fast)."""
    if fast and FAST_LOADER is not None:
        try:
            return compose_with(FAST_LOADER, text, filename, fast=True)
        except ConfigError:
            pass  # a syntax error: PyYAML's own parser words it (libyaml's messages differ)
    return compose_with(_Loader, text, filename, fast=False)


def compose_with(loader_class, text: str, filename: str, fast: bool) -> Tree:
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        # Before construction: constructing flattens "<<" merges into the mappings in place,
        # and an overridden merged key would then look like a duplicate.
        duplicated = list(duplicate_keys(root))
        data = loader.construct_document(root) if root is not None else None
        return Tree(root, data, duplicated, getattr(loader, "anchor_names", {}), fast=fast)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([syntax_issue(exc, filename)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([ConfigIssue(filename, None, None, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()


def syntax_issue(exc: yaml.MarkedYAMLError, filename: str) -> ConfigIssue:
    opened, noticed = exc.context_mark, exc.problem_mark
    at_context = opened is not None and (exc.context or "").startswith(AT_CONTEXT)
    mark = opened if at_context or noticed is None else noticed
    message = ": ".join(part for part in (exc.context, exc.problem) if part)
    if at_context and noticed is not None and noticed.line != opened.line:
        message += f" (noticed on line {noticed.line + 1})"
    if mark is None:
        return ConfigIssue(filename, None, None, f"invalid YAML: {message}")
    return ConfigIssue(filename, mark.line + 1, None, f"invalid YAML (column {mark.column + 1}): {message}")


def line_of(root: Node | None, loc: Loc) -> int | None:
    """The line of the deepest node along `loc`: the key's line for a mapping entry."""
    node, line = root, (root.start_mark.line + 1 if root else None)
    for part in loc:
        step = child(node, part)
        if step is None:
            break
        key_node, node = step
        line = (key_node or node).start_mark.line + 1
    return line


def child(node: Node | None, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        # reversed: with a duplicated key, the last one is the one YAML keeps.
        for key_node, value in reversed(node.value):
            if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                return key_node, value
    if isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None


def children(node: Node, loc: Loc) -> Iterator[tuple[Node, Loc]]:
    if isinstance(node, SequenceNode):
        yield from ((item, loc + (index,)) for index, item in enumerate(node.value))
    if isinstance(node, MappingNode):
        yield from ((value, loc + (key.value,)) for key, value in node.value if isinstance(key, ScalarNode))


def duplicate_keys(node: Node | None, loc: Loc = (), seen: set[int] | None = None) -> Iterator[Loc]:
    # PyYAML keeps the last of two equal keys without a word; a second "default:" tenant
    # would silently replace the first.
    seen = set() if seen is None else seen
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from duplicate_keys(item, loc + (index,), seen)
    if isinstance(node, MappingNode):
        names: set[str] = set()
        for key_node, value in node.value:
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            if name is not None and name in names and name != "<<":
                yield loc + (name,)
            names.add(name)
            yield from duplicate_keys(value, loc + (name,), seen)
