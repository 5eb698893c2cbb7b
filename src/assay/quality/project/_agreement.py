"""Agreement per question (criterion), per domain and per annotator pair, with seeded intervals.

Metrics by kind: Krippendorff's α at the ordinal level for ratings and the nominal level for
choices and comparison winners, plus percent agreement for every kind; pairs get percent
agreement and Cohen's κ (quadratically weighted on rating scales). Every figure comes with its n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assay.quality import Ratings, RatingsError, aggregate_scores
from assay.quality._agreement import metric_plan
from assay.quality._bootstrap import BATCH_ELEMENTS, resample_weights
from assay.quality._plan import Plan
from assay.spec import QuestionKind

from ._labels import kappa_weights, level
from ._load import BoolArray, FloatArray, IntArray, ProjectData
from ._pairs import pair_figures
from ._units import QuestionRatings


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


@dataclass(frozen=True)
class Estimate:
    """A figure and its percentile bootstrap interval (None: undefined, or no bootstrap)."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None

    @classmethod
    def of(cls, value: float, low: float | None = None, high: float | None = None) -> Estimate:
        return cls(_num(value), _num(low), _num(high))

    def to_dict(self) -> dict[str, float | None]:
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}


@dataclass(frozen=True)
class Agreement:
    """Agreement over one set of units (the whole question, or one domain)."""

    scope: str
    alpha: Estimate
    percent: Estimate
    n_units: int
    """Units with at least two labels (the ones agreement is computed on)."""
    n_annotators: int
    n_labels: int

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "alpha": self.alpha.to_dict(), "percent": self.percent.to_dict(),
                "n_units": self.n_units, "n_annotators": self.n_annotators, "n_labels": self.n_labels}


@dataclass(frozen=True)
class PairAgreement:
    a: int
    b: int
    """User ids, a < b."""
    n: int
    percent: Estimate
    kappa: Estimate


@dataclass(frozen=True)
class QuestionAgreement:
    key: str
    title: str
    kind: str
    criterion: str
    per_response: bool
    level: str
    kappa_weights: str
    overall: Agreement
    by_domain: list[Agreement]
    pairs: list[PairAgreement]
    pair_intervals: str | None
    """How the pairs' intervals were computed: bootstrap, analytic (many pairs), or None."""
    dispersion: dict[str, float | None] | None = None
    """Ratings: mean per-unit sd, MAD and IQR over units with two or more ratings."""
    n_dropped: int = 0


def agreement_by_scope(ratings: Ratings, metric_level: str, scopes: dict[str, BoolArray], *, n_boot: int,
                       seed: int, confidence: float = 0.95) -> dict[str, Agreement]:
    """Krippendorff's α at ``metric_level`` and percent agreement over every unit ("all") and over
    each scope's units (a mask over units), with percentile bootstrap intervals.

    One resampling of the pairable units (units with two or more labels), seeded, drives every
    figure: each replicate of α and percent agreement, overall and per scope, reads the same
    unit weights. The overall interval is exactly what `assay.quality.agreement` gives with the
    same seed; a scope's replicates resample the whole question, so the scope's size varies
    between replicates (the unconditional bootstrap), which is what makes one pass enough."""
    pairable = ratings.raters_per_item() >= 2
    masks = {"all": np.ones(ratings.n_items, dtype=bool), **scopes}
    plans: dict[tuple[str, str], tuple[Plan, IntArray]] = {}
    out: dict[str, Agreement] = {}
    position = np.cumsum(pairable) - 1
    for scope, mask in masks.items():
        part = ratings if scope == "all" else ratings.subset(mask)
        rows = np.flatnonzero(mask & pairable)
        used = np.unique(part.annotator)
        estimates = {"alpha": Estimate(None), "percent": Estimate(None)}
        if len(rows):
            for name, metric, lvl in (("alpha", "krippendorff", metric_level), ("percent", "percent", None)):
                try:
                    plan = metric_plan(part, metric, level=lvl)  # type: ignore[arg-type]
                except RatingsError:
                    continue
                assert plan.n_rows == len(rows)
                plans[(scope, name)] = (plan.cached(), position[rows])
                estimates[name] = Estimate.of(plan.value())
        out[scope] = Agreement(scope, estimates["alpha"], estimates["percent"], len(rows), len(used), part.n_ratings)
    n_rows = int(pairable.sum())
    if n_boot > 0 and plans and n_rows:
        values = {key: np.empty(n_boot) for key in plans}
        rng = np.random.default_rng(seed)
        batch = max(1, BATCH_ELEMENTS // n_rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            for start in range(0, n_boot, batch):
                size = min(batch, n_boot - start)
                weights = resample_weights(rng, n_rows, size)
                gathered: dict[str, FloatArray] = {}
                for key, (plan, columns) in plans.items():
                    scope_weights = weights if key[0] == "all" else gathered.get(key[0])
                    if scope_weights is None:
                        scope_weights = gathered[key[0]] = weights[:, columns]
                    values[key][start:start + size] = plan.finish(plan.sums(scope_weights))
        tail = (1.0 - confidence) / 2.0
        for (scope, name), v in values.items():
            finite = v[np.isfinite(v)]
            if len(finite):
                low, high = np.quantile(finite, [tail, 1.0 - tail])
                a = out[scope]
                est = getattr(a, name)
                bounded = Estimate.of(math.nan if est.value is None else est.value, float(low), float(high))
                out[scope] = replace(a, alpha=bounded) if name == "alpha" else replace(a, percent=bounded)
    return out


def question_agreement(qr: QuestionRatings, data: ProjectData, *, n_boot: int, seed: int) -> QuestionAgreement:
    q = qr.question
    lvl = level(q)
    weights = kappa_weights(q)
    domains = data.domains_of(qr.unit_item)
    names = sorted(set(domains.tolist()))
    scopes = {str(d): domains == d for d in names} if len(names) > 1 else {}
    figures = agreement_by_scope(qr.ratings, lvl, scopes, n_boot=n_boot, seed=seed)
    overall = figures.pop("all")
    per_domain = list(figures.values())
    pf = pair_figures(qr.ratings, weights, n_boot=n_boot, seed=seed)
    ids = qr.ratings.annotators.astype(np.int64)
    pairs = [
        PairAgreement(int(ids[a]), int(ids[b]), int(n), Estimate.of(p, *pci), Estimate.of(k, *kci))
        for a, b, n, p, k, pci, kci in zip(pf.a.tolist(), pf.b.tolist(), pf.n.tolist(), pf.percent.tolist(),
                                           pf.kappa.tolist(), pf.percent_ci.tolist(), pf.kappa_ci.tolist(), strict=True)
    ]
    dispersion = _dispersion(qr.ratings) if q.kind == QuestionKind.RATING else None
    return QuestionAgreement(q.key, q.title, q.kind.value, q.criterion or q.key, q.per_response, lvl, weights,
                             overall, per_domain, pairs, pf.interval, dispersion, qr.n_dropped)


def _dispersion(ratings: Ratings) -> dict[str, float | None]:
    summary = aggregate_scores(ratings, "median")
    several = summary.n >= 2
    if not several.any():
        return {"mean_sd": None, "mean_mad": None, "mean_iqr": None}
    return {name: _num(float(np.mean(getattr(summary, attr)[several])))
            for name, attr in (("mean_sd", "sd"), ("mean_mad", "mad"), ("mean_iqr", "iqr"))}
