"""The dataset report: one self-contained HTML file (inline SVG charts drawn here, inline CSS, no
JavaScript, nothing fetched) with composition, lengths, duplicates, PII and target mix vs actual."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict

from assay import __version__
from assay._html import table
from assay.prep import _svg
from assay.prep._dedup import DedupOptions, DedupReport, find_duplicates
from assay.prep._lang import detect_language
from assay.prep._pii import PII_TYPES, PiiReport, scan_pii
from assay.prep._records import ProgressFn, RecordSet, TextPart
from assay.prep._stats import MISSING, lengths

TargetMix = dict[str, dict[str, float]]
"""Target shares per field: {"domain": {"STEM": 0.4, ...}, "language": {"en": 0.5, "zh": 0.5}}."""
_TOLERANCE = 0.01


class TargetMixError(ValueError):
    pass


def load_target_mix(path: str | Path) -> TargetMix:
    """Read a target mix from YAML or JSON: field → {value: share}, each field's shares summing to 1."""
    path = Path(path)
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:line {mark.line + 1}" if mark else str(path)
        raise TargetMixError(f"{where}: not valid YAML/JSON: {getattr(e, 'problem', e)}") from None
    return validate_target_mix(data, str(path))


def validate_target_mix(data: Any, source: str = "target mix") -> TargetMix:
    if not isinstance(data, Mapping) or not data:
        raise TargetMixError(f"{source}: expected a mapping of field to shares, e.g. 'domain: {{STEM: 0.5, Humanities: 0.5}}'")
    mix: TargetMix = {}
    for fld, shares in data.items():
        if not isinstance(shares, Mapping) or not shares:
            raise TargetMixError(f"{source}: field '{fld}': expected a mapping of value to share")
        clean: dict[str, float] = {}
        for value, share in shares.items():
            if isinstance(share, bool) or not isinstance(share, int | float) or share < 0:
                raise TargetMixError(f"{source}: field '{fld}.{value}': share must be a number ≥ 0, got {share!r}")
            clean[str(value)] = float(share)
        total = sum(clean.values())
        if abs(total - 1.0) > _TOLERANCE:
            raise TargetMixError(f"{source}: field '{fld}': shares sum to {total:g}, expected 1")
        mix[str(fld)] = clean
    return mix


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class MixRow(_Model):
    field: str
    value: str
    target: float
    """Target share (0..1)."""
    actual: float
    """Share in the data (0..1)."""
    records: int
    """Records with this value."""


class DatasetReport(_Model):
    origin: str
    generated_at: str
    records: int
    text: str
    """Which text was measured and compared."""
    domains: dict[str, int]
    """Records per domain, most common first."""
    languages: dict[str, int]
    """Records per language: declared, else detected offline."""
    languages_detected: int
    """How many of those languages were detected rather than declared."""
    lengths: dict[str, list[int]]
    """Per record: chars, words and approximate tokens (for the charts)."""
    dedup: DedupReport
    pii: PiiReport
    mix: list[MixRow]


def build_report(records: RecordSet, *, text: TextPart = "prompt", target_mix: TargetMix | None = None,
                 dedup: DedupOptions | None = None, progress: ProgressFn | None = None) -> DatasetReport:
    texts = records.texts(text)
    langs: list[str] = []
    detected = 0
    for rec, body in zip(records.records, texts, strict=True):
        if rec.language:
            langs.append(rec.language)
        else:
            langs.append(detect_language(body).language)
            detected += 1
    if progress:
        progress(1, 4)
    domains = Counter(rec.domain or MISSING for rec in records.records)
    measured = lengths(texts)
    dedup_report = find_duplicates(records, dedup or DedupOptions(text=text))
    if progress:
        progress(2, 4)
    pii = scan_pii(records, text="all")
    if progress:
        progress(3, 4)
    mix: list[MixRow] = []
    for fld, shares in (target_mix or {}).items():
        values = langs if fld == "language" else [_field(rec.get(fld)) for rec in records.records]
        counts = Counter(values)
        n = max(1, len(values))
        for value in [*shares, *sorted(set(counts) - set(shares))]:
            mix.append(MixRow(field=fld, value=value, target=shares.get(value, 0.0), actual=counts.get(value, 0) / n,
                              records=counts.get(value, 0)))
    if progress:
        progress(4, 4)
    return DatasetReport(
        origin=records.origin, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), records=len(records),
        text=text, domains=dict(domains.most_common()), languages=dict(Counter(langs).most_common()),
        languages_detected=detected, lengths={k: v.tolist() for k, v in measured.items()}, dedup=dedup_report,
        pii=pii, mix=mix,
    )


def _field(value: Any) -> str:
    return MISSING if value is None or value == "" else str(value)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f5f5f5}.num{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:flex;flex-wrap:wrap;gap:1.5em}.muted{color:#666}.off{color:#b00}
code{background:#f5f5f5;padding:0 .2em}
"""


def render_html(report: DatasetReport) -> str:
    """The report as one HTML document. All data-derived text is escaped."""
    n = max(1, report.records)
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>Dataset report: {escape(report.origin)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Dataset report: {escape(report.origin)}</h1>",
        f'<p class="muted">{report.records:,} records · text measured: {escape(report.text)} · '
        f"generated {escape(report.generated_at)} by Assay {escape(__version__)}</p>",
        "<h2>Summary</h2>",
        table(["measure", "value"], [
            ["records", f"{report.records:,}"],
            ["domains", len(report.domains)],
            ["languages", f"{len(report.languages)} ({report.languages_detected:,} detected, the rest declared)"],
            ["exact-duplicate clusters", f"{report.dedup.exact_clusters:,}"],
            ["near-duplicate clusters", f"{report.dedup.near_clusters:,}"],
            ["records a dedup would drop", f"{report.dedup.duplicates:,} ({report.dedup.duplicates / n:.1%})"],
            ["records with PII", f"{report.pii.records_with_pii:,} ({report.pii.records_with_pii / n:.1%})"],
        ]),
        "<h2>Composition</h2><div class=\"grid\">",
        _svg.bars(list(report.domains.items()), title="Records by domain"),
        _svg.bars(list(report.languages.items()), title="Records by language"),
        "</div>",
    ]
    if report.mix:
        parts.append("<h2>Target mix against the actual one</h2><div class=\"grid\">")
        for fld in dict.fromkeys(r.field for r in report.mix):
            mix_rows = [r for r in report.mix if r.field == fld]
            parts.append(_svg.paired_bars([(r.value, r.target, r.actual) for r in mix_rows], title=f"{fld}: target vs actual"))
        parts.append("</div>")
        parts.append(table(
            ["field", "value", "target", "actual", "records", "difference"],
            [[r.field, r.value, f"{r.target:.1%}", f"{r.actual:.1%}", f"{r.records:,}", f"{r.actual - r.target:+.1%}"]
             for r in report.mix], {2, 3, 4, 5}))
    parts.append("<h2>Lengths</h2><div class=\"grid\">")
    for key, label in (("chars", "characters"), ("words", "words (CJK characters count one each)"),
                       ("tokens", "approximate tokens")):
        values = np.asarray(report.lengths[key], dtype=np.int64)
        parts.append(_svg.histogram(values, title=f"Records by {label}"))
    parts.append("</div>")
    length_rows: list[list[Any]] = []
    for key in ("chars", "words", "tokens"):
        v = np.asarray(report.lengths[key], dtype=np.int64)
        if len(v):
            p = np.percentile(v, [50, 90, 99])
            length_rows.append([key, f"{v.mean():,.1f}", f"{p[0]:,.0f}", f"{p[1]:,.0f}", f"{p[2]:,.0f}", f"{v.max():,}"])
    parts.append(table(["measure", "mean", "p50", "p90", "p99", "max"], length_rows, {1, 2, 3, 4, 5}))
    d = report.dedup
    parts.append("<h2>Duplicates</h2>")
    parts.append(f"<p>Exact: normalised text hash. Near: MinHash LSH, Jaccard ≥ {d.options.threshold} over "
                 f"{d.options.word_ngram}-word / {d.options.char_ngram}-character shingles ({d.bands} bands × "
                 f"{d.rows} rows, {d.options.num_perm} permutations), verified on exact shingle sets. "
                 f"Keep policy: <code>{escape(d.options.keep)}</code>.</p>")
    biggest = sorted(d.clusters, key=lambda c: -len(c.members))[:15]
    parts.append(table(["cluster", "kind", "size", "kept", "others (similarity)"], [
        [c.cluster, c.kind, len(c.members), next(m.where for m in c.members if m.keep),
         ", ".join(f"{m.where} ({m.similarity:.2f})" for m in c.members if not m.keep)[:400]]
        for c in biggest], {0, 2}) if biggest else "<p>No duplicates.</p>")
    pii = report.pii
    parts.append("<h2>PII</h2><div class=\"grid\">")
    parts.append(_svg.bars([(t, pii.counts.get(t, 0)) for t in PII_TYPES], title="Matches by type"))
    parts.append("</div>")
    sample_rows = [[t, s.where, s.context] for t, samples in pii.samples.items() for s in samples]
    parts.append(table(["type", "where", "context (redacted)"], sample_rows) if sample_rows else "<p>No PII found.</p>")
    parts.append("</body></html>")
    return "".join(parts)
