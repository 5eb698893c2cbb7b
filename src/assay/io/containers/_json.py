"""Streaming reader for a JSON array of objects (or an object wrapping one, like {"data": [...]}).

ijson's yajl2_c backend builds elements in C. Two of its habits need guarding: it replaces a lone
surrogate escape (\\ud83d without its pair) with "?" silently, and its errors do not say where in
the file they are (integers outside the signed 64-bit range are such an error, not a Python int).
`_ScanningReader` sits between the file and ijson: it strips the BOM, counts progress and stops the
parser just before a lone surrogate escape so the bad element can be named exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import ijson

from ._detect import BOM
from ._errors import ContainerError
from ._jsonerrors import BIG_INT, first_bad_utf8, not_object
from ._record import RecordSource, SourceRecord

WRAPPER_KEYS: tuple[str, ...] = ("data", "records", "items", "rows", "examples", "instances", "samples")
BUFFER_SIZE = 1 << 18

_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LOW_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_HOLD = 12  # a surrogate pair escape is 12 bytes; never judge one we cannot see the end of
_BACKSLASH = 0x5C


class _LoneSurrogate(Exception):
    def __init__(self, escape: str) -> None:
        super().__init__(escape)
        self.escape = escape


class _ScanningReader:
    """File wrapper handed to ijson: strips the BOM, updates progress, withholds lone surrogates."""

    def __init__(self, raw: BinaryIO, source: RecordSource) -> None:
        self._raw = raw
        self._source = source
        self._carry = b""
        self._first = True
        self._paired_low = -1  # file offset of a low surrogate escape already matched to its high
        self._emitted = 0  # file offset (after any BOM) of the next byte handed to ijson
        self._stop: _LoneSurrogate | None = None

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson probes with read(0) to learn bytes vs str
        if self._stop is not None:
            raise self._stop
        size = BUFFER_SIZE if size < 0 else size
        while True:
            block = self._raw.read(size)
            self._source.progress += len(block)
            eof = not block
            data = self._carry + block
            if self._first and (len(data) >= len(BOM) or eof):
                self._first = False
                if data.startswith(BOM):
                    data = data[len(BOM) :]
            if eof:
                cut = len(data)
            else:
                cut = max(0, len(data) - _HOLD)
                while cut > 0 and data[cut - 1] == _BACKSLASH:
                    cut -= 1
            lone = self._find_lone(data, cut) if b"\\u" in data else None
            if lone is not None:
                self._stop = _LoneSurrogate(data[lone : lone + 6].decode("ascii").lower())
                cut = lone
            out, self._carry = data[:cut], data[cut:]
            self._emitted += len(out)
            if out:
                return out
            if self._stop is not None:
                raise self._stop
            if eof:
                return out

    def _find_lone(self, data: bytes, limit: int) -> int | None:
        """Offset in ``data`` of the first unpaired surrogate escape starting before ``limit``."""
        for m in _ESCAPE.finditer(data, 0, limit + _HOLD):
            p = m.start()
            if p >= limit:
                return None
            run = 0
            while p - run - 1 >= 0 and data[p - run - 1] == _BACKSLASH:
                run += 1
            if run % 2:
                continue  # "\\ud83d" is a literal backslash followed by text, not an escape
            offset = self._emitted + p
            if data[p + 3] in b"89abAB":
                if _LOW_ESCAPE.match(data, p + 6):
                    self._paired_low = offset + 6
                    continue
                return p
            if offset != self._paired_low:
                return p
        return None


class JsonSource(RecordSource):
    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - owned by the source, closed in _release
        try:
            total = os.fstat(self._file.fileno()).st_size
            super().__init__(path, "json", location="element", total=total)
            self._prefix = self._find_prefix()
            self._file.seek(0)
            self.progress = 0
        except BaseException:
            self._file.close()
            raise

    def _release(self) -> None:
        self._file.close()

    def _find_prefix(self) -> str | None:
        """The ijson prefix of the record list: "item" for a top-level array, "<key>.item" for a
        wrapper object, None for an empty file."""
        head = self._file.read(4096)
        if head.startswith(BOM):
            head = head[len(BOM) :]
        first = head.lstrip()[:1]
        while not first and head:
            head = self._file.read(4096)
            first = head.lstrip()[:1]
        if not first:
            return None
        if first == b"[":
            return "item"
        if first != b"{":
            raise ContainerError(
                self.path,
                f"expected a JSON array of objects, but the file starts with {first.decode('latin-1')!r}",
            )
        self._file.seek(0)
        return self._wrapper_prefix()

    def _wrapper_prefix(self) -> str:
        keys: list[str] = []
        events = ijson.parse(_ScanningReader(self._file, self), use_float=True, buf_size=1 << 16)
        depth = 0
        pending_key: str | None = None
        try:
            for _prefix, event, value in events:
                if depth == 1 and event == "map_key":
                    pending_key = value
                    keys.append(value)
                    continue
                if depth == 1 and event == "start_array" and pending_key in WRAPPER_KEYS:
                    return f"{pending_key}.item"
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        break
        except (ijson.JSONError, UnicodeDecodeError, _LoneSurrogate) as e:
            raise ContainerError(self.path, f"invalid JSON before any record list: {_first_line(e)}") from e
        shown = ", ".join(repr(k) for k in keys[:10]) or "none"
        wanted = ", ".join(repr(k) for k in WRAPPER_KEYS[:4])
        raise ContainerError(
            self.path,
            f"the top-level JSON object holds no list of records (its keys: {shown}); expected an "
            f"array, or an object whose {wanted} key is a list",
        )

    def _records(self) -> Iterator[SourceRecord]:
        if self._prefix is None:
            self.progress = self.total or 0
            return
        reader = _ScanningReader(self._file, self)
        items = ijson.items(reader, self._prefix, use_float=True, buf_size=BUFFER_SIZE)
        count = 0
        record = SourceRecord
        try:
            for value in items:
                count += 1
                if type(value) is dict:
                    yield record(count, value)
                else:
                    yield record(count, None, not_object(value))
        except _LoneSurrogate as e:
            yield record(count + 1, None, f"lone surrogate {e.escape} in a string; reading stopped here")
        except UnicodeDecodeError:
            yield record(count + 1, None, self._utf8_message())
        except ijson.JSONError as e:
            yield record(count + 1, None, self._describe(e))

    def _utf8_message(self) -> str:
        offset = first_bad_utf8(self.path)
        if offset is None:
            return "invalid UTF-8 (the file must be saved as UTF-8); reading stopped here"
        with open(self.path, "rb") as f:
            f.seek(offset)
            byte = f.read(1)[0]
        return (
            f"invalid UTF-8: byte 0x{byte:02x} at file offset {offset} (the file must be saved as UTF-8); "
            "reading stopped here"
        )

    def _describe(self, exc: Exception) -> str:
        text = _first_line(exc)
        if "invalid bytes in UTF8" in text:
            return self._utf8_message()
        if "integer overflow" in text:
            return f"{BIG_INT}; reading stopped here"
        if "invalid character inside string" in text:
            return "raw control character in a string (escape it as \\u00XX); reading stopped here"
        if "premature EOF" in text:
            return "invalid JSON: the file ends in the middle of this element (truncated?)"
        if "trailing garbage" in text:
            return "invalid JSON: unexpected content after the end of the array"
        for prefix in ("parse error: ", "lexical error: "):
            text = text.removeprefix(prefix)
        return f"invalid JSON: {text.rstrip('.')}; reading stopped here"


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, _LoneSurrogate):
        return f"lone surrogate {exc.escape} in a string"
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = str(text).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__
