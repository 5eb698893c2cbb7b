"""`open_writer`: pick the writer for a destination."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from ._csv_writer import CsvWriter
from ._detect import CONTAINERS, container_for_extension
from ._errors import ContainerError
from ._json_writers import JsonlWriter, JsonWriter
from ._parquet_writer import ParquetWriter
from ._writer import RecordWriter
from ._xlsx_writer import XlsxWriter


def open_writer(
    path: str | Path,
    container: str | None = None,
    *,
    columns: Sequence[str] | None = None,
    xlsx_overflow: Literal["error", "split"] = "error",
) -> RecordWriter:
    """A writer for ``path`` (container from the extension unless given). Use it as a context manager:
    the file appears only when the block ends without an exception.

    ``columns`` fixes the header of tabular containers and the key order of JSON ones; without it the
    first record's keys are used. Every record's keys must be among the columns (missing ones are
    written empty), because a column nobody declared would otherwise be dropped silently.
    ``xlsx_overflow`` decides what happens to text longer than an xlsx cell holds: "error" refuses
    it, "split" continues it in the ``assay_overflow`` sheet.
    """
    path = Path(path)
    if container is None:
        container = container_for_extension(path)
    elif container not in CONTAINERS:
        raise ContainerError(path, f"unknown container {container!r}; choose one of {', '.join(CONTAINERS)}")
    if xlsx_overflow not in ("error", "split"):
        raise ContainerError(path, f"xlsx_overflow must be 'error' or 'split', not {xlsx_overflow!r}")
    if container == "jsonl":
        return JsonlWriter(path, container, columns)
    if container == "json":
        return JsonWriter(path, container, columns)
    if container in ("csv", "tsv"):
        return CsvWriter(path, container, columns)
    if container == "parquet":
        return ParquetWriter(path, container, columns)
    return XlsxWriter(path, container, columns, xlsx_overflow)
