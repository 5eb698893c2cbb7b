"""Parquet writer: rows buffered into ~10,000-row record batches, column types fixed by the first batch.

Type inference per column, from the first batch's non-null values: all bool -> bool; all int within
int64 -> int64; ints and floats (ints exactly representable) -> float64; anything else -> string,
with dicts/lists JSON-encoded and other values written as `to_text` does for CSV. A later value that
does not fit its column is converted when the column is string and refused (ContainerError naming
the record and column) otherwise: nothing is rounded, truncated or retyped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from ._errors import ContainerError
from ._values import JSON_OPTIONS, encode_error, to_text
from ._writer import RecordWriter

BATCH_ROWS = 10_000
BATCH_BYTES = 64 << 20  # also flush early when rows are large, to keep memory flat
COMPRESSION = "zstd"

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_EXACT_FLOAT = 1 << 53


def _normalise(value: Any) -> Any:
    """Values as buffered: containers become JSON text now (the caller may mutate them later)."""
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, option=JSON_OPTIONS).decode("utf-8")
    return value


def infer_type(values: list[Any]) -> pa.DataType:
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pa.string()
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int}:
        if all(_INT64_MIN <= v <= _INT64_MAX for v in values if v is not None):
            return pa.int64()
        return pa.string()
    if kinds <= {int, float} and all(-_EXACT_FLOAT <= v <= _EXACT_FLOAT for v in values if type(v) is int):
        return pa.float64()
    return pa.string()


class ParquetWriter(RecordWriter):
    def __init__(self, path: Path, container: str, columns: Sequence[str] | None) -> None:
        super().__init__(path, container, columns)
        self._buffer: list[list[Any]] = []  # one list per column
        self._buffered_rows = 0
        self._buffered_bytes = 0
        self._first_row = 1  # record number of the first buffered row
        self._schema: pa.Schema | None = None
        self._writer: pq.ParquetWriter | None = None

    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        n = self.count
        record: Mapping[str, Any] = {}
        try:
            for record in records:
                n += 1
                columns = self._columns_from(record)
                if not self._buffer:
                    self._buffer = [[] for _ in columns]
                self._check_keys(record, n)
                get = record.get
                size = 0
                for column, name in zip(self._buffer, columns, strict=True):
                    value = _normalise(get(name))
                    if type(value) is str:
                        size += len(value)
                    column.append(value)
                self._buffered_rows += 1
                self._buffered_bytes += size
                self.count = n
                if self._buffered_rows >= BATCH_ROWS or self._buffered_bytes >= BATCH_BYTES:
                    self._flush()
        except (TypeError, orjson.JSONEncodeError) as e:
            raise encode_error(self.path, e, n, record) from e

    def _flush(self) -> None:
        if not self._buffered_rows:
            return
        columns = self.columns or []
        if self._schema is None:
            self._schema = pa.schema(
                [
                    pa.field(name, infer_type(values))
                    for name, values in zip(columns, self._buffer, strict=True)
                ]
            )
            self._writer = pq.ParquetWriter(str(self._temp), self._schema, compression=COMPRESSION)
        arrays = [
            self._array(values, field.type, field.name)
            for values, field in zip(self._buffer, self._schema, strict=True)
        ]
        assert self._writer is not None
        self._writer.write_batch(pa.record_batch(arrays, schema=self._schema))
        self._first_row += self._buffered_rows
        self._buffer = [[] for _ in columns]
        self._buffered_rows = 0
        self._buffered_bytes = 0

    def _array(self, values: list[Any], t: pa.DataType, name: str) -> pa.Array:
        if t == pa.string():
            texts = [v if v is None or type(v) is str else to_text(v) for v in values]
            try:
                return pa.array(texts, type=t)
            except (UnicodeEncodeError, pa.ArrowException) as e:
                raise self._bad_text(texts, name, e) from e
        if t == pa.int64():
            fits = _fits_int
        elif t == pa.float64():
            fits = _fits_float
        else:
            fits = _fits_bool
        for offset, value in enumerate(values):
            if value is not None and not fits(value):
                raise ContainerError(
                    self.path,
                    f"value {_short(value)} does not fit the column's type {t} (inferred from the first "
                    f"{BATCH_ROWS:,} rows); make the column's values one type, or quote them all as strings",
                    number=self._first_row + offset,
                    field=name,
                )
        if t == pa.float64():
            values = [float(v) if type(v) is int else v for v in values]
        return pa.array(values, type=t)

    def _bad_text(self, texts: list[str | None], name: str, exc: Exception) -> ContainerError:
        for offset, text in enumerate(texts):
            try:
                (text or "").encode("utf-8")
            except UnicodeEncodeError:
                return ContainerError(
                    self.path,
                    "lone surrogate in a string cannot be written as UTF-8",
                    number=self._first_row + offset,
                    field=name,
                )
        return ContainerError(self.path, f"cannot write column: {exc}", number=self._first_row, field=name)

    def _finish(self) -> None:
        self._flush()
        if self._writer is None:
            fields = [pa.field(name, pa.string()) for name in self.columns or []]
            self._writer = pq.ParquetWriter(str(self._temp), pa.schema(fields), compression=COMPRESSION)
        self._writer.close()

    def _abandon(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _fits_int(value: Any) -> bool:
    return type(value) is int and _INT64_MIN <= value <= _INT64_MAX


def _fits_float(value: Any) -> bool:
    return type(value) is float or (type(value) is int and -_EXACT_FLOAT <= value <= _EXACT_FLOAT)


def _fits_bool(value: Any) -> bool:
    return type(value) is bool


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
