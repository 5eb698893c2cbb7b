"""`assay import` and `assay export`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import yaml

from assay.cli._common import console, db_from, err, fail, friendly_errors, progress_bar
from assay.evals.imports import SCHEMAS as RESULT_SCHEMAS
from assay.io import export_project, import_file
from assay.io.schemas import MAPPING_TARGETS, SCHEMAS

_SCHEMA_LINES = "\n".join(f"      {name:<12} {text}" for name, text in SCHEMAS.items()).lstrip()
# Other evaluation tools' result files (assay.evals.imports): items, responses and their scores.
_SCHEMA_LINES += "\n" + "\n".join(f"      {name:<12} {text}" for name, text in RESULT_SCHEMAS.items())


def _parse_map(pairs: list[str], mapping_file: Path | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    if mapping_file is not None:
        loaded: Any = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            fail(f"{mapping_file}: expected a YAML mapping of Assay field to source field, e.g. 'prompt: question.text'", 2)
        mapping.update({str(k): v for k, v in loaded.items()})
    for pair in pairs:
        target, sep, source = pair.partition("=")
        if not sep:
            fail(f"--map {pair!r}: expected TARGET=SOURCE, e.g. --map prompt=question.text", 2)
        mapping[target.strip()] = source.strip()
    return mapping


@friendly_errors
def import_(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project slug.")],
    file: Annotated[Path, typer.Argument(help="JSONL, JSON, CSV, TSV, Parquet or XLSX file.", dir_okay=False)],
    schema: Annotated[str | None, typer.Option("--schema", "-s", help=f"Record schema: {', '.join(SCHEMAS)} (detected if omitted).")] = None,
    container: Annotated[str | None, typer.Option("--format", "-f", help="Container: jsonl, json, csv, tsv, parquet, xlsx (from the extension if omitted).")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", "-m", help=f"TARGET=SOURCE field mapping (dotted paths for nested fields); targets: {', '.join(MAPPING_TARGETS)}, metadata.KEY.")] = None,
    mapping_file: Annotated[Path | None, typer.Option("--mapping-file", help="YAML file of TARGET: SOURCE pairs.", exists=True, dir_okay=False)] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Import the good records and write the bad ones, with reasons, to the rejects file.")] = False,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Where --skip-invalid writes bad records (default FILE.rejects.jsonl).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate everything, import nothing.")] = False,
    sheet: Annotated[str | None, typer.Option("--sheet", help="XLSX sheet name (default: the first).")] = None,
    results: Annotated[Path | None, typer.Option("--results", help="--schema lm-eval: the results_<time>.json of the samples file (found beside it if omitted).", exists=True, dir_okay=False)] = None,
    batch_input: Annotated[Path | None, typer.Option("--batch-input", help="--schema openai-batch: the batch's input file (the prompts).", exists=True, dir_okay=False)] = None,
) -> None:
    """Import items, responses or existing judgements into a project.

    All or nothing: a file with any bad record imports nothing and every bad record is reported with
    its line (or row) and field. Importing the same file again adds nothing.

    Record schemas (detected from the first records unless --schema is given):

    \b
      {schemas}

    Examples:

    \b
      assay import stem-rubric prompts.jsonl
      assay import stem-rubric export.csv --map prompt=question --map response=answer --map model=meta.model
      assay import stem-rubric history.csv --schema judgements --skip-invalid
      assay import qa-bench logs/2026-03-14_gsm8k.eval --schema inspect
      assay import qa-bench samples_gsm8k_2026-03-14T10-22-31.jsonl --schema lm-eval
    """
    if schema is not None and schema.replace("_", "-") in RESULT_SCHEMAS:
        if container or map_ or mapping_file or skip_invalid or rejects or sheet:
            fail(f"--schema {schema} takes no --format, --map, --mapping-file, --skip-invalid, --rejects or --sheet", 2)
        _import_results(ctx, project, file, schema, results, batch_input, dry_run)
        return
    if results is not None or batch_input is not None:
        fail("--results goes with --schema lm-eval and --batch-input with --schema openai-batch", 2)
    mapping = _parse_map(map_ or [], mapping_file)
    db = db_from(ctx)
    with progress_bar(f"importing {file.name}", "bytes") as update:
        report = import_file(
            db, project, file, container=container, schema=schema, mapping=mapping or None,
            skip_invalid=skip_invalid, rejects_path=rejects, dry_run=dry_run, sheet=sheet, progress=update,
        )
    what = "would import" if report.dry_run else "imported"
    console.print(f"{file}: {report.records} records ({report.container}, schema {report.schema}) in {report.seconds:.1f}s")
    if report.schema == "judgements":
        console.print(f"  {what}: {report.judgements_added} new judgements, {report.judgements_updated} updated, "
                      f"{report.answers} answers, {report.users_added} new annotators")
    else:
        console.print(f"  {what}: {report.items_added} new items ({report.items_existing} already present), "
                      f"{report.responses_added} new responses ({report.responses_existing} already present)")
    if report.rejected:
        console.print(f"  rejected: {report.rejected} (reasons in {report.rejects_path or 'the report above'})")
        for line in report.issue_lines(5):
            console.print(f"    {line}", highlight=False)


import_.__doc__ = (import_.__doc__ or "").replace("{schemas}", _SCHEMA_LINES)


def _import_results(ctx: typer.Context, project: str, file: Path, schema: str, results: Path | None,
                    batch_input: Path | None, dry_run: bool) -> None:
    """`assay import --schema inspect|lm-eval|promptfoo|openai-batch`: scores stored as verdicts of an
    imported run, which `assay eval --source '<tool>: <task>'` reads."""
    from assay.evals.imports import EvalImportError, EvalImportFailed, import_results

    db = db_from(ctx)
    try:
        with progress_bar(f"importing {file.name}") as update:
            report = import_results(db, project, file, schema=schema, results=results, batch_input=batch_input,
                                    dry_run=dry_run, progress=update)
    except EvalImportFailed as e:
        for line in e.issues[:20]:
            err.print(line, highlight=False, soft_wrap=True)
        if e.bad > 20:
            err.print(f"... and {e.bad - 20} more", highlight=False)
        fail(f"{e.bad} of {e.records} records are invalid; nothing was imported")
    except EvalImportError as e:
        fail(str(e), 2)
    what = "would import" if report.dry_run else "imported"
    console.print(f"{file}: {report.records} records ({report.record_schema}, {report.container}) in {report.seconds:.1f}s")
    console.print(f"  {what}: {report.items_added} new items ({report.items_existing} already present), "
                  f"{report.responses_added} new responses ({report.responses_existing} already present) "
                  f"of {', '.join(report.models) or 'no model'}")
    if report.run is not None:
        console.print(f"  {report.verdicts_added} new scores ({report.verdicts_existing} already present) in run "
                      f"'{report.run}': {', '.join(report.criteria) or 'no new criteria'}", highlight=False)
        console.print(f"  see them with: assay eval scores {project} --source '{report.run}'", highlight=False)
    if report.without_response:
        console.print(f"  {report.without_response} records without a model response (item only)")
    for note in report.notes[:20]:
        console.print(f"    {note}", highlight=False)


@friendly_errors
def export(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project slug.")],
    out: Annotated[Path, typer.Argument(help="Output file; the extension picks the format.", dir_okay=False)],
    form: Annotated[str, typer.Option("--form", help="wide: one row per item with responses and judgements; long: one row per judgement answer.")] = "wide",
    container: Annotated[str | None, typer.Option("--format", "-f", help="jsonl, json, csv, tsv, parquet or xlsx.")] = None,
    include_drafts: Annotated[bool, typer.Option("--include-drafts", help="Also export draft judgements.")] = False,
    xlsx_overflow: Annotated[str, typer.Option("--xlsx-overflow", help="Cells over Excel's 32,767 characters: 'error' or 'split' (rest in an overflow sheet).")] = "error",
) -> None:
    """Export a project's items, responses and judgements.

    Examples:

    \b
      assay export stem-rubric items.jsonl
      assay export stem-rubric answers.parquet --form long
    """
    if form not in ("wide", "long"):
        fail(f"--form must be wide or long, not {form!r}", 2)
    if xlsx_overflow not in ("error", "split"):
        fail(f"--xlsx-overflow must be error or split, not {xlsx_overflow!r}", 2)
    form_: Literal["wide", "long"] = "wide" if form == "wide" else "long"
    overflow: Literal["error", "split"] = "error" if xlsx_overflow == "error" else "split"
    db = db_from(ctx)
    with progress_bar(f"exporting {project}", "items") as update:
        report = export_project(db, project, out, form=form_, container=container, include_drafts=include_drafts,
                                xlsx_overflow=overflow, progress=update)
    console.print(f"Wrote {report.rows} rows ({report.items} items, {report.form} form, {report.container}) to {out} "
                  f"in {report.seconds:.1f}s")
