"""pydantic errors -> (rank, loc, message), in the words of a YAML author."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel

from .errors import INVALID, MISSING_KEY, UNKNOWN_KEY, Loc, suggestion
from .seed import SeedConfig


EXPECTED = {"string_type": "a string", "int_type": "an integer", "int_parsing": "an integer",
            "int_from_float": "an integer", "bool_type": "true or false",
            "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
            "model_type": "a mapping", "model_attributes_type": "a mapping"}


def translate(error: dict[str, Any]) -> tuple[int, Loc, str]:
    """(rank, loc, message) for one pydantic error, in the words of a YAML author."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx", {})
    if kind == "extra_forbidden":
        return UNKNOWN_KEY, loc, "unknown key" + suggestion(str(loc[-1]), fields_at(loc[:-1]))
    if kind == "missing":
        return MISSING_KEY, loc, "missing required key"
    if kind == "seed_config":
        return INVALID, loc + tuple(ctx["at"]), ctx["message"]
    if kind == "value_error":
        return INVALID, loc, str(ctx["error"])
    if kind == "literal_error":
        choices = [str(choice) for choice in typing.get_args(annotation_at(loc))]
        got = error["input"]
        message = f"unknown value {got!r}, expected {ctx['expected']}"
        return INVALID, loc, message + suggestion(str(got), choices)
    if loc[-1:] == ("[key]",):
        return INVALID, loc[:-1], f"keys must be strings, got {yaml_kind(error['input'])}"
    if kind == "string_too_short":
        return INVALID, loc, "must not be empty"
    if kind == "greater_than":
        return INVALID, loc, f"must be greater than {ctx['gt']}, got {error['input']!r}"
    if kind in EXPECTED:
        return INVALID, loc, f"expected {EXPECTED[kind]}, got {yaml_kind(error['input'])}"
    return INVALID, loc, error["msg"]


def yaml_kind(value: Any) -> str:
    names = {type(None): "null (an empty value)", bool: "a boolean", int: "an integer",
             float: "a number", str: "a string", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def dotted(loc: Loc) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key


def annotation_at(loc: Loc) -> Any:
    """The type annotation that validates the value at `loc`, or None."""
    annotation: Any = SeedConfig
    for part in loc:
        annotation = unwrap_optional(annotation)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            annotation = field.annotation if field else None
        elif origin in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    return unwrap_optional(annotation)


def unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return args[0] if len(args) == 1 else annotation
    if typing.get_origin(annotation) is Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def fields_at(loc: Loc) -> list[str]:
    model = annotation_at(loc)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []
