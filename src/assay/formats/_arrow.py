"""Arrow containers with native nested types: Parquet, and Hugging Face ``save_to_disk`` directories.

`assay.io.containers` writes nested values to Parquet as JSON text (right for its flat exports);
training data wants lists of message structs that ``datasets`` and TRL read as such. Column types
come from pyarrow's inference on the first batch, and a column is kept native only when Arrow gives
its values back exactly; otherwise (mixed types, free-form objects such as metadata) it is stored as
JSON text, which every reader here decodes. Arrow structs cannot tell an absent key from a null one,
so a key whose value is null reads back as absent.

A ``save_to_disk`` directory, as ``datasets`` writes it: ``data-00000-of-00001.arrow`` (Arrow IPC
*stream* format), ``dataset_info.json`` and ``state.json`` listing the data files. Written with pyarrow
alone into a temporary directory beside the destination and renamed into place when complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from assay.io.containers import ContainerError, RecordSource, RecordWriter, SourceRecord

BATCH_ROWS = 10_000
STATE_JSON = "state.json"
INFO_JSON = "dataset_info.json"
DICT_JSON = "dataset_dict.json"
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError)


def same(a: Any, b: Any) -> bool:
    """Equal as data, treating a null dict value like an absent key (all Arrow structs can say)."""
    if isinstance(a, dict) and isinstance(b, dict):
        ka = {k for k, v in a.items() if v is not None}
        kb = {k for k, v in b.items() if v is not None}
        return ka == kb and all(same(a[k], b[k]) for k in ka)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if (type(a) is bool) != (type(b) is bool):
        return False
    return bool(a == b)


def _json_text(values: list[Any]) -> list[str | None]:
    return [v if v is None or isinstance(v, str) else orjson.dumps(v).decode() for v in values]


class _Columns:
    """Per-column typing fixed by the first batch: native Arrow type, or JSON text."""

    def __init__(self, path: Path, columns: Sequence[str], json_columns: set[str]) -> None:
        self.path = path
        self.columns = list(columns)
        self.json_columns = set(json_columns)
        self.schema: pa.Schema | None = None

    def batch(self, rows: list[Mapping[str, Any]], first_number: int) -> pa.RecordBatch:
        arrays = []
        fields = []
        for i, name in enumerate(self.columns):
            values = [row.get(name) for row in rows]
            target = None if self.schema is None else self.schema.field(i).type
            array = self._array(name, values, target, first_number)
            arrays.append(array)
            fields.append(pa.field(name, array.type))
        if self.schema is None:
            self.schema = pa.schema(fields)
        return pa.record_batch(arrays, schema=self.schema)

    def _array(self, name: str, values: list[Any], target: pa.DataType | None, first: int) -> pa.Array:
        if name in self.json_columns:
            return pa.array(_json_text(values), type=pa.string())
        if target is None:
            try:
                array = pa.array(values)
            except _ARROW_ERRORS:
                array = None
            if array is not None and pa.types.is_null(array.type):
                return pa.array(values, type=pa.string())
            if array is not None and not _has_empty_struct(array.type) and same(array.to_pylist(), values):
                return array
            self.json_columns.add(name)
            return pa.array(_json_text(values), type=pa.string())
        try:
            array = pa.array(values, type=target)
        except _ARROW_ERRORS:
            array = None
        if array is None or not same(array.to_pylist(), values):
            number = first + next((i for i, v in enumerate(values)
                                   if not _fits(v, target)), 0)
            raise ContainerError(
                self.path,
                f"value does not fit the column's Arrow type {target} (fixed by the first {BATCH_ROWS:,} records); "
                "write JSONL instead, or make the records uniform",
                number=number, field=name,
            )
        return array


def _has_empty_struct(t: pa.DataType) -> bool:
    """Parquet cannot store a struct without fields (what Arrow infers from columns of empty objects)."""
    if pa.types.is_struct(t):
        return t.num_fields == 0 or any(_has_empty_struct(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _has_empty_struct(t.value_type)
    return False


def _fits(value: Any, target: pa.DataType) -> bool:
    try:
        return same(pa.array([value], type=target).to_pylist()[0], value)
    except _ARROW_ERRORS:
        return False


class ParquetRecordWriter(RecordWriter):
    """Parquet with native nested columns; published atomically like every `RecordWriter`."""

    def __init__(self, path: Path, columns: Sequence[str], json_columns: set[str]) -> None:
        super().__init__(path, "parquet", columns)
        self._typing = _Columns(path, self.columns or [], json_columns)
        self._rows: list[Mapping[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        for record in records:
            self._check_keys(record, self.count + 1)
            self._rows.append(record)
            self.count += 1
            if len(self._rows) >= BATCH_ROWS:
                self._flush()

    def _flush(self) -> None:
        if not self._rows and self._writer is not None:
            return
        batch = self._typing.batch(self._rows, self.count - len(self._rows) + 1)
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self._temp), batch.schema, compression="zstd")
        if self._rows:
            self._writer.write_batch(batch)
        self._rows = []

    def _finish(self) -> None:
        self._flush()
        assert self._writer is not None
        self._writer.close()

    def _abandon(self) -> None:
        if self._writer is not None:
            self._writer.close()


def _data_file(index: int, total: int) -> str:
    return f"data-{index:05d}-of-{total:05d}.arrow"


def check_hf_destination(path: Path) -> None:
    if path.exists() and not (path.is_dir() and (not any(path.iterdir()) or (path / STATE_JSON).exists())):
        raise ContainerError(path, "exists and is not a dataset directory; choose a new path")
    if not path.parent.is_dir():
        raise ContainerError(path, f"directory {str(path.parent)!r} does not exist")


class HFDatasetWriter:
    """Writes a ``save_to_disk`` directory: one Arrow stream shard, dataset_info.json, state.json."""

    container = "hf"

    def __init__(self, path: Path, columns: Sequence[str], json_columns: set[str]) -> None:
        check_hf_destination(path)
        self.path = path
        self.columns = list(columns)
        self.count = 0
        self._typing = _Columns(path, columns, json_columns)
        self._temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        self._temp.mkdir()
        self._file = pa.OSFile(str(self._temp / _data_file(0, 1)), "wb")
        self._stream: pa.ipc.RecordBatchStreamWriter | None = None
        self._rows: list[Mapping[str, Any]] = []
        self._state = "open"

    def write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        if self._state != "open":
            raise ContainerError(self.path, f"the writer is {self._state}; open a new one")
        try:
            for record in records:
                extra = [k for k in record if k not in self.columns]
                if extra:
                    raise ContainerError(self.path, f"record has keys not in the columns: {', '.join(map(repr, extra[:5]))}",
                                         number=self.count + 1)
                self._rows.append(record)
                self.count += 1
                if len(self._rows) >= BATCH_ROWS:
                    self._flush()
        except BaseException:
            self.abort()
            raise

    def write(self, record: Mapping[str, Any]) -> None:
        self.write_many((record,))

    def _flush(self) -> None:
        if not self._rows and self._stream is not None:
            return
        batch = self._typing.batch(self._rows, self.count - len(self._rows) + 1)
        if self._stream is None:
            self._stream = pa.ipc.new_stream(self._file, batch.schema)
        if self._rows:
            self._stream.write_batch(batch)
        self._rows = []

    def close(self) -> None:
        if self._state == "closed":
            return
        try:
            self._flush()
            assert self._stream is not None
            self._stream.close()
            self._file.close()
            data = self._temp / _data_file(0, 1)
            digest = hashlib.blake2b(digest_size=8)
            with data.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            state: dict[str, Any] = {"_data_files": [{"filename": data.name}], "_fingerprint": digest.hexdigest(),
                     "_format_columns": None, "_format_kwargs": {}, "_format_type": None,
                     "_output_all_columns": False, "_split": None}
            # No "features": datasets then reads them from the Arrow schema, which every version of it can.
            info = {"citation": "", "description": "", "homepage": "", "license": ""}
            (self._temp / STATE_JSON).write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
            (self._temp / INFO_JSON).write_text(json.dumps(info, indent=2), encoding="utf-8")
            self._publish()
        except BaseException:
            self.abort()
            raise
        self._state = "closed"

    def _publish(self) -> None:
        old = None
        if self.path.exists():
            old = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.old")
            os.replace(self.path, old)
        os.replace(self._temp, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        if self._state != "open":
            return
        self._state = "aborted"
        with contextlib.suppress(Exception):
            if self._stream is not None:
                self._stream.close()
            self._file.close()
        shutil.rmtree(self._temp, ignore_errors=True)

    def __enter__(self) -> HFDatasetWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _plain(value: Any) -> Any:
    """Arrow values that are not JSON-like (dates, decimals, bytes) as text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


_PLAIN_TYPES = ("timestamp", "date", "time", "duration", "decimal", "binary")


class HFDatasetSource(RecordSource):
    """Reads a ``save_to_disk`` directory's shards in order, one record per row."""

    def __init__(self, path: Path) -> None:
        if (path / DICT_JSON).exists() and not (path / STATE_JSON).exists():
            splits = sorted(p.name for p in path.iterdir() if (p / STATE_JSON).exists())
            raise ContainerError(path, f"is a DatasetDict; read one split's directory ({', '.join(splits) or 'none found'})")
        try:
            state = json.loads((path / STATE_JSON).read_text(encoding="utf-8"))
            files = [path / entry["filename"] for entry in state["_data_files"]]
        except FileNotFoundError:
            raise ContainerError(path, f"not a Hugging Face dataset directory: no {STATE_JSON}") from None
        except (ValueError, KeyError, TypeError) as e:
            raise ContainerError(path, f"unreadable {STATE_JSON}: {e}") from None
        total = 0
        for file in files:
            if not file.is_file():
                raise ContainerError(path, f"{STATE_JSON} lists {file.name}, which is missing")
            total += file.stat().st_size
        self._files = files
        super().__init__(path, "hf", location="row", total=total)

    def _records(self) -> Iterator[SourceRecord]:
        number = 0
        done = 0
        for file in self._files:
            try:
                with pa.memory_map(str(file)) as source:
                    reader = pa.ipc.open_stream(source)
                    plain = any(t in str(f.type) for f in reader.schema for t in _PLAIN_TYPES)
                    self.columns = list(reader.schema.names)
                    for batch in reader:
                        for row in batch.to_pylist():
                            number += 1
                            yield SourceRecord(number, _plain(row) if plain else row)
            except (pa.ArrowException, OSError) as e:
                yield SourceRecord(number + 1, None, f"unreadable Arrow data in {file.name}: {e}; reading stopped here")
                return
            done += file.stat().st_size
            self.progress = done
        self.progress = self.total or 0
