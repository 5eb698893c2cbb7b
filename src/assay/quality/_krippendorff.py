"""Krippendorff's α at nominal, ordinal, interval and ratio level, with missing data.

Coincidence-matrix method (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
only units with m_u ≥ 2 values are pairable, and

    o_ck = Σ_u (n_uc n_uk − [c = k] n_uc) / (m_u − 1),   n_c = Σ_k o_ck,   n = Σ_c n_c
    α = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck

Everything is computed from per-unit value counts n_uc, O(units × values): the diagonal of the
coincidence matrix has δ² = 0, so Σ_ck o_ck δ²_ck = Σ_u n_uᵀ Δ n_u / (m_u − 1), a per-unit
quadratic form. For nominal and interval data that form has a closed O(values) expression.
The ordinal metric, δ_ck = Σ_{g=c..k} n_g − (n_c + n_k)/2, equals |t_k − t_c| on mid-rank
scores t_c = Σ_{g<c} n_g + n_c/2; since those depend on the marginals (which change under the
bootstrap), ordinal α carries the per-unit matrices n_u n_uᵀ/(m_u − 1) as features.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

import numpy as np

from ._errors import RatingsError
from ._plan import Plan, safe_ratio
from ._ratings import FloatArray, Ratings

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = get_args(Level)


def _quadratic_form(level: Level, scores: FloatArray) -> Callable[[FloatArray], FloatArray]:
    """Σ_ck x_c x_k δ²_ck for each row x, for a level whose metric does not depend on the data."""
    if level == "nominal":
        return lambda x: x.sum(axis=1) ** 2 - (x * x).sum(axis=1)
    if level == "interval":
        v = scores - scores.mean()  # α is shift-invariant; centring keeps the squares small
        return lambda x: 2.0 * (x.sum(axis=1) * (x @ (v * v)) - (x @ v) ** 2)
    total = scores[:, None] + scores[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.where(total == 0, 0.0, (scores[:, None] - scores[None, :]) / total) ** 2
    return lambda x: ((x @ delta) * x).sum(axis=1)


def plan(ratings: Ratings, level: Level) -> Plan:
    if level not in LEVELS:
        raise RatingsError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if level in ("interval", "ratio") and not ratings.numeric:
        raise RatingsError(f"{level} α needs numeric labels; these are strings (use nominal or ordinal)")
    if level == "ratio" and np.any(ratings.scores < 0):
        raise RatingsError("ratio α needs non-negative labels (a ratio scale has an absolute zero)")
    units = ratings.subset(ratings.raters_per_item() >= 2)
    if units.n_items == 0:
        raise RatingsError("Krippendorff's α needs at least one item rated by two or more annotators")
    k = units.n_categories
    if level == "ordinal":
        return _ordinal_plan(units, k)
    form = _quadratic_form(level, units.scores)

    def features(lo: int, hi: int) -> FloatArray:
        counts = units.counts(lo, hi)
        out = np.empty((hi - lo, 1 + k))
        out[:, 0] = form(counts) / (counts.sum(axis=1) - 1.0)
        out[:, 1:] = counts
        return out

    def finish(sums: FloatArray) -> FloatArray:
        marginals = sums[:, 1:]
        n = marginals.sum(axis=1)
        return 1.0 - safe_ratio((n - 1.0) * sums[:, 0], form(marginals))

    return Plan(units.n_items, 1 + k, features, finish)


def _ordinal_plan(units: Ratings, k: int) -> Plan:
    """Features per unit: [n_u (k), m_u n_u/(m_u − 1) (k), n_u n_uᵀ/(m_u − 1) (k²)]."""

    def features(lo: int, hi: int) -> FloatArray:
        counts = units.counts(lo, hi)
        scale = 1.0 / (counts.sum(axis=1) - 1.0)
        out = np.empty((hi - lo, 2 * k + k * k))
        out[:, :k] = counts
        out[:, k : 2 * k] = counts * (counts.sum(axis=1) * scale)[:, None]
        out[:, 2 * k :] = (counts[:, :, None] * (counts * scale[:, None])[:, None, :]).reshape(hi - lo, k * k)
        return out

    def finish(sums: FloatArray) -> FloatArray:
        marginals = sums[:, :k]
        a = sums[:, k : 2 * k]
        q = sums[:, 2 * k :].reshape(-1, k, k)
        n = marginals.sum(axis=1)
        t = np.cumsum(marginals, axis=1) - marginals / 2.0
        # Shift-invariant; centring on the mean rank avoids cancelling squares of ~n².
        t -= ((marginals * t).sum(axis=1) / np.where(n > 0, n, 1.0))[:, None]
        observed = 2.0 * ((t * t * a).sum(axis=1) - np.einsum("bc,bck,bk->b", t, q, t))
        expected = 2.0 * (n * (marginals * t * t).sum(axis=1) - (marginals * t).sum(axis=1) ** 2)
        return 1.0 - safe_ratio((n - 1.0) * observed, expected)

    return Plan(units.n_items, 2 * k + k * k, features, finish)


def krippendorff_alpha(ratings: Ratings, *, level: Level = "nominal") -> float:
    """Krippendorff's α (coincidence-matrix method) at ``level``; NaN when there is no variation
    to measure (every pairable value the same)."""
    return plan(ratings, level).value()
