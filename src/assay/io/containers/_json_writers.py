"""JSONL and JSON-array writers (orjson, non-ASCII kept as is, large buffered writes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from ._values import JSON_OPTIONS, encode_error
from ._writer import RecordWriter

BUFFER_SIZE = 1 << 20


class _JsonWriterBase(RecordWriter):
    _separator = b""

    def __init__(self, path: Path, container: str, columns: Sequence[str] | None) -> None:
        super().__init__(path, container, columns)
        self._file: BinaryIO = open(self._temp, "wb", buffering=BUFFER_SIZE)  # noqa: SIM115 - closed in _finish/_abandon

    def _prepare(self, record: Mapping[str, Any], number: int) -> Mapping[str, Any]:
        """With columns given, keys must be among them and are written in their order."""
        if self.columns is None:
            return record if type(record) is dict else dict(record)
        self._check_keys(record, number)
        return {c: record[c] for c in self.columns if c in record}

    def _abandon(self) -> None:
        self._file.close()


class JsonlWriter(_JsonWriterBase):
    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        write = self._file.write
        dumps = orjson.dumps
        option = JSON_OPTIONS | orjson.OPT_APPEND_NEWLINE
        plain = self.columns is None
        n = self.count
        record: Mapping[str, Any] = {}
        try:
            for record in records:
                n += 1
                if plain and type(record) is dict:
                    write(dumps(record, option=option))
                else:
                    write(dumps(self._prepare(record, n), option=option))
                self.count = n
        except (TypeError, orjson.JSONEncodeError) as e:
            raise encode_error(self.path, e, n, record) from e

    def _finish(self) -> None:
        self._file.close()


class JsonWriter(_JsonWriterBase):
    """A streamed array: "[\\n", records joined by ",\\n", "\\n]"."""

    def __init__(self, path: Path, container: str, columns: Sequence[str] | None) -> None:
        super().__init__(path, container, columns)
        self._file.write(b"[\n")

    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        write = self._file.write
        dumps = orjson.dumps
        n = self.count
        record: Mapping[str, Any] = {}
        try:
            for record in records:
                n += 1
                encoded = dumps(self._prepare(record, n), option=JSON_OPTIONS)
                write(b",\n" + encoded if n > 1 else encoded)
                self.count = n
        except (TypeError, orjson.JSONEncodeError) as e:
            raise encode_error(self.path, e, n, record) from e

    def _finish(self) -> None:
        self._file.write(b"\n]\n" if self.count else b"]\n")
        self._file.close()
