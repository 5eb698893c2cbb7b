"""Which container a path holds: by extension, with one content sniff for ``.json``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import orjson

from ._errors import ContainerError

CONTAINERS: tuple[str, ...] = ("jsonl", "json", "csv", "tsv", "parquet", "xlsx")

EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}

BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
# A first line longer than this is not "one record per line" in any file we expect to see,
# and the sniff must not read a minified multi-gigabyte JSON document into memory.
_MAX_FIRST_LINE = 64 << 20
_SNIFF_BLOCK = 1 << 16


def container_for_extension(path: str | os.PathLike[str]) -> str:
    """The container named by the extension alone (what writers use: the file need not exist)."""
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        supported = ", ".join(EXTENSIONS)
        raise ContainerError(
            path, f"unknown file type {suffix or '(no extension)'!r}; supported extensions: {supported}"
        ) from None


def detect_container(path: str | Path) -> str:
    """The container of ``path``: by extension, except that a ``.json`` file holding one JSON object
    per line is reported as ``"jsonl"`` (people save JSONL under ``.json`` often)."""
    container = container_for_extension(path)
    if container == "json":
        return sniff_json(Path(path))
    return container


def sniff_json(path: Path) -> str:
    """``"jsonl"`` if the file's first line is a whole JSON object and another object line follows;
    else ``"json"``. An array (first byte ``[``), a pretty-printed object, or a single-line wrapper
    object such as ``{"data": [...]}`` all stay ``"json"``."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError:
        return "json"  # let the reader report the missing file in its own words
    try:
        head = f.read(_SNIFF_BLOCK)
        if head.startswith(BOM):
            head = head[len(BOM) :]
        stripped = head.lstrip(_WHITESPACE)
        if not stripped.startswith(b"{"):
            return "json"
        start = len(head) - len(stripped)
        first_line = _read_line(f, head, start)
        if first_line is None:
            return "json"
        line, rest = first_line
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            return "json"
        if type(value) is not dict:
            return "json"
        return "jsonl" if _next_line_starts_object(f, rest) else "json"
    finally:
        f.close()


def _read_line(reader: BinaryIO, head: bytes, start: int) -> tuple[bytes, bytes] | None:
    """The first line starting at ``head[start:]`` and the bytes read after it, or None when the line
    is longer than the sniff is willing to hold."""
    parts = [head[start:]]
    size = len(parts[0])
    while True:
        cut = parts[-1].find(b"\n")
        if cut >= 0:
            last = parts[-1]
            parts[-1] = last[:cut]
            return b"".join(parts), last[cut + 1 :]
        if size > _MAX_FIRST_LINE:
            return None
        block = reader.read(_SNIFF_BLOCK)
        if not block:
            return b"".join(parts), b""
        parts.append(block)
        size += len(block)


def _next_line_starts_object(reader: BinaryIO, rest: bytes) -> bool:
    while True:
        stripped = rest.lstrip(_WHITESPACE)
        if stripped:
            return stripped.startswith(b"{")
        rest = reader.read(_SNIFF_BLOCK)
        if not rest:
            return False
