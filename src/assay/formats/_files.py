"""Files of canonical records: `read_records` and `write_records`, any schema in any container."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from pydantic import BaseModel

from assay.io.containers import (
    CONTAINERS,
    ContainerError,
    RecordSource,
    SourceRecord,
    open_source,
    open_writer,
)
from assay.io.containers import RecordWriter as ContainerWriter

from ._arrow import HFDatasetSource, HFDatasetWriter, ParquetRecordWriter
from ._errors import RecordError
from ._fields import METADATA_KEY
from ._format import WriteOptions
from ._models import CanonicalRecord
from ._registry import FormatError, detect_format, get_format, parse_record

HF = "hf"
ALL_CONTAINERS: tuple[str, ...] = (*CONTAINERS, HF)
# Containers whose columns are fixed: metadata travels in one "metadata" column (JSON text) there.
FIXED_COLUMNS = {"csv", "tsv", "xlsx", "parquet", HF}
DETECT_SAMPLE = 20
COLUMN_SAMPLE = 1000


@dataclass(frozen=True)
class BadRecord:
    """A record that could not be read (or written), and why."""

    path: str
    location: str
    number: int
    field: str | None
    message: str
    data: dict[str, Any] | None = None

    def __str__(self) -> str:
        where = f"field '{self.field}': " if self.field else ""
        return f"{self.path}:{self.location} {self.number}: {where}{self.message}"


@dataclass
class WriteSummary:
    """What `write_records` wrote."""

    path: Path
    container: str
    schema: str
    records: int
    """Canonical records taken."""
    rows: int
    """Raw records written (HelpSteer writes one row per rated response)."""


class RecordWriteError(ValueError):
    """A canonical record the schema cannot hold; nothing was written."""

    def __init__(self, number: int, error: RecordError | FormatError) -> None:
        self.number = number
        self.field = getattr(error, "field", None)
        self.message = getattr(error, "message", str(error))
        where = f" field '{self.field}':" if self.field else ""
        super().__init__(f"record {number}:{where} {self.message}")


def resolve_container(path: Path, container: str | None, *, writing: bool) -> str:
    if container is not None:
        if container not in ALL_CONTAINERS:
            raise ContainerError(path, f"unknown container {container!r}; choose one of {', '.join(ALL_CONTAINERS)}")
        return container
    if path.is_dir() or (writing and not path.suffix):
        return HF
    from assay.io.containers import detect_container

    return detect_container(path)


class RecordReader(Iterator[CanonicalRecord | BadRecord]):
    """Canonical records (or `BadRecord`s) from one file, streamed; ``format`` is the schema used."""

    def __init__(self, path: str | Path, schema: str | None = None, container: str | None = None,
                 *, sheet: str | None = None) -> None:
        self.path = Path(path)
        kind = resolve_container(self.path, container, writing=False)
        self.source: RecordSource = HFDatasetSource(self.path) if kind == HF else open_source(self.path, kind, sheet=sheet)
        try:
            head: list[SourceRecord] = []
            rest = iter(self.source)
            for rec in rest:
                head.append(rec)
                if sum(r.data is not None for r in head) >= DETECT_SAMPLE:
                    break
            self.format = get_format(schema) if schema else detect_format([r.data for r in head if r.data is not None])
        except BaseException:
            self.source.close()
            raise
        self._records = itertools.chain(head, rest)
        self.number = 0
        """Line, element or row of the record last returned."""

    @property
    def container(self) -> str:
        return self.source.container

    def __next__(self) -> CanonicalRecord | BadRecord:
        rec = next(self._records)
        self.number = rec.number
        where = (str(self.path), self.source.location, rec.number)
        if rec.data is None:
            return BadRecord(*where, rec.field, rec.error or "unreadable record")
        try:
            return parse_record(self.format, rec.data)
        except RecordError as e:
            return BadRecord(*where, e.field, e.message, rec.data)

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def read_records(path: str | Path, schema: str | None = None, container: str | None = None,
                 *, sheet: str | None = None) -> RecordReader:
    """Canonical records from ``path`` (schema detected from the first records unless given; container
    from the extension, a directory being a Hugging Face ``save_to_disk`` dataset). Bad records come
    as `BadRecord` items in the stream, with their line, row or element and field."""
    return RecordReader(path, schema, container, sheet=sheet)


class CanonicalWriter:
    """Writes canonical records in one schema to one file; the file appears only on a clean `close`."""

    def __init__(self, path: str | Path, schema: str, container: str | None = None, *,
                 options: WriteOptions | None = None, xlsx_overflow: Literal["error", "split"] = "error") -> None:
        self.path = Path(path)
        self.format = get_format(schema)
        self.options = options or WriteOptions()
        self.container = resolve_container(self.path, container, writing=True)
        self.xlsx_overflow = xlsx_overflow
        self.records = 0
        self.rows = 0
        self._pending: list[dict[str, Any]] = []
        self._out: ContainerWriter | HFDatasetWriter | None = None
        if self.container == HF:
            from ._arrow import check_hf_destination

            check_hf_destination(self.path)
        elif not self.path.parent.is_dir():
            # Fail on an unwritable destination now, not after the first thousand records.
            raise ContainerError(self.path, f"directory {str(self.path.parent)!r} does not exist")
        self._closed = False

    def rows_for(self, record: BaseModel) -> list[dict[str, Any]]:
        """The raw rows of one canonical record; RecordError when the schema cannot hold it."""
        if not isinstance(record, self.format.record_type):
            raise FormatError(f"schema {self.format.name} holds {self.format.record_type.__name__} records, "
                              f"not {type(record).__name__}")
        rows = self.format.write(record, self.options)
        if self.container in FIXED_COLUMNS and METADATA_KEY not in self.format.keys:
            rows = [_fold_metadata(row, self.format.keys) for row in rows]
        return rows

    def write(self, record: BaseModel) -> int:
        """Write one record; returns how many rows it became. A RecordError leaves the file as it was."""
        rows = self.rows_for(record)
        self.records += 1
        self._add(rows)
        return len(rows)

    def _add(self, rows: list[dict[str, Any]]) -> None:
        self.rows += len(rows)
        if self._out is None:
            self._pending.extend(rows)
            if len(self._pending) >= COLUMN_SAMPLE or self.container not in FIXED_COLUMNS:
                self._open()
        else:
            self._out.write_many(rows)

    def _open(self) -> None:
        columns = None
        if self.container in FIXED_COLUMNS:
            seen = dict.fromkeys(k for row in self._pending for k in row)
            columns = [k for k in dict.fromkeys((*self.format.keys, *seen)) if k in seen] or list(self.format.keys[:1])
        if self.container == HF:
            self._out = HFDatasetWriter(self.path, columns or [], {METADATA_KEY})
        elif self.container == "parquet":
            self._out = ParquetRecordWriter(self.path, columns or [], {METADATA_KEY})
        else:
            self._out = open_writer(self.path, self.container, columns=columns, xlsx_overflow=self.xlsx_overflow)
        pending, self._pending = self._pending, []
        self._out.write_many(pending)

    def close(self) -> None:
        if self._closed:
            return
        if self._out is None:
            self._open()
        assert self._out is not None
        self._out.close()
        self._closed = True

    def abort(self) -> None:
        self._closed = True
        if self._out is not None:
            self._out.abort()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _fold_metadata(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    extras = {k: v for k, v in row.items() if k not in keys}
    if not extras:
        return row
    folded = {k: v for k, v in row.items() if k in keys}
    folded[METADATA_KEY] = extras
    return folded


def write_records(records: Iterable[BaseModel], path: str | Path, schema: str, container: str | None = None, *,
                  options: WriteOptions | None = None, xlsx_overflow: Literal["error", "split"] = "error",
                  progress: Callable[[int], None] | None = None) -> WriteSummary:
    """Write canonical records to ``path`` in ``schema``; all or nothing: a record the schema cannot
    hold raises `RecordWriteError` (with its 1-based number) and leaves no file behind."""
    writer = CanonicalWriter(path, schema, container, options=options, xlsx_overflow=xlsx_overflow)
    number = 0
    try:
        for number, record in enumerate(records, start=1):
            try:
                writer.write(record)
            except (RecordError, FormatError) as e:
                raise RecordWriteError(number, e) from None
            if progress is not None and not number % 1000:
                progress(number)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    if progress is not None:
        progress(number)
    return WriteSummary(writer.path, writer.container, writer.format.name, writer.records, writer.rows)
