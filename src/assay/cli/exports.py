"""`assay export PROJECT OUT --as KIND` (training data built from judgements) and `assay verify MANIFEST`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli._common import console, db_from, err, fail, friendly_errors, progress_bar
from assay.exports import ExportError, Filters, Split, export_dataset, make_options, verify_manifest

KINDS_HELP = ("preference (openai-dpo, trl-preference, hh-rlhf), sft (openai-chat, sharegpt, alpaca, trl-*), "
              "kto (trl-kto), ratings (ultrafeedback, helpsteer, table)")


def _list(values: list[str] | None) -> tuple[str, ...]:
    """Repeated options and comma lists alike: --domain STEM --domain Humanities, or --domain STEM,Humanities."""
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def _when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option} {value!r}: expected an ISO date or time, e.g. 2026-11-01 or 2026-11-01T09:00:00+08:00", 2)


def training_export(ctx: typer.Context, project: str, out: Path, *, kind: str, schema: str | None,
                    container: str | None, form: str | None, split: str | None, seed: int, stratify: bool,
                    filters: dict[str, Any], options: dict[str, Any]) -> None:
    """The `--as KIND` half of `assay export` (see `assay.cli.data.export` for the flags)."""
    if schema is None:
        fail(f"--as {kind} needs --schema; {KINDS_HELP}", 2)
    if form is not None and form not in ("conversational", "standard"):
        fail(f"--form with --as is conversational or standard (TRL schemas), not {form!r}", 2)
    try:
        chosen = make_options(
            kind=kind, record_schema=schema, container=container, form=form or "conversational",
            filters=Filters(**{**filters, "since": _when(filters.get("since"), "--since"),
                               "until": _when(filters.get("until"), "--until"),
                               "exclude_flags": _list(filters.get("exclude_flags")),
                               "domains": _list(filters.get("domains")),
                               "languages": _list(filters.get("languages"))}),
            split=Split.parse(split, seed, stratify=stratify) if split else None,
            desirable=_list(options.pop("desirable", None)), criteria=_list(options.pop("criteria", None)),
            **options,
        )
    except ValueError as e:
        message = str(e) if isinstance(e, ExportError) else _pydantic_message(e)
        fail(message, 2)
    db = db_from(ctx)
    with progress_bar(f"exporting {project} ({kind}, {schema})", "records") as update:
        report = export_dataset(db, project, out, chosen, progress=update)
    m = report.manifest
    splits = ", ".join(f"{name} {n:,}" for name, n in m.counts.per_split.items())
    people = f"{m.annotators} annotator{'s' if m.annotators != 1 else ''}"
    console.print(f"Wrote {m.counts.records:,} {kind} records ({m.counts.items:,} items, {people}; "
                  f"{splits}) as {m.options.record_schema} ({m.container}) in {report.seconds:.1f}s")
    for f in report.files:
        console.print(f"  {f.path}  {f.records:,} records  {f.bytes:,} bytes  sha256 {f.sha256[:16]}…", highlight=False)
    console.print(f"  manifest: {report.manifest_path}", highlight=False)


def _pydantic_message(e: ValueError) -> str:
    errors = getattr(e, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {str(first.get('msg', e)).removeprefix('Value error, ')}"
    return str(e)


@friendly_errors
def verify(
    manifest: Annotated[Path, typer.Argument(help="An export's manifest (OUT.manifest.json).", dir_okay=False)],
) -> None:
    """Check an export against its manifest: recompute every file's sha256 and size.

    Exits with status 1 when a file is missing or differs.

    Example:

    \b
      assay verify dpo.jsonl.manifest.json
    """
    try:
        check = verify_manifest(manifest)
    except ExportError as e:
        fail(str(e), 2)
    if check.ok:
        console.print(f"{manifest}: all {check.files} files match their sha256 and size")
        return
    for line in check.problems:
        err.print(f"  {line}", highlight=False)
    fail(f"{manifest}: {len(check.problems)} of {check.files} files do not match")
