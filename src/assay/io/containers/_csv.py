"""Streaming CSV/TSV reader on the stdlib's C parser.

The file is decoded as utf-8-sig (drops a BOM) with newline="" so quoted cells keep their line
breaks and old Mac "\\r" endings still split rows. Values stay strings: converting is the schema's job.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import ContainerError
from ._record import RecordSource, SourceRecord

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# Big enough for any real cell (the stdlib default is 128 KiB), small enough that an unbalanced
# quote cannot pull the rest of a multi-gigabyte file into one string before failing.
FIELD_SIZE_LIMIT = 1 << 28
_PROGRESS_EVERY = 1024


def _raise_field_size_limit() -> None:
    # Process-wide setting: only ever raise it, so a caller who set it higher keeps their value.
    limit = FIELD_SIZE_LIMIT
    while limit > csv.field_size_limit():
        try:
            csv.field_size_limit(limit)
        except OverflowError:  # C long is 32 bits on Windows
            limit //= 2
        else:
            return


_raise_field_size_limit()


def check_header(path: Path, names: list[str], number: int | None) -> None:
    """Refuse unnamed and repeated columns: either would silently lose a value in every record."""
    seen: dict[str, int] = {}
    for index, name in enumerate(names, start=1):
        if not name.strip():
            raise ContainerError(path, f"column {index} of the header has no name", number=number)
        if name in seen:
            raise ContainerError(
                path,
                f"the header names column {name!r} twice (columns {seen[name]} and {index})",
                number=number,
            )
        seen[name] = index


class _Utf8Watch(io.RawIOBase):
    """Raw file wrapper that notices invalid UTF-8 as blocks go by.

    The text layer decodes with surrogateescape so one bad byte does not end the read (and does
    not hide the rows decoded in the same block); rows are checked one by one only once this has
    seen a bad byte, so clean files pay for one C-level validation per block and nothing per row.
    """

    def __init__(self, raw: io.FileIO) -> None:
        self._raw = raw
        self._pending = b""
        self.tainted = False
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        n = self._raw.readinto(buffer)
        if n is None:
            return 0
        self.position += n
        if not self.tainted:
            data = self._pending + bytes(memoryview(buffer)[:n])
            if data.isascii():
                self._pending = b""
            else:
                try:
                    _, consumed = codecs.utf_8_decode(data, "strict", n == 0)
                except UnicodeDecodeError:
                    self.tainted = True
                else:
                    self._pending = data[consumed:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class CsvSource(RecordSource):
    def __init__(self, path: Path, container: str) -> None:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - owned by the source, closed in _release
        try:
            total = os.fstat(raw.fileno()).st_size
            self._watch = _Utf8Watch(raw)
            buffered = io.BufferedReader(self._watch, buffer_size=1 << 20)
            self._text = io.TextIOWrapper(
                buffered, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
            delimiter = "\t" if container == "tsv" else ","
            self._reader = csv.reader(self._text, delimiter=delimiter, strict=True)
            super().__init__(path, container, location="line", total=total)
            self.columns = self._read_header()
        except BaseException:
            raw.close()
            raise

    def _release(self) -> None:
        self._text.close()

    def _read_header(self) -> list[str]:
        reader = self._reader
        while True:
            try:
                row = next(reader)
            except StopIteration:
                raise ContainerError(self.path, "the file is empty; a header row is required") from None
            except csv.Error as e:
                raise ContainerError(self.path, f"malformed header: {e}", number=reader.line_num) from None
            if any(cell.strip() for cell in row):
                break
        if self._watch.tainted and (bad := _bad_utf8(row)) is not None:
            raise ContainerError(self.path, f"header: {bad[1]}", number=reader.line_num)
        check_header(self.path, row, reader.line_num)
        return row

    def _records(self) -> Iterator[SourceRecord]:
        assert self.columns is not None
        columns = self.columns
        width = len(columns)
        reader = self._reader
        record = SourceRecord
        watch = self._watch
        countdown = _PROGRESS_EVERY
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                yield record(start, None, f"malformed CSV: {e}")
                continue
            countdown -= 1
            if not countdown:
                countdown = _PROGRESS_EVERY
                self.progress = watch.position
            if len(row) == width:
                if not any(row):
                    continue  # a row of empty cells Excel left behind
                if watch.tainted and (bad := _bad_utf8(row)) is not None:
                    yield record(start, None, bad[1], columns[bad[0]])
                    continue
                yield record(start, dict(zip(columns, row, strict=True)))
                continue
            if not any(cell.strip() for cell in row):
                continue  # blank line
            yield record(start, None, f"row has {len(row)} {_cells(len(row))}, header has {width}")
        self.progress = self.total or 0


def _bad_utf8(row: list[str]) -> tuple[int, str] | None:
    """(cell index, message) for the first byte the surrogateescape decoder could not read."""
    for index, cell in enumerate(row):
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError as e:
            byte = ord(cell[e.start]) - 0xDC00
            return index, f"invalid UTF-8: byte 0x{byte:02x} (the file must be saved as UTF-8)"
    return None


def _cells(n: int) -> str:
    return "cell" if n == 1 else "cells"
