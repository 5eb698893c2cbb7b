"""Turning pydantic error records into messages a spec author can act on."""

from __future__ import annotations

import re
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from assay.spec._base import SpecModel
from assay.spec._issues import did_you_mean


def describe(value: Any) -> str:
    """How an input value is named in a message: 'five', 3, true, null, a list, a mapping."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "...'"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
_BOUND_KEYS = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le", "less_than": "lt"}


def message_for(error: ErrorDetails, root: type[BaseModel]) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    got = describe(error.get("input"))
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {got}"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        model = model_at(root, error["loc"][:-1])
        allowed = [*model.model_fields, *getattr(model, "input_keys", ())] if model else []
        return f"unknown key{did_you_mean(key, allowed)}"
    if kind in ("enum", "literal_error"):
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(error["input"], choices) if isinstance(error.get("input"), str) else ""
        return f"expected one of {ctx.get('expected')}, got {got}{hint}"
    if kind in _BOUNDS:
        return f"expected a number {_BOUNDS[kind]} {ctx.get(_BOUND_KEYS[kind])}, got {got}"
    if kind == "too_short":
        return f"expected at least {_items(ctx.get('min_length'))}, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"expected at most {_items(ctx.get('max_length'))}, got {ctx.get('actual_length')}"
    if kind == "string_too_short":
        return "expected a non-empty string" if ctx.get("min_length") == 1 else f"expected at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _items(n: Any) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[SpecModel] | None:
    """The spec model validating the value at `loc` (for listing the keys it accepts)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple) and get_args(current):
            current = get_args(current)[0]
        elif get_origin(current) is dict and get_args(current):
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, SpecModel) else None


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation
