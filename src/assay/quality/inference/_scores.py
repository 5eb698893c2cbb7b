"""Aggregating numeric ratings per item: mean, median or trimmed mean, with dispersion.

Rows are sorted once by (item, value); every statistic is then a gather at item boundaries or
a difference of cumulative sums, so a million ratings take a few sorts, not a loop over items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .._errors import RatingsError
from .._ratings import Ratings
from ._layout import FloatArray, IntArray
from ._result import plain

ScoreMethod = Literal["mean", "median", "trimmed"]
SCORE_METHODS: tuple[str, ...] = ("mean", "median", "trimmed")


@dataclass(frozen=True, eq=False)
class ScoreSummary:
    """Per item: ``value`` (by ``method``), ``n`` ratings, ``mean``, ``median``, ``sd`` (sample,
    NaN for one rating), ``mad`` (median absolute deviation from the median, unscaled) and
    ``iqr`` (75th − 25th percentile, linear interpolation as NumPy's default)."""

    method: str
    trim: float
    items: npt.NDArray[Any]
    value: FloatArray
    n: IntArray
    mean: FloatArray
    median: FloatArray
    sd: FloatArray
    mad: FloatArray
    iqr: FloatArray

    def to_dict(self) -> dict[str, Any]:
        columns = [self.value, self.mean, self.median, self.sd, self.mad, self.iqr]
        lists = [np.where(np.isfinite(c), c, np.nan).tolist() for c in columns]
        rows = []
        for i, item in enumerate(self.items.tolist()):
            value, mean, median, sd, mad, iqr = (_num(col[i]) for col in lists)
            rows.append({"item": plain(item), "value": value, "n": int(self.n[i]), "mean": mean,
                         "median": median, "sd": sd, "mad": mad, "iqr": iqr})
        return {"method": self.method, "trim": self.trim if self.method == "trimmed" else None, "items": rows}


def aggregate_scores(ratings: Ratings, method: ScoreMethod | str = "mean", *, trim: float = 0.1) -> ScoreSummary:
    """Per-item aggregate of numeric ratings. ``trimmed`` cuts ``floor(trim·n)`` ratings from
    each end (scipy.stats.trim_mean's rule) and averages the rest. Repeated ratings all count."""
    if method not in SCORE_METHODS:
        raise RatingsError(f"unknown method {method!r}; choose one of {', '.join(SCORE_METHODS)}")
    if not 0 <= trim < 0.5:
        raise RatingsError(f"trim must be in [0, 0.5), not {trim}")
    if not ratings.numeric:
        raise RatingsError("scores need numeric labels; these are text")
    x = ratings.scores[ratings.label]
    order = np.lexsort((x, ratings.item))
    xs = x[order]
    lo, hi = ratings.indptr[:-1], ratings.indptr[1:]
    n = hi - lo
    csum = np.concatenate([[0.0], np.cumsum(xs)])
    mean = (csum[hi] - csum[lo]) / n
    dev = (xs - np.repeat(mean, n)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.add.reduceat(dev, lo) / (n - 1))
    median = _quantile(xs, lo, n, 0.5)
    iqr = _quantile(xs, lo, n, 0.75) - _quantile(xs, lo, n, 0.25)
    spread = np.abs(xs - np.repeat(median, n))
    mad = _quantile(spread[np.lexsort((spread, ratings.item[order]))], lo, n, 0.5)
    cut = np.floor(trim * n).astype(np.int64)
    trimmed = (csum[hi - cut] - csum[lo + cut]) / (n - 2 * cut)
    value = {"mean": mean, "median": median, "trimmed": trimmed}[method]
    return ScoreSummary(method, trim, ratings.items, value, n, mean, median, sd, mad, iqr)


def _quantile(sorted_values: FloatArray, lo: IntArray, n: IntArray, q: float) -> FloatArray:
    position = (n - 1) * q
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, n - 1)
    frac = position - below
    a, b = sorted_values[lo + below], sorted_values[lo + above]
    out: FloatArray = a + frac * (b - a)
    return out


def _num(value: float) -> float | None:
    return None if value != value else value
