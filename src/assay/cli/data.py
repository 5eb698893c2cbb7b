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
    file: Annotated[Path, typer.Argument(help="JSONL, JSON, CSV, TSV, Parquet or XLSX file, or a Hugging Face save_to_disk directory.")],
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
    redact_pii: Annotated[bool, typer.Option("--redact-pii", help="Replace emails, phones, cards, keys, ID numbers... with typed placeholders before storing.")] = False,
    detect_language: Annotated[bool, typer.Option("--detect-language", help="Fill in the language of items that name none (offline model).")] = False,
    drop_duplicates: Annotated[bool, typer.Option("--drop-duplicates", help="Leave out items whose normalised prompt repeats an earlier one of the file.")] = False,
    check_math: Annotated[bool, typer.Option("--check-math", help="Check each response's final answer against the reference (math-verify); stored on the response.")] = False,
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
      assay import stem-rubric raw.jsonl --redact-pii --detect-language --drop-duplicates --check-math
      assay import qa-bench logs/2026-03-14_gsm8k.eval --schema inspect
      assay import qa-bench samples_gsm8k_2026-03-14T10-22-31.jsonl --schema lm-eval
    """
    if schema is None and file.suffix.lower() == ".eval":
        schema = "inspect"  # only Inspect AI writes .eval archives
    if schema is not None and schema.replace("_", "-") in RESULT_SCHEMAS:
        if container or map_ or mapping_file or skip_invalid or rejects or sheet:
            fail(f"--schema {schema} takes no --format, --map, --mapping-file, --skip-invalid, --rejects or --sheet", 2)
        _import_results(ctx, project, file, schema, results, batch_input, dry_run)
        return
    if results is not None or batch_input is not None:
        fail("--results goes with --schema lm-eval and --batch-input with --schema openai-batch", 2)
    mapping = _parse_map(map_ or [], mapping_file)
    db = db_from(ctx)
    prep = None
    if redact_pii or detect_language or drop_duplicates or check_math:
        from assay.prep import ImportPrep

        prep = ImportPrep(redact_pii=redact_pii, detect_language=detect_language, drop_duplicates=drop_duplicates,
                          check_math=check_math)
    with progress_bar(f"importing {file.name}", "bytes") as update:
        report = import_file(
            db, project, file, container=container, schema=schema, mapping=mapping or None,
            skip_invalid=skip_invalid, rejects_path=rejects, dry_run=dry_run, sheet=sheet, progress=update, prep=prep,
        )
    what = "would import" if report.dry_run else "imported"
    console.print(f"{file}: {report.records} records ({report.container}, schema {report.schema}) in {report.seconds:.1f}s")
    if report.schema == "judgements":
        console.print(f"  {what}: {report.judgements_added} new judgements, {report.judgements_updated} updated, "
                      f"{report.answers} answers, {report.users_added} new annotators")
    else:
        console.print(f"  {what}: {report.items_added} new items ({report.items_existing} already present), "
                      f"{report.responses_added} new responses ({report.responses_existing} already present)")
    for step, what in report.prep.items():
        console.print(f"  {step.replace('_', ' ')}: {what}", highlight=False)
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
    out: Annotated[Path, typer.Argument(help="Output file; the extension picks the format (no extension with --as: a Hugging Face directory).")],
    form: Annotated[str | None, typer.Option("--form", help="wide: one row per item with responses and judgements; long: one row per judgement answer. With --as: conversational or standard (TRL schemas).")] = None,
    container: Annotated[str | None, typer.Option("--format", "-f", help="jsonl, json, csv, tsv, parquet or xlsx (with --as also hf).")] = None,
    include_drafts: Annotated[bool, typer.Option("--include-drafts", help="Also export draft judgements.")] = False,
    xlsx_overflow: Annotated[str, typer.Option("--xlsx-overflow", help="Cells over Excel's 32,767 characters: 'error' or 'split' (rest in an overflow sheet).")] = "error",
    kind: Annotated[str | None, typer.Option("--as", help="Training data built from judgements: preference, sft, kto or ratings.")] = None,
    schema: Annotated[str | None, typer.Option("--schema", "-s", help="With --as: the record schema (assay formats), or 'table' for ratings.")] = None,
    question: Annotated[str | None, typer.Option("--question", help="Source question: compare/rank (preference), text with purpose response/rewrite (sft).")] = None,
    per: Annotated[str | None, typer.Option("--per", help="consensus, judgement or mean: one record per consensus answer, per judgement, or from mean ratings.")] = None,
    pairs: Annotated[str, typer.Option("--pairs", help="Rankings and rating differences: all pairs, or best-worst.")] = "all",
    from_ratings: Annotated[str | None, typer.Option("--from-ratings", help="Preference pairs from this per-response rating question.")] = None,
    margin: Annotated[float, typer.Option("--margin", help="With --from-ratings: least difference of ratings that makes a pair.")] = 1.0,
    best_response: Annotated[str | None, typer.Option("--best-response", help="SFT from each item's best response by this rating question.")] = None,
    min_score: Annotated[float | None, typer.Option("--min-score", help="With --best-response: the least rating the best response needs.")] = None,
    label_from: Annotated[str | None, typer.Option("--label-from", help="KTO: the choice (with --desirable) or rating (with --threshold) question.")] = None,
    desirable: Annotated[list[str] | None, typer.Option("--desirable", help="KTO: choice values that count as desirable, e.g. yes,safe.")] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="KTO from ratings: ratings at or above this are desirable.")] = None,
    criteria: Annotated[list[str] | None, typer.Option("--criteria", help="Ratings: the rating questions to export (default: all per-response ones).")] = None,
    from_imported: Annotated[bool, typer.Option("--from-imported", help="Re-export the training labels imported files brought in, instead of judgements.")] = False,
    implicit_prompt: Annotated[bool, typer.Option("--implicit-prompt", help="trl-preference: no prompt column; chosen/rejected hold the whole conversation.")] = False,
    no_metadata: Annotated[bool, typer.Option("--no-metadata", help="Leave out the lineage keys (id, domain, language, models, annotator).")] = False,
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", help="Only consensus answers with at least this confidence (0-1).")] = None,
    min_agreement: Annotated[float | None, typer.Option("--min-agreement", help="Only units where at least this share of annotators agree with the consensus (0-1).")] = None,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Only judgements a reviewer accepted or corrected (and did not reject later).")] = False,
    exclude_flags: Annotated[list[str] | None, typer.Option("--exclude-flags", help="Leave out items flagged with these span labels or choice answers, e.g. hallucination,unsafe.")] = None,
    domain: Annotated[list[str] | None, typer.Option("--domain", help="Only these domains (repeat or comma-separate; Domain/Subdomain works).")] = None,
    language: Annotated[list[str] | None, typer.Option("--language", help="Only these languages (zh includes zh-Hans, zh-TW).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only judgements submitted at or after this ISO time (UTC unless a zone is given).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only judgements submitted before this ISO time.")] = None,
    include_gold: Annotated[bool, typer.Option("--include-gold", help="Also export gold items (left out by default).")] = False,
    split: Annotated[str | None, typer.Option("--split", help="Shares per split, e.g. train=0.9,validation=0.05,test=0.05: one file per split.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="The split's seed: same seed, same items, same split.")] = 0,
    no_stratify: Annotated[bool, typer.Option("--no-stratify", help="Split by item id and seed alone (stable as items are added) instead of exactly per domain.")] = False,
) -> None:
    """Export a project's items, responses and judgements, or training data built from the judgements.

    Without --as: the project's data in wide or long form. With --as KIND --schema SCHEMA: training
    records (preference pairs, SFT, KTO, reward ratings) in any schema of `assay formats` and any
    container, with filters, an optional train/validation/test split, and OUT.manifest.json beside
    it (counts, filters, versions, source files and checksums; check it with `assay verify`).

    Examples:

    \b
      assay export stem-rubric items.jsonl
      assay export stem-rubric answers.parquet --form long
      assay export pairwise-preference dpo.jsonl --as preference --schema openai-dpo --per judgement
      assay export pairwise-preference prefs --as preference --schema trl-preference --min-confidence 0.8 --split train=0.9,test=0.1 --seed 7
      assay export stem-rubric pairs.parquet --as preference --schema trl-preference --from-ratings correctness --margin 2
      assay export sft-writing sft.jsonl --as sft --schema openai-chat --approved-only --exclude-flags unsafe
      assay export stem-rubric kto.jsonl --as kto --schema trl-kto --label-from final_answer_correct --desirable yes
      assay export stem-rubric rewards.jsonl --as ratings --schema ultrafeedback
    """
    if kind is not None:
        from assay.cli.exports import training_export

        if include_drafts:
            fail("--include-drafts does not apply to --as exports: training data comes from submitted work", 2)
        training_export(
            ctx, project, out, kind=kind, schema=schema, container=container, form=form, split=split, seed=seed,
            stratify=not no_stratify,
            filters={"min_confidence": min_confidence, "min_agreement": min_agreement, "approved_only": approved_only,
                     "exclude_flags": exclude_flags, "domains": domain, "languages": language, "since": since,
                     "until": until, "include_gold": include_gold},
            options={"question": question, "per": per, "pairs": pairs, "from_ratings": from_ratings, "margin": margin,
                     "best_response": best_response, "min_score": min_score, "label_from": label_from,
                     "desirable": desirable, "threshold": threshold, "criteria": criteria,
                     "labels": "imported" if from_imported else "people", "implicit_prompt": implicit_prompt,
                     "include_metadata": not no_metadata},
        )
        return
    if schema is not None or split is not None:
        fail("--schema and --split go with --as KIND (training data); without --as, use --form wide or long", 2)
    form = form or "wide"
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
