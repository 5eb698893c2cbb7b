"""`open_source`: pick the reader for a file."""

from __future__ import annotations

from pathlib import Path

from ._csv import CsvSource
from ._detect import CONTAINERS, detect_container, sniff_json
from ._errors import ContainerError
from ._json import JsonSource
from ._jsonl import JsonlSource
from ._parquet import ParquetSource
from ._record import RecordSource
from ._xlsx import XlsxSource


def open_source(path: str | Path, container: str | None = None, *, sheet: str | None = None) -> RecordSource:
    """Open ``path`` for streaming records. ``container`` overrides the extension; ``"json"`` still
    checks for one-object-per-line content and reads it as JSONL (``source.container`` says which).
    ``sheet`` picks an xlsx sheet by name (default: the first)."""
    path = Path(path)
    if container == "hf" or (container is None and path.is_dir()):
        # A Hugging Face `save_to_disk` directory: its reader lives with the training formats, which
        # build on these containers (imported here, not at the top, to keep that direction).
        from assay.formats._arrow import HFDatasetSource

        return HFDatasetSource(path)
    if container is None:
        container = detect_container(path)
    elif container not in CONTAINERS:
        raise ContainerError(path, f"unknown container {container!r}; choose one of {', '.join(CONTAINERS)}")
    elif container == "json":
        container = sniff_json(path)
    if sheet is not None and container != "xlsx":
        raise ContainerError(path, f"sheet= only applies to xlsx files, not {container}")
    if not path.exists():
        raise ContainerError(path, "no such file")
    if not path.is_file():
        raise ContainerError(path, "not a regular file")
    try:
        if container == "jsonl":
            return JsonlSource(path)
        if container == "json":
            return JsonSource(path)
        if container in ("csv", "tsv"):
            return CsvSource(path, container)
        if container == "parquet":
            return ParquetSource(path)
        return XlsxSource(path, sheet)
    except PermissionError as e:
        raise ContainerError(path, f"cannot open: {e.strerror}") from e
