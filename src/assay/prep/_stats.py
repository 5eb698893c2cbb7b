"""Length and token statistics per record and percentiles per group (domain, language, any field)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from assay.prep._records import ProgressFn, RecordSet, TextPart
from assay.prep._text import approx_tokens, word_count

MEASURES: tuple[str, ...] = ("chars", "words", "tokens")
PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95, 99)
MISSING = "(none)"


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class Distribution(_Model):
    count: int
    mean: float
    min: int
    max: int
    percentiles: dict[str, float]
    """p5, p25, p50, p75, p95, p99 (linear interpolation, NumPy's default)."""
    total: int


class GroupStats(_Model):
    group: dict[str, str]
    """The group's value of each grouping field ("(none)" when a record lacks it); empty for all records."""
    records: int
    chars: Distribution
    words: Distribution
    """Words, each CJK character counted as one."""
    tokens: Distribution
    """Approximate tokens: ceil(non-CJK characters / 4) + CJK characters."""


class LengthReport(_Model):
    origin: str
    text: str
    """Which text was measured: prompt, response or all."""
    by: list[str]
    overall: GroupStats
    groups: list[GroupStats]
    token_method: str
    """How tokens were counted."""


def lengths(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Per text: characters, words (CJK-aware) and approximate tokens."""
    return {
        "chars": np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)),
        "words": np.fromiter((word_count(t) for t in texts), dtype=np.int64, count=len(texts)),
        "tokens": np.fromiter((approx_tokens(t) for t in texts), dtype=np.int64, count=len(texts)),
    }


def distribution(values: np.ndarray) -> Distribution:
    if len(values) == 0:
        return Distribution(count=0, mean=0.0, min=0, max=0, percentiles={f"p{p}": 0.0 for p in PERCENTILES}, total=0)
    pct = np.percentile(values, PERCENTILES)
    return Distribution(
        count=len(values), mean=round(float(values.mean()), 2), min=int(values.min()), max=int(values.max()),
        percentiles={f"p{p}": round(float(v), 2) for p, v in zip(PERCENTILES, pct, strict=True)},
        total=int(values.sum()),
    )


def group_keys(records: RecordSet, by: Sequence[str]) -> list[tuple[str, ...]]:
    """Each record's value of each field in `by`, as text ("(none)" when missing)."""
    out = []
    for rec in records.records:
        values = []
        for name in by:
            v = rec.get(name)
            values.append(MISSING if v is None or v == "" else str(v))
        out.append(tuple(values))
    return out


def length_stats(records: RecordSet, *, text: TextPart = "prompt", by: Sequence[str] = ("domain", "language"),
                 progress: ProgressFn | None = None) -> LengthReport:
    texts = records.texts(text)
    measured = lengths(texts)
    if progress:
        progress(len(texts), len(texts))
    keys = group_keys(records, by)

    def stats(idx: np.ndarray, group: dict[str, str]) -> GroupStats:
        return GroupStats(group=group, records=len(idx), **{m: distribution(measured[m][idx]) for m in MEASURES})

    overall = stats(np.arange(len(texts)), {})
    members: dict[tuple[str, ...], list[int]] = {}
    for i, k in enumerate(keys):
        members.setdefault(k, []).append(i)
    groups = [stats(np.array(ix, dtype=np.int64), dict(zip(by, k, strict=True)))
              for k, ix in sorted(members.items())] if by else []
    return LengthReport(origin=records.origin, text=text, by=list(by), overall=overall, groups=groups,
                        token_method="approximate: ceil(non-CJK characters / 4) + CJK characters")
