"""How well a model judge agrees with human consensus on one criterion: Cohen's κ (unweighted and
weighted), Krippendorff's α, exact and within-one accuracy, and the confusion matrix — all on the
items that have both a human consensus label and a judge label, computed by `assay.quality`.

A judge reply that could not be parsed is an *unscored* item (a missing judge label): it is
counted in ``n_unscored`` and left out of the agreement, never counted as a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from assay.quality import (
    Ratings,
    RatingsError,
    Weights,
    agreement,
    cohen_kappa,
    contingency_table,
    krippendorff_alpha,
)

from ._errors import EvalError
from ._frame import group_codes, require
from ._intervals import check_confidence, check_n_boot

Scale = Literal["nominal", "ordinal", "interval"]
AGREEMENT_COLUMNS = ("n", "n_unscored", "accuracy", "within_one", "kappa", "weighted_kappa", "kappa_low",
                     "kappa_high", "alpha")


@dataclass(frozen=True, eq=False)
class JudgeAgreement:
    """Agreement of a judge with human consensus labels."""

    n: int
    """Items with both a human and a judge label."""
    n_unscored: int
    """Items with a human label whose judge label is missing (unparseable reply)."""
    accuracy: float
    """Share of items where the judge gave the human label."""
    within_one: float
    """Share within one scale point: numeric labels differ by at most 1, text labels are at most
    one category apart (ordinal/interval scales; NaN for nominal)."""
    kappa: float
    """Cohen's κ, unweighted."""
    weighted_kappa: float
    """Cohen's κ with ``weights`` (quadratic by default on ordinal/interval scales; NaN for nominal)."""
    kappa_low: float
    """Lower end of the bootstrap interval of the headline κ (weighted when there are weights)."""
    kappa_high: float
    """Upper end of that interval."""
    alpha: float
    """Krippendorff's α at the scale's level."""
    scale: str
    """nominal, ordinal or interval."""
    weights: str
    """Weights of ``weighted_kappa`` (identity for nominal)."""
    confusion: pd.DataFrame
    """Counts: human label (rows) × judge label (columns), in category order."""


def judge_agreement(
    human: Sequence[Any] | npt.ArrayLike,
    judge: Sequence[Any] | npt.ArrayLike,
    *,
    scale: Scale = "ordinal",
    categories: Sequence[Any] | None = None,
    weights: Weights | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> JudgeAgreement:
    """Agreement of ``judge`` labels with ``human`` consensus labels, aligned by item (missing
    judge labels — None, NaN, "" — are unscored items). ``categories``: the scale in order
    (otherwise numeric or lexicographic order). ``weights`` for the weighted κ default to
    quadratic on ordinal and interval scales."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    if scale not in ("nominal", "ordinal", "interval"):
        raise EvalError(f"scale must be nominal, ordinal or interval, not {scale!r}")
    h, j = np.asarray(human, dtype=object).ravel(), np.asarray(judge, dtype=object).ravel()
    if len(h) != len(j):
        raise EvalError(f"human and judge labels differ in length ({len(h)} and {len(j)})")
    has_human, has_judge = ~_missing(h), ~_missing(j)
    if not has_human.all():
        raise EvalError(f"human label {int(np.flatnonzero(~has_human)[0]) + 1} is missing; "
                        "calibrate on items with a human consensus")
    index = np.arange(len(h))
    try:
        ratings = Ratings(np.r_[index, index], np.r_[np.full(len(h), "human"), np.full(len(j), "judge")],
                          np.r_[h, j], categories=categories)
    except RatingsError as e:
        raise EvalError(f"labels: {e}") from None
    if not has_judge.any():
        raise EvalError("the judge scored no item: every judge label is missing")
    weighted: Weights = "identity" if scale == "nominal" else (weights or "quadratic")
    both = np.flatnonzero(ratings.raters_per_item() == 2)
    first = ratings.indptr[both]
    human_code, judge_code = ratings.label[first], ratings.label[first + 1]  # annotators sorted: human, judge
    distance = np.abs(ratings.scores[human_code] - ratings.scores[judge_code])
    try:
        kappa = cohen_kappa(ratings)
        weighted_kappa = cohen_kappa(ratings, weights=weighted) if scale != "nominal" else np.nan
        headline = agreement(ratings, "cohen", weights=weighted, n_boot=n_boot, seed=seed, confidence=confidence)
        alpha = krippendorff_alpha(ratings, level=scale)
    except RatingsError as e:
        raise EvalError(f"labels: {e}") from None
    names = [_plain(c) for c in ratings.categories.tolist()]
    confusion = pd.DataFrame(contingency_table(ratings).astype(np.int64), index=pd.Index(names, name="human"),
                             columns=pd.Index(names, name="judge"))
    return JudgeAgreement(
        n=len(both), n_unscored=int((~has_judge).sum()), accuracy=float(np.mean(human_code == judge_code)),
        within_one=float(np.mean(distance <= 1.0 + 1e-12)) if scale != "nominal" else np.nan,
        kappa=float(kappa), weighted_kappa=float(weighted_kappa),
        kappa_low=np.nan if headline.ci_low is None else float(headline.ci_low),
        kappa_high=np.nan if headline.ci_high is None else float(headline.ci_high),
        alpha=float(alpha), scale=scale, weights=weighted, confusion=confusion,
    )


def judge_agreement_table(
    labels: pd.DataFrame,
    *,
    by: Sequence[str] = ("criterion",),
    scale: Scale = "ordinal",
    categories: Sequence[Any] | None = None,
    weights: Weights | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """`judge_agreement` per group of ``by`` (per criterion by default) from a table with columns
    ``human``, ``judge`` and the ``by`` columns: one row per group with the ``by`` columns and
    n, n_unscored, accuracy, within_one, kappa, weighted_kappa, kappa_low, kappa_high, alpha."""
    by = list(by)
    require(labels, [*by, "human"], "judge labels")
    if "judge" not in labels.columns:
        raise EvalError("judge labels: missing column 'judge'")
    group, keys = group_codes(labels, by)
    rows = []
    for g in range(len(keys)):  # one fit per criterion: a loop over groups, not rows
        mine = group == g
        try:
            result = judge_agreement(labels["human"].to_numpy(dtype=object)[mine],
                                     labels["judge"].to_numpy(dtype=object)[mine], scale=scale, categories=categories,
                                     weights=weights, n_boot=n_boot, seed=seed, confidence=confidence)
        except EvalError as e:
            where = ", ".join(f"{c}={keys.iloc[g][c]!r}" for c in by)
            raise EvalError(f"judge labels ({where}): {e}") from None
        rows.append([getattr(result, name) for name in AGREEMENT_COLUMNS])
    out = keys.copy()
    values = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    for name in AGREEMENT_COLUMNS:
        out[name] = values[name].to_numpy()
    return out


def _missing(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    series = pd.Series(values, dtype=object)
    out: npt.NDArray[np.bool_] = (series.isna() | series.astype(str).str.strip().eq("")).to_numpy(dtype=bool)
    return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
