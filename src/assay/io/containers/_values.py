"""How non-text values become text in containers that only hold text or scalars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson

from ._errors import ContainerError
from ._jsonerrors import BIG_INT

JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def to_text(value: Any) -> str:
    """The text a CSV/TSV cell (or a Parquet/xlsx string cell) holds for ``value``.

    None -> "", booleans -> "true"/"false" (what JSON and the schemas expect), containers -> JSON.
    Raises TypeError/orjson.JSONEncodeError for containers JSON cannot hold.
    """
    if type(value) is str:
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, option=JSON_OPTIONS).decode("utf-8")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def encode_error(path: Path, exc: Exception, number: int, record: Any) -> ContainerError:
    """A ContainerError naming the record and, when it can be found, the key that failed to encode."""
    message = str(exc)
    if "64-bit" in message:
        message = BIG_INT
    elif "surrogates not allowed" in message:
        message = "lone surrogate in a string cannot be written as UTF-8"
    elif "not JSON serializable" in message:
        message = f"cannot be written as JSON: {message}"
    field = None
    if isinstance(record, dict):
        for key, value in record.items():
            try:
                orjson.dumps(value, option=JSON_OPTIONS)
            except (TypeError, orjson.JSONEncodeError):
                field = str(key)
                break
    return ContainerError(path, message, number=number, field=field)
