"""Small statistics the scorecards use: Wilson intervals, a two-proportion test, grouped medians,
and the long table of every categorical answer across questions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._fit import QuestionFit
from ._load import FloatArray, IntArray

Z95 = 1.959963984540054


def wilson(successes: float, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Share and its Wilson score interval (Wilson 1927); NaNs for n = 0."""
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_p(s1: float, n1: int, s2: float, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (NaN when undefined)."""
    if n1 <= 0 or n2 <= 0:
        return math.nan
    pooled = (s1 + s2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0 if s1 / n1 == s2 / n2 else 0.0
    z = (s2 / n2 - s1 / n1) / se
    return math.erfc(abs(z) / math.sqrt(2))


def grouped_medians(group: IntArray, values: FloatArray, n_groups: int) -> FloatArray:
    """Median of the finite ``values`` of each group (NaN for a group with none)."""
    keep = np.isfinite(values)
    group, values = group[keep], values[keep]
    order = np.lexsort((values, group))
    group, values = group[order], values[order]
    starts = np.searchsorted(group, np.arange(n_groups))
    ends = np.searchsorted(group, np.arange(n_groups), side="right")
    n = ends - starts
    out = np.full(n_groups, np.nan)
    has = n > 0
    lo = starts[has] + (n[has] - 1) // 2
    hi = starts[has] + n[has] // 2
    out[has] = (values[lo] + values[hi]) / 2.0
    return out


@dataclass(frozen=True)
class AnswerRows:
    """Every categorical answer, one row each, across questions. Codes are global: question q's
    labels are ``offsets[q] .. offsets[q + 1] - 1``."""

    user: IntArray
    judgement: IntArray
    item: IntArray
    question: IntArray
    own: IntArray
    truth: IntArray
    gold: IntArray
    """-1 where the unit has no gold answer."""
    loo: FloatArray
    offsets: IntArray

    @property
    def n_codes(self) -> int:
        return int(self.offsets[-1])

    def __len__(self) -> int:
        return len(self.user)


def answer_rows(fits: list[QuestionFit]) -> AnswerRows:
    offsets = np.r_[0, np.cumsum([f.qr.ratings.n_categories for f in fits])].astype(np.int64)
    ints: dict[str, list[IntArray]] = {k: [] for k in ("user", "judgement", "item", "question", "own", "truth", "gold")}
    loo: list[FloatArray] = []
    for q, f in enumerate(fits):
        r = f.qr.ratings
        off = int(offsets[q])
        gold = f.gold[r.item]
        ints["user"].append(f.qr.user)
        ints["judgement"].append(f.qr.judgement)
        ints["item"].append(f.qr.row_item)
        ints["question"].append(np.full(r.n_ratings, q, dtype=np.int64))
        ints["own"].append(r.label + off)
        ints["truth"].append(f.truth[r.item] + off)
        ints["gold"].append(np.where(gold >= 0, gold + off, -1))
        loo.append(f.loo)

    def cat(parts: list[IntArray]) -> IntArray:
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)

    return AnswerRows(cat(ints["user"]), cat(ints["judgement"]), cat(ints["item"]), cat(ints["question"]),
                      cat(ints["own"]), cat(ints["truth"]), cat(ints["gold"]),
                      np.concatenate(loo) if loo else np.zeros(0), offsets)


def kappa_by_group(group: IntArray, own: IntArray, truth: IntArray, n_groups: int, n_codes: int) -> FloatArray:
    """Cohen's κ between ``own`` and ``truth`` labels within each group (unweighted)."""
    n = np.bincount(group, minlength=n_groups).astype(np.float64)
    hits = np.bincount(group, weights=(own == truth).astype(np.float64), minlength=n_groups)
    a = np.bincount(group * n_codes + own, minlength=n_groups * n_codes).reshape(n_groups, n_codes)
    b = np.bincount(group * n_codes + truth, minlength=n_groups * n_codes).reshape(n_groups, n_codes)
    with np.errstate(invalid="ignore", divide="ignore"):
        po = hits / n
        pe = (a * b).sum(axis=1) / (n * n)
        out: FloatArray = np.where(np.isclose(pe, 1.0), np.nan, (po - pe) / (1.0 - pe))
    return out
