"""Percentile bootstrap over items for any `Plan`, seeded and reproducible.

A replicate draws n items with replacement; item i then counts w_i times (w ~ Multinomial), so a
replicate's statistic is ``finish(w @ features)``. Replicates are drawn in batches whose size
depends only on the number of rows, so a (seed, data) pair always gives the same interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._errors import RatingsError
from ._plan import Plan
from ._ratings import FloatArray

# Largest (replicates × rows) weight matrix built at once; 2**22 float64 = 32 MiB.
BATCH_ELEMENTS = 1 << 22


@dataclass(frozen=True, slots=True)
class Interval:
    """A percentile bootstrap interval. ``se`` is the standard deviation of the replicates;
    ``n_undefined`` counts replicates where the statistic was undefined (left out)."""

    low: float
    high: float
    confidence: float
    n_boot: int
    seed: int
    se: float
    n_undefined: int


def resample_weights(rng: np.random.Generator, n_rows: int, n_replicates: int) -> FloatArray:
    """(replicates × rows): how many times each row was drawn in each replicate."""
    out = np.empty((n_replicates, n_rows))
    # One bincount per replicate (a loop over replicates, not rows): its n_rows counters stay in
    # cache, measured 4× faster than one bincount over the whole batch.
    for replicate, draws in enumerate(rng.integers(0, n_rows, size=(n_replicates, n_rows))):
        out[replicate] = np.bincount(draws, minlength=n_rows)
    return out


def replicates(plan: Plan, n_boot: int, seed: int) -> FloatArray:
    """The statistic on ``n_boot`` bootstrap resamples of the plan's rows."""
    if n_boot < 1:
        raise RatingsError("the bootstrap needs at least one replicate")
    rng = np.random.default_rng(seed)
    cached = plan.cached()
    batch = max(1, BATCH_ELEMENTS // max(1, plan.n_rows))
    out = np.empty(n_boot)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n_boot, batch):
            size = min(batch, n_boot - start)
            out[start : start + size] = cached.finish(cached.sums(resample_weights(rng, plan.n_rows, size)))
    return out


def percentile_interval(plan: Plan, n_boot: int = 1000, seed: int = 0, confidence: float = 0.95) -> Interval:
    if not 0.0 < confidence < 1.0:
        raise RatingsError(f"confidence must be between 0 and 1, not {confidence}")
    values = replicates(plan, n_boot, seed)
    finite = values[np.isfinite(values)]
    if not len(finite):
        return Interval(math.nan, math.nan, confidence, n_boot, seed, math.nan, n_boot)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    se = float(finite.std(ddof=1)) if len(finite) > 1 else math.nan
    return Interval(float(low), float(high), confidence, n_boot, seed, se, n_boot - len(finite))
