"""Turning JSON parser failures into messages a person can act on.

Everything here runs only for lines or elements that already failed (or look suspicious), so it
favours clarity over speed.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ._detect import BOM

BIG_INT = "integer larger than 64 bits in value (quote it as a string)"
NAN = "NaN and Infinity are not valid JSON (write null or quote them)"

_INT64_MIN = -(1 << 63)
_UINT64_MAX = (1 << 64) - 1
# orjson turns integers outside [-2**63, 2**64) into floats; any such float is at least this big.
HUGE_FLOAT = 9.2e18

_SURROGATE = re.compile("[\ud800-\udfff]")


def kind_of(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__


def not_object(value: object) -> str:
    return f"expected a JSON object, got {kind_of(value)}"


def describe_bad_utf8(data: bytes, start: int, what: str) -> str:
    return f"invalid UTF-8: byte 0x{data[start]:02x} at {what} (the file must be saved as UTF-8)"


def describe_line_error(line: bytes, exc: orjson.JSONDecodeError) -> tuple[str, str | None]:
    """(message, field) for a JSONL line orjson rejected. The line is not blank and has no BOM."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        return describe_bad_utf8(line, e.start, f"byte {e.start + 1} of the line"), None

    # The stdlib parser accepts what orjson refuses for reasons worth naming precisely:
    # lone surrogates, integers past 64 bits (older orjson), NaN/Infinity.
    found = _stdlib_reason(text)
    if found is not None:
        return found

    msg = exc.msg
    column = exc.pos + 1
    if "control character" in msg:
        char = text[exc.pos] if exc.pos < len(text) else "?"
        return (
            f"raw control character U+{ord(char):04X} in a string at column {column} "
            f"(write it as \\u{ord(char):04x})",
            None,
        )
    if "surrogate" in msg:
        escape = text[exc.pos : exc.pos + 6]
        return f"lone surrogate {escape.lower()} in a string", None
    if msg.startswith("unexpected end of data"):
        return f"invalid JSON: unexpected end of data at column {column} (the line is cut short)", None
    if msg.startswith("unexpected content after document"):
        return (
            f"invalid JSON: unexpected content after the object at column {column} "
            "(two records on one line?)",
            None,
        )
    if "infinity" in msg:
        return f"number too large for a 64-bit float at column {column}", None
    return f"invalid JSON: {msg} at column {column}", None


def _stdlib_reason(text: str) -> tuple[str, str | None] | None:
    saw_constant: list[str] = []

    def constant(name: str) -> float:
        saw_constant.append(name)
        return float("nan")

    try:
        value = json.loads(text, parse_constant=constant)
    except (ValueError, RecursionError):
        return None
    return oddity(value, saw_nan=bool(saw_constant))


def oddity(value: Any, *, saw_nan: bool = False) -> tuple[str, str | None] | None:
    """The first thing in a stdlib-parsed value that Assay refuses: a >64-bit integer, a lone
    surrogate, or NaN/Infinity; with the top-level key it sits under."""
    items: Iterator[tuple[str | None, Any]]
    items = iter(value.items()) if isinstance(value, dict) else iter([(None, value)])
    for key, item in items:
        if key is not None and (char := _SURROGATE.search(key)):
            return f"lone surrogate \\u{ord(char.group()):04x} in a key", None
        for leaf in _leaves(item):
            if type(leaf) is int and not _INT64_MIN <= leaf <= _UINT64_MAX:
                return BIG_INT, key
            if type(leaf) is str and (char := _SURROGATE.search(leaf)):
                return f"lone surrogate \\u{ord(char.group()):04x} in a string", key
            if saw_nan and type(leaf) is float and leaf != leaf:
                return NAN, key
    return None


def _leaves(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())  # keys can hold lone surrogates too
        elif isinstance(item, list):
            stack.extend(item)
        else:
            yield item


def has_huge_float(value: Any) -> bool:
    """True if a value parsed by orjson holds a float big enough to have been a >64-bit integer."""
    stack = [value]
    while stack:
        item = stack.pop()
        t = type(item)
        if t is dict:
            stack.extend(item.values())
        elif t is list:
            stack.extend(item)
        elif t is float and not -HUGE_FLOAT < item < HUGE_FLOAT:
            return True
    return False


def first_bad_utf8(path: Path) -> int | None:
    """File offset of the first byte that is not valid UTF-8 (a leading BOM is fine), found by a
    fresh streaming pass; the parsers that noticed the problem do not say where it is."""
    with open(path, "rb") as f:
        base = 0
        if f.read(len(BOM)) == BOM:
            base = len(BOM)
        else:
            f.seek(0)
        pending = b""
        while True:
            block = f.read(1 << 20)
            data = pending + block
            try:
                _, consumed = codecs.utf_8_decode(data, "strict", not block)
            except UnicodeDecodeError as e:
                return base + e.start
            if not block:
                return None
            base += consumed
            pending = data[consumed:]
