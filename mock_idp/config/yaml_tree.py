"""The composed YAML node tree: line numbers by pydantic `loc`, duplicate keys."""

from __future__ import annotations

from typing import Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Loc


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
