"""One entry point for every agreement coefficient by name, with an optional bootstrap interval:
what the CLI, the REST API and the SDK all call, so they report the same figures."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from . import _krippendorff, _multirater, _two_raters
from ._bootstrap import Interval, percentile_interval
from ._errors import RatingsError
from ._krippendorff import Level
from ._plan import Plan
from ._ratings import Ratings
from ._weights import Weights

Metric = Literal["percent", "cohen", "scott", "fleiss", "krippendorff", "gwet", "bp"]
METRICS: tuple[str, ...] = get_args(Metric)

METRIC_NAMES: dict[str, str] = {
    "percent": "percent agreement",
    "cohen": "Cohen's kappa",
    "scott": "Scott's pi",
    "fleiss": "Fleiss' kappa",
    "krippendorff": "Krippendorff's alpha",
    "gwet": "Gwet's AC1/AC2",
    "bp": "Brennan-Prediger",
}

_WEIGHTED: dict[str, Callable[[Ratings, Weights], Plan]] = {
    "percent": lambda r, w: _multirater.plan(r, w, "none"),
    "cohen": lambda r, w: _two_raters.plan(r, w, "cohen"),
    "scott": lambda r, w: _two_raters.plan(r, w, "scott"),
    "fleiss": lambda r, w: _multirater.plan(r, w, "fleiss"),
    "gwet": lambda r, w: _multirater.plan(r, w, "gwet"),
    "bp": lambda r, w: _multirater.plan(r, w, "bp"),
}


@dataclass(frozen=True, slots=True)
class AgreementResult:
    """The figures of the stable `assay stats agreement --json` contract, in its key order.
    ``level`` is set for Krippendorff's α only and ``weights`` for every other metric; ``ci_*``
    are None without a bootstrap; ``value`` is NaN when the coefficient is undefined."""

    metric: str
    level: str | None
    weights: str | None
    value: float
    ci_low: float | None
    ci_high: float | None
    n_items: int
    n_annotators: int
    n_labels: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: NaN becomes None."""
        return {key: (None if isinstance(v, float) and math.isnan(v) else v) for key, v in asdict(self).items()}


def metric_plan(ratings: Ratings, metric: Metric, *, level: Level | None = None,
                weights: Weights | None = None) -> Plan:
    """The `Plan` behind ``metric``: ``level`` applies to Krippendorff's α only, ``weights`` to
    every other metric; giving one where it does not apply is an error, not silently ignored."""
    if metric not in METRICS:
        raise RatingsError(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
    if metric == "krippendorff":
        if weights is not None:
            raise RatingsError("Krippendorff's α takes a level (nominal, ordinal, interval, ratio), not weights")
        return _krippendorff.plan(ratings, level or "nominal")
    if level is not None:
        raise RatingsError(f"level applies to Krippendorff's α only; {METRIC_NAMES[metric]} takes weights")
    return _WEIGHTED[metric](ratings, weights or "identity")


def agreement(
    ratings: Ratings,
    metric: Metric,
    *,
    level: Level | None = None,
    weights: Weights | None = None,
    n_boot: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
) -> AgreementResult:
    """``metric`` on ``ratings`` and, when ``n_boot`` > 0, its percentile bootstrap interval
    over items (seeded by ``seed``)."""
    plan = metric_plan(ratings, metric, level=level, weights=weights)
    interval = percentile_interval(plan, n_boot, seed, confidence) if n_boot > 0 else None
    return AgreementResult(
        metric=metric,
        level=(level or "nominal") if metric == "krippendorff" else None,
        weights=None if metric == "krippendorff" else (weights or "identity"),
        value=plan.value(),
        ci_low=None if interval is None else interval.low,
        ci_high=None if interval is None else interval.high,
        n_items=ratings.n_items,
        n_annotators=ratings.n_annotators,
        n_labels=ratings.n_ratings,
    )


def bootstrap_interval(
    ratings: Ratings,
    metric: Metric,
    *,
    level: Level | None = None,
    weights: Weights | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Interval:
    """Percentile bootstrap interval of ``metric``, resampling items with replacement."""
    plan = metric_plan(ratings, metric, level=level, weights=weights)
    return percentile_interval(plan, n_boot, seed, confidence)
