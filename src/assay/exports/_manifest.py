"""The manifest beside every export (``<OUT>.manifest.json``) and `verify_manifest`.

It records where the data came from and what it is: the project's spec, guideline and casebook
versions, the versions the judgements were made under, the filters and options, counts per split and
domain, the number of annotators, the source files with their sha256 (from the imports table), and
the sha256 and size of every file written, so a dataset can be checked and traced years later.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ._errors import ExportError
from ._options import ExportOptions

MANIFEST_FORMAT: Literal["assay-export-manifest/1"] = "assay-export-manifest/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectVersions(_Model):
    """The project as it was when exported."""

    slug: str
    """The project's slug."""
    name: str
    """The project's name."""
    spec_version: int
    """The current spec version."""
    spec_hash: str
    """sha256 of the spec's canonical JSON."""
    guidelines_version: int
    """The guidelines version of that spec."""
    casebook_version: int
    """The casebook version of that spec."""


class JudgementVersions(_Model):
    """How many of the judgements behind the records were made under one spec and guideline version."""

    spec_version: int
    """The spec version the judgement was made under."""
    guidelines_version: int
    """The guidelines version the judgement was made under."""
    judgements: int
    """How many judgements."""


class SourceFile(_Model):
    """A file imported into the project that records of this export come from."""

    source: str
    """The path it was imported from."""
    sha256: str
    """Its sha256 at import time."""
    container: str
    """Its container (jsonl, csv…)."""
    record_schema: str
    """The record schema it was read with."""
    records: int
    """How many records it held."""
    imported_at: datetime
    """When it was imported."""


class Counts(_Model):
    """How many records, and of what."""

    records: int
    """Training records (a HelpSteer record may be several rows)."""
    rows: int
    """Rows written across the files."""
    items: int
    """Distinct items the records come from."""
    per_split: dict[str, int]
    """Records per split ("all" without a split)."""
    per_domain: dict[str, int]
    """Records per item domain ("(none)" for items without one)."""
    per_language: dict[str, int]
    """Records per item language ("(none)" for items without one)."""
    per_split_domain: dict[str, dict[str, int]]
    """Records per split and domain."""


class ManifestFile(_Model):
    """One file written by the export."""

    path: str
    """Relative to the manifest's directory, with forward slashes."""
    sha256: str
    """sha256 of the file's bytes."""
    bytes: int
    """Its size."""
    split: str | None = None
    """The split it belongs to (None without a split)."""
    records: int | None = None
    """Records in it (data files; None for a dataset directory's other files)."""


class Manifest(_Model):
    """Everything about one export that a consumer needs to trust and trace it."""

    format: Literal["assay-export-manifest/1"] = MANIFEST_FORMAT
    """Which manifest layout this is."""
    generated_at: datetime
    """When the export was made (UTC)."""
    assay_version: str
    """The Assay version that made it."""
    project: ProjectVersions
    """The project and its versions."""
    options: ExportOptions
    """The kind, schema, filters, split and options asked for."""
    container: str
    """The container written (jsonl, parquet, hf…)."""
    counts: Counts
    """Record counts per split, domain and language."""
    annotators: int
    """How many people's judgements the records come from."""
    judgements: int
    """How many judgements the records come from."""
    judgement_versions: list[JudgementVersions] = Field(default_factory=list)
    """The spec and guideline versions those judgements were made under."""
    items_flagged: int = 0
    """Items left out because someone flagged them (``exclude_flags``)."""
    sources: list[SourceFile] = Field(default_factory=list)
    """The imported files the exported items and judgements came from."""
    files: list[ManifestFile]
    """The files written, with checksums."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest_staged(manifest: Manifest, final: Path) -> Path:
    """The manifest's JSON in a staging file beside ``final``; the caller renames it into place."""
    staged = final.with_name(f".{final.name}.{secrets.token_hex(4)}.export")
    staged.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return staged


def publish_manifest(staged: Path, final: Path) -> None:
    os.replace(staged, final)


class ManifestCheck(BaseModel):
    """What `verify_manifest` found."""

    manifest: str
    """The manifest checked."""
    files: int
    """Files listed in it."""
    problems: list[str]
    """One line per file that is missing or differs; empty when everything matches."""

    @property
    def ok(self) -> bool:
        return not self.problems


def load_manifest(path: str | Path) -> Manifest:
    path = Path(path)
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise ExportError(f"{path}: no such manifest") from None
    except ValueError as e:
        errors = getattr(e, "errors", None)
        first = errors()[0] if callable(errors) else None
        where = ".".join(str(p) for p in first["loc"]) if first else ""
        message = first["msg"] if first else str(e)
        raise ExportError(f"{path}: not an Assay export manifest ({where + ': ' if where else ''}{message})") from None


def verify_manifest(path: str | Path) -> ManifestCheck:
    """Recompute the sha256 and size of every file the manifest lists."""
    path = Path(path)
    manifest = load_manifest(path)
    base = path.parent
    problems = []
    for f in manifest.files:
        target = base / f.path
        if not target.is_file():
            problems.append(f"{f.path}: missing")
            continue
        size = target.stat().st_size
        if size != f.bytes:
            problems.append(f"{f.path}: {size:,} bytes, the manifest says {f.bytes:,}")
            continue
        digest = sha256_of(target)
        if digest != f.sha256:
            problems.append(f"{f.path}: sha256 {digest}, the manifest says {f.sha256}")
    return ManifestCheck(manifest=str(path), files=len(manifest.files), problems=problems)
