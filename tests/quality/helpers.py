"""Building `Ratings` from the shapes published examples and reference packages use, and the
hypothesis strategy for random rating data (missing cells, numeric or string labels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from assay.quality import Ratings

# Reference packages are slow (irrCAC loops in pandas): keep the whole suite well under a minute.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers × 12 units.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)


def from_wide(matrix: Any, *, categories: list[Any] | None = None) -> Ratings:
    """Ratings from a (raters × units) matrix; NaN or None is a missing rating."""
    grid = np.asarray(matrix, dtype=object)
    present = np.array([[not _missing(v) for v in row] for row in grid], dtype=bool)
    rater, unit = np.nonzero(present)
    labels = grid[rater, unit]
    return Ratings(unit, np.array([f"r{i}" for i in rater]), _typed(labels), categories=categories)


def from_counts(table: Any) -> Ratings:
    """Ratings from an (items × categories) count table; annotators are numbered within an item."""
    table = np.asarray(table, dtype=np.int64)
    n_items, k = table.shape
    item = np.repeat(np.repeat(np.arange(n_items), k), table.ravel())
    label = np.repeat(np.tile(np.arange(k), n_items), table.ravel())
    starts = np.repeat(np.cumsum(table.sum(axis=1)) - table.sum(axis=1), table.sum(axis=1))
    annotator = np.arange(len(item)) - starts
    return Ratings(item, annotator, label, categories=list(range(k)))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _typed(labels: np.ndarray) -> np.ndarray:
    if all(isinstance(v, str) for v in labels):
        return labels.astype(str)
    return labels.astype(np.float64)


@dataclass(frozen=True)
class Wide:
    """Random ratings: ``grid`` is raters × units with None for a missing rating."""

    grid: list[list[Any]]
    categories: list[Any]
    strings: bool

    def ratings(self) -> Ratings:
        return from_wide(self.grid, categories=self.categories)

    def float_grid(self) -> np.ndarray:
        """Numeric labels as floats (NaN missing); string labels as their category position."""
        position = {c: i for i, c in enumerate(self.categories)}
        return np.array([[np.nan if v is None else float(position[v] if self.strings else v) for v in row]
                         for row in self.grid])

    def pairable_values(self) -> set[Any]:
        """Distinct values in units with two or more ratings."""
        units = zip(*self.grid, strict=True)
        return {v for unit in units if sum(x is not None for x in unit) >= 2 for v in unit if v is not None}


@st.composite
def wide_ratings(
    draw: st.DrawFn,
    *,
    min_raters: int = 2,
    max_raters: int = 6,
    max_units: int = 25,
    missing: bool = True,
    strings: bool | None = None,
    nonnegative: bool = False,
) -> Wide:
    """Raters × units with some cells missing; numeric labels (integers, possibly negative or
    non-consecutive) or string labels; at least one unit rated twice."""
    n_raters = draw(st.integers(min_raters, max_raters))
    n_units = draw(st.integers(2, max_units))
    use_strings = draw(st.booleans()) if strings is None else strings
    k = draw(st.integers(2, 5))
    if use_strings:
        categories: list[Any] = sorted(draw(st.lists(st.sampled_from(
            ["bad", "good", "neutral", "ok", "great", "poor", "Z", "a b"]), min_size=k, max_size=k, unique=True)))
    else:
        low = 0 if nonnegative else -3
        categories = sorted(draw(st.lists(st.integers(low, 12), min_size=k, max_size=k, unique=True)))
    skew = draw(st.floats(0.0, 0.8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    truth = rng.integers(0, k, n_units)
    grid: list[list[Any]] = []
    p_missing = draw(st.sampled_from([0.0, 0.2, 0.5])) if missing else 0.0
    for _ in range(n_raters):
        agree = rng.random(n_units) < skew
        codes = np.where(agree, truth, rng.integers(0, k, n_units))
        absent = rng.random(n_units) < p_missing
        grid.append([None if absent[u] else categories[codes[u]] for u in range(n_units)])
    # Make sure the first unit has two ratings so every statistic is defined in shape.
    for rater in (0, 1):
        if grid[rater][0] is None:
            grid[rater][0] = categories[int(truth[0])]
    return Wide(grid, categories, use_strings)
