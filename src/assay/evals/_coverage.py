"""Coverage–accuracy curve: when may a judge verdict stand without a human?

Items are sorted by the judge's confidence; letting the judge decide every item whose confidence
is at least t covers a share of the items (the coverage) with some accuracy against the human
labels. The curve has one point per distinct confidence value; a manager picks the threshold with
the largest coverage whose accuracy (or, conservatively, the lower end of its Wilson interval)
meets a target.

Confidence can come from anywhere: a judge's own stated confidence, the agreement among several
judges (`judge_consensus`), or agreement between the two orders of a pairwise judgement (the
same function over the two verdicts: 1 when they agree, ½ when they do not). An item the judge
left unscored is never covered: it always needs a human.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._errors import EvalError
from ._frame import FloatArray
from ._intervals import check_confidence, wilson_interval

CURVE_COLUMNS = ("threshold", "n_covered", "coverage", "accuracy", "wilson_low", "wilson_high")


@dataclass(frozen=True, eq=False)
class CoverageCurve:
    """The curve and the operating point chosen for ``target``."""

    curve: pd.DataFrame
    """One row per distinct confidence, highest first: threshold, n_covered, coverage (share of
    all items), accuracy against the humans on the covered items, wilson_low, wilson_high."""
    target: float
    """The accuracy asked for."""
    conservative: bool
    """Whether the target was checked against the Wilson lower bound rather than the accuracy."""
    threshold: float
    """The lowest confidence at which judge verdicts may stand (NaN when no threshold meets the target)."""
    coverage: float
    """The share of items the judge then decides alone (0 when none)."""
    accuracy: float
    """The accuracy on those items (NaN when none)."""
    n_items: int
    """All items, scored or not."""
    n_unscored: int
    """Items without a judge label: never covered."""


def coverage_accuracy(
    human: Sequence[Any] | npt.ArrayLike,
    judge: Sequence[Any] | npt.ArrayLike,
    judge_confidence: Sequence[float] | npt.ArrayLike,
    *,
    target: float = 0.9,
    tolerance: float = 0.0,
    conservative: bool = False,
    confidence: float = 0.95,
) -> CoverageCurve:
    """The coverage–accuracy curve of ``judge`` labels against ``human`` labels (aligned by item)
    ordered by ``judge_confidence`` (higher = surer). A judge label is correct when it equals the
    human label, or, with ``tolerance`` > 0 and numeric labels, when it is within ``tolerance``.
    ``confidence``: level of the Wilson intervals."""
    check_confidence(confidence)
    if not 0.0 < target <= 1.0:
        raise EvalError(f"target accuracy must be in (0, 1], not {target}")
    h = pd.Series(np.asarray(human, dtype=object).ravel(), dtype=object)
    j = pd.Series(np.asarray(judge, dtype=object).ravel(), dtype=object)
    c = np.asarray(judge_confidence, dtype=np.float64).ravel()
    if not len(h) == len(j) == len(c):
        raise EvalError(f"human, judge and judge_confidence differ in length ({len(h)}, {len(j)}, {len(c)})")
    if not len(h):
        raise EvalError("no items")
    if h.isna().any():
        raise EvalError(f"human label {int(np.flatnonzero(h.isna().to_numpy())[0]) + 1} is missing")
    scored = ~(j.isna() | j.astype(str).str.strip().eq("")).to_numpy() & np.isfinite(c)
    correct = _correct(h[scored], j[scored], tolerance)
    order = np.argsort(-c[scored], kind="stable")
    sorted_confidence, hits = c[scored][order], correct[order]
    # The last position of each run of equal confidence: a threshold admits all of them at once.
    ends = np.flatnonzero(np.r_[sorted_confidence[1:] != sorted_confidence[:-1], True]) if len(order) else order
    n_covered = (ends + 1).astype(np.float64)
    n_correct = np.cumsum(hits)[ends] if len(order) else np.zeros(0)
    low, high = wilson_interval(n_correct, n_covered, confidence)
    curve = pd.DataFrame({
        "threshold": sorted_confidence[ends],
        "n_covered": n_covered.astype(np.int64),
        "coverage": n_covered / len(h),
        "accuracy": n_correct / np.maximum(n_covered, 1),
        "wilson_low": low,
        "wilson_high": high,
    }, columns=list(CURVE_COLUMNS))
    measured = curve["wilson_low" if conservative else "accuracy"].to_numpy()
    meets = np.flatnonzero(measured >= target - 1e-12)
    best = int(meets[np.argmax(curve["coverage"].to_numpy()[meets])]) if len(meets) else None
    return CoverageCurve(
        curve=curve, target=target, conservative=conservative,
        threshold=float(curve["threshold"].iloc[best]) if best is not None else np.nan,
        coverage=float(curve["coverage"].iloc[best]) if best is not None else 0.0,
        accuracy=float(curve["accuracy"].iloc[best]) if best is not None else np.nan,
        n_items=len(h), n_unscored=int((~scored).sum()),
    )


def judge_consensus(labels: pd.DataFrame | npt.ArrayLike) -> tuple[npt.NDArray[Any], FloatArray]:
    """(label, confidence) per item from several judges' labels (items × judges; missing labels
    allowed): the most frequent label (ties go to the label first in sorted order) and the share
    of the item's judges who gave it. Items no judge labelled get None and confidence NaN."""
    frame = pd.DataFrame(labels)
    values = frame.to_numpy(dtype=object)
    n_items, n_judges = values.shape
    flat = pd.Series(values.ravel(), dtype=object)
    present = ~(flat.isna() | flat.astype(str).str.strip().eq("")).to_numpy()
    text = flat.astype(str).to_numpy(dtype=object)
    categories, first, code = np.unique(text[present], return_index=True, return_inverse=True)
    item = np.repeat(np.arange(n_items), n_judges)[present]
    k = max(len(categories), 1)
    counts = np.bincount(item * k + code.reshape(-1), minlength=n_items * k).reshape(n_items, k)
    given = counts.sum(axis=1)
    original = flat.to_numpy(dtype=object)[present][first]  # each label as the first judge gave it
    label = np.full(n_items, None, dtype=object)
    label[given > 0] = original[counts.argmax(axis=1)[given > 0]]
    with np.errstate(divide="ignore", invalid="ignore"):
        confidence = np.where(given > 0, counts.max(axis=1) / given, np.nan)
    return label, confidence


def _correct(human: pd.Series, judge: pd.Series, tolerance: float) -> npt.NDArray[np.bool_]:
    if tolerance > 0:
        h, j = pd.to_numeric(human, errors="coerce").to_numpy(), pd.to_numeric(judge, errors="coerce").to_numpy()
        if not (np.isfinite(h).all() and np.isfinite(j).all()):
            raise EvalError("a tolerance needs numeric human and judge labels")
        return np.asarray(np.abs(h - j) <= tolerance + 1e-12)
    h, j = pd.to_numeric(human, errors="coerce").to_numpy(), pd.to_numeric(judge, errors="coerce").to_numpy()
    numeric = np.isfinite(h) & np.isfinite(j)  # 1, 1.0 and "1" are the same label
    text = human.astype(str).str.strip().to_numpy() == judge.astype(str).str.strip().to_numpy()
    return np.where(numeric, h == j, text).astype(bool)
