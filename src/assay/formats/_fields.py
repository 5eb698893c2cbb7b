"""Reading fields of raw records, whatever container they came from.

Tabular containers (CSV, TSV, XLSX) deliver every value as text, so a field that should hold a list,
an object, a number or a boolean may arrive as text; these accessors convert it, or raise
`RecordError` naming the field. Empty text counts as missing; so does None (Arrow containers fill
absent struct keys with nulls).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from ._errors import RecordError

METADATA_KEY = "metadata"


def missing(value: Any) -> bool:
    return value is None or (type(value) is str and (not value or value.isspace()))


def type_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def decode_json(text: str, field: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise RecordError(field, f"looks like JSON but does not parse: {e}") from None


def text(value: Any, field: str, *, required: bool = False, keep_empty: bool = False) -> str | None:
    """A text field. ``keep_empty`` keeps "" (chat content may be empty); numbers become their text."""
    if type(value) is str and (keep_empty or (value and not value.isspace())):
        return value
    if missing(value):
        if required:
            raise RecordError(field, "is required and missing or empty")
        return None
    if isinstance(value, bool):
        raise RecordError(field, f"expected text, got {str(value).lower()}")
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    raise RecordError(field, f"expected text, got {type_name(value)}")


def as_list(value: Any, field: str, *, required: bool = False) -> list[Any] | None:
    if isinstance(value, str) and value.lstrip().startswith("["):
        value = decode_json(value, field)
    if missing(value):
        if required:
            raise RecordError(field, "is required and missing or empty")
        return None
    if isinstance(value, tuple):
        value = list(value)
    if not isinstance(value, list):
        raise RecordError(field, f"expected a list, got {type_name(value)}")
    return value


def as_dict(value: Any, field: str, *, required: bool = False) -> dict[str, Any] | None:
    if isinstance(value, str) and value.lstrip().startswith("{"):
        value = decode_json(value, field)
    if missing(value):
        if required:
            raise RecordError(field, "is required and missing or empty")
        return None
    if not isinstance(value, dict):
        raise RecordError(field, f"expected an object, got {type_name(value)}")
    return value


def as_bool(value: Any, field: str, *, required: bool = False) -> bool | None:
    if type(value) is bool:
        return value
    if missing(value):
        if required:
            raise RecordError(field, "is required and missing or empty")
        return None
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
    elif isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    raise RecordError(field, f"expected true or false, got {value!r}")


def as_number(value: Any, field: str, *, required: bool = False) -> float | int | None:
    if type(value) is int or type(value) is float:
        if isinstance(value, float) and not math.isfinite(value):
            raise RecordError(field, f"expected a finite number, got {value}")
        return value
    if missing(value):
        if required:
            raise RecordError(field, "is required and missing or empty")
        return None
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise RecordError(field, f"expected a number, got {value!r}")


def leftovers(record: Mapping[str, Any], owned: Iterable[str]) -> dict[str, Any]:
    """The keys a schema does not read itself: kept as metadata so nothing is lost.

    A ``metadata`` object (or its JSON text, as tabular containers hold it) is merged in: that is
    where `write_records` puts metadata in containers whose columns are fixed.
    """
    owned = set(owned)
    out: dict[str, Any] = {}
    for key, value in record.items():
        # Only None is dropped: an empty string is data (UltraFeedback's custom_system_prompt is often "").
        if key in owned or value is None:
            continue
        if key == METADATA_KEY:
            if missing(value):
                continue
            nested = _as_object(value)
            if nested is not None:
                out.update({k: v for k, v in nested.items() if v is not None})
                continue
        out[key] = value
    return out


def _as_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            decoded = orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
        return decoded if isinstance(decoded, dict) else None
    return None


HINTS = frozenset({"alpaca_input"})
"""Metadata one schema's reader leaves for its own writer (see `_sft.ALPACA_INPUT`): never written
out by another schema."""


def spread(out: dict[str, Any], metadata: Mapping[str, Any], owned: Iterable[str]) -> dict[str, Any]:
    """Put metadata back as top-level keys (the inverse of `leftovers`); refuse a key the schema owns."""
    owned = set(owned)
    for key, value in metadata.items():
        if key in HINTS:
            continue
        if key in owned or key in out:
            raise RecordError(f"metadata.{key}", f"{key!r} is a field of this schema and cannot be metadata")
        out[key] = value
    return out
