"""The export's files: one per split, written aside and published together, or not at all.

Each split's file is written by `assay.formats.CanonicalWriter` (or, for the ratings table, an
`assay.io.containers` writer) to a staging name beside the destination. Only when every file is
complete are they renamed into place, the manifest last; any error before that removes them all, so
a failed export leaves the destination as it was.

Names: ``out.jsonl`` → ``out-train.jsonl``, ``out-validation.jsonl``, ``out-test.jsonl``. A Hugging
Face directory with splits is a ``DatasetDict`` directory (``dataset_dict.json`` and one
``save_to_disk`` directory per split), which ``datasets.load_from_disk`` reads as a DatasetDict.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from assay.formats import ALL_CONTAINERS, CanonicalWriter, WriteOptions
from assay.io.containers import CONTAINERS, ContainerError, RecordWriter, detect_container, open_writer

from ._columnar import ColumnarPairWriter
from ._errors import ExportError
from ._lines import LinePairWriter

HF = "hf"
DICT_JSON = "dataset_dict.json"
STATE_JSON = "state.json"


def resolve_container(out: Path, container: str | None) -> str:
    if container is not None:
        if container not in ALL_CONTAINERS:
            raise ExportError(f"unknown container {container!r}; choose one of {', '.join(ALL_CONTAINERS)}")
        return container
    if out.suffix.lower() == ".json":
        return "json"  # what is written, whatever an old file of that name held
    try:
        return detect_container(out)
    except ContainerError as e:
        if out.is_dir() or not out.suffix:
            return HF  # a directory (or a name without an extension) is a Hugging Face dataset
        raise ExportError(str(e)) from None


def split_path(out: Path, split: str | None, container: str) -> Path:
    if split is None:
        return out
    if container == HF:
        return out / split
    return out.with_name(f"{out.stem}-{split}{out.suffix}")


def manifest_path(out: Path) -> Path:
    return out.with_name(f"{out.name}.manifest.json")


def _is_dataset_dir(path: Path) -> bool:
    return (path / STATE_JSON).is_file() or (path / DICT_JSON).is_file()


def check_destination(out: Path, container: str, splits: list[str] | None) -> None:
    """Refuse, before any work, a destination the export could not replace cleanly."""
    if not out.parent.is_dir():
        raise ExportError(f"{out}: directory {str(out.parent)!r} does not exist")
    paths = [out] if container == HF or not splits else [split_path(out, s, container) for s in splits]
    for path in paths:
        if container == HF:
            if path.exists() and not (path.is_dir() and (not any(path.iterdir()) or _is_dataset_dir(path))):
                raise ExportError(f"{path}: exists and is not a dataset directory; choose a new path")
        elif path.is_dir():
            raise ExportError(f"{path}: is a directory; name a file (or no extension for a Hugging Face directory)")
    if manifest_path(out).is_dir():
        raise ExportError(f"{manifest_path(out)}: is a directory")


@dataclass(frozen=True)
class FastPairs:
    """Preference pairs written by a fast writer: column by column to Parquet (`_columnar`), or spliced
    from JSON pieces to JSONL (`_lines`)."""

    metadata: bool
    """Whether the records carry metadata."""
    scores: tuple[str, ...] = ()
    """Parquet, trl-preference: the score columns every pair has."""


@dataclass
class SplitFile:
    split: str | None
    path: Path
    """Where the file (or HF directory) ends up."""
    staged: Path
    writer: CanonicalWriter | RecordWriter | ColumnarPairWriter | LinePairWriter
    records: int = 0
    rows: int = 0


@dataclass
class Outputs:
    """The split files of one export; `close` completes them aside, `publish` moves them into place."""

    out: Path
    container: str
    schema: str
    splits: list[str] | None
    options: WriteOptions
    table_columns: list[str] | None = None
    fast: FastPairs | None = None
    """Preference pairs to Parquet or JSONL by a fast writer."""
    xlsx_overflow: Literal["error", "split"] = "error"
    files: dict[str | None, SplitFile] = field(default_factory=dict)
    _stage_dir: Path | None = None

    def __post_init__(self) -> None:
        check_destination(self.out, self.container, self.splits)
        if self.table_columns is not None and self.container not in CONTAINERS:
            raise ExportError(f"the ratings table is written as {', '.join(CONTAINERS)}, not {self.container}")
        token = secrets.token_hex(4)
        try:
            if self.container == HF:
                # One staging directory holds the whole dataset (or DatasetDict) until it is complete.
                self._stage_dir = self.out.with_name(f".{self.out.name}.{token}.export")
                self._stage_dir.mkdir()
            names: list[str | None] = list(self.splits) if self.splits else [None]
            for split in names:
                final = split_path(self.out, split, self.container)
                if self.container == HF:
                    assert self._stage_dir is not None
                    staged = self._stage_dir / split if split else self._stage_dir / "data"
                else:
                    staged = final.with_name(f".{final.name}.{token}.export")
                self.files[split] = SplitFile(split, final, staged, self._writer(staged))
        except BaseException:
            self.abort()
            raise

    def _writer(self, staged: Path) -> CanonicalWriter | RecordWriter | ColumnarPairWriter | LinePairWriter:
        if self.fast is not None and self.container == "parquet":
            return ColumnarPairWriter(staged, self.schema.replace("_", "-"), metadata=self.fast.metadata,
                                      scores=self.fast.scores)
        if self.fast is not None:
            return LinePairWriter(staged, self.schema.replace("_", "-"))
        if self.table_columns is not None:
            return open_writer(staged, self.container, columns=self.table_columns, xlsx_overflow=self.xlsx_overflow)
        return _Writer(staged, self.schema, self.container, options=self.options, xlsx_overflow=self.xlsx_overflow)

    def close(self) -> None:
        """Complete every file in its staging place (nothing is visible at the destination yet)."""
        try:
            for f in self.files.values():
                f.writer.close()
            if self.container == HF and self.splits:
                assert self._stage_dir is not None
                (self._stage_dir / DICT_JSON).write_text(json.dumps({"splits": list(self.splits)}), encoding="utf-8")
        except BaseException:
            self.abort()
            raise

    def staged_files(self) -> list[tuple[str | None, Path, Path]]:
        """(split, staged file, final file) of every file to checksum, directories walked."""
        out: list[tuple[str | None, Path, Path]] = []
        if self.container == HF:
            assert self._stage_dir is not None
            root = self._stage_dir if self.splits else self._stage_dir / "data"
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = path.relative_to(root)
                split = rel.parts[0] if self.splits and len(rel.parts) > 1 else None
                out.append((split, path, self.out / rel))
            return out
        return [(f.split, f.staged, f.path) for f in self.files.values()]

    def publish(self) -> None:
        """Move the completed files into place."""
        if self.container == HF:
            assert self._stage_dir is not None
            source = self._stage_dir if self.splits else self._stage_dir / "data"
            _replace_dir(source, self.out)
            shutil.rmtree(self._stage_dir, ignore_errors=True)
            self._stage_dir = None
            return
        for f in self.files.values():
            os.replace(f.staged, f.path)

    def abort(self) -> None:
        for f in self.files.values():
            with contextlib.suppress(Exception):
                f.writer.abort()
            if f.staged.is_dir():
                shutil.rmtree(f.staged, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    f.staged.unlink()
        if self._stage_dir is not None:
            shutil.rmtree(self._stage_dir, ignore_errors=True)
            self._stage_dir = None

    def write_pair(self, split: str | None, prompt: Any, chosen: Any, rejected: Any, scores: tuple[float | None, ...],
                   meta: dict[str, Any] | None) -> None:
        """A pair through the fast writer: prompt and answers as `Turns`, scores as (score_chosen,
        score_rejected, margin)."""
        f = self.files[split]
        assert isinstance(f.writer, ColumnarPairWriter | LinePairWriter)
        f.writer.add(prompt, chosen, rejected, scores, meta)
        f.records += 1
        f.rows += 1

    def write(self, split: str | None, record: Any) -> int:
        f = self.files[split]
        assert isinstance(f.writer, CanonicalWriter)
        rows = f.writer.write(record)
        f.records += 1
        f.rows += rows
        return rows

    def write_rows(self, split: str | None, rows: list[dict[str, Any]], records: int = 1) -> None:
        """Rows that are already in the schema's raw shape (fast rows, table rows)."""
        f = self.files[split]
        if isinstance(f.writer, CanonicalWriter):
            f.writer.write(PrebuiltRows.model_construct(rows=rows))
        else:
            assert isinstance(f.writer, RecordWriter)
            f.writer.write_many(rows)
        f.records += records
        f.rows += len(rows)


class PrebuiltRows(BaseModel):
    """Rows already in the schema's raw shape, passed through `_Writer` untouched (built with
    ``model_construct``: they are not validated again)."""

    rows: list[dict[str, Any]]
    """The raw rows of one record."""


class _Writer(CanonicalWriter):
    """A CanonicalWriter that also takes prebuilt rows. They enter through its public ``write`` so that
    they take the same road as canonical records (columns from the first rows, batching, metadata
    column): the same rows give the same bytes."""

    def rows_for(self, record: BaseModel) -> list[dict[str, Any]]:
        if isinstance(record, PrebuiltRows):
            return record.rows
        return super().rows_for(record)


def _replace_dir(source: Path, dest: Path) -> None:
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.old")
        os.replace(dest, old)
    os.replace(source, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
