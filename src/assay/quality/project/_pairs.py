"""Agreement of every annotator pair on the units both rated, with bootstrap intervals.

Each pair's ratings reduce to a K × K table of (label by a, label by b) counts, built for all
pairs with one ``bincount``. Resampling the pair's shared units with replacement is drawing the
table again from a multinomial with the observed cell shares, so a pair's bootstrap is
``rng.multinomial(n, table / n)`` — seeded, vectorised over pairs and replicates, and exactly the
percentile bootstrap over units that `assay.quality.agreement` does for a whole question.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from assay.quality import Ratings, weight_matrix

from ._load import FloatArray, IntArray

# Most (replicates × pairs × cells) counts drawn at once.
_BATCH = 1 << 22
PAIR_BOOT_BUDGET = 500_000
"""Pairs × replicates above which pair intervals are analytic (Wilson for percent agreement, the
large-sample SE of Fleiss, Cohen & Everitt 1969 for κ): a multinomial draw costs about a
microsecond, so 5,000 pairs × 1,000 replicates took seconds per question (measured)."""
Z95 = 1.959963984540054


@dataclass(frozen=True)
class PairTables:
    """``a``, ``b``: annotator codes (a < b); ``tables[p, k, l]``: units where a said k and b said l."""

    a: IntArray
    b: IntArray
    tables: FloatArray

    @property
    def n(self) -> IntArray:
        out: IntArray = self.tables.sum(axis=(1, 2)).astype(np.int64)
        return out


def within_unit_pairs(ratings: Ratings) -> tuple[IntArray, IntArray]:
    """Row indices (left, right), left < right, of every two ratings of the same unit."""
    r = ratings.raters_per_item()
    squares = r * r
    unit = np.repeat(np.arange(ratings.n_items), squares)
    position = np.arange(int(squares.sum())) - np.repeat(np.cumsum(squares) - squares, squares)
    size = r[unit]
    first, second = position // size, position % size
    keep = first < second
    start = ratings.indptr[unit[keep]]
    return start + first[keep], start + second[keep]


def pair_tables(ratings: Ratings) -> PairTables:
    left, right = within_unit_pairs(ratings)
    k = ratings.n_categories
    # Rows are sorted by annotator within a unit, so left's annotator code < right's.
    key = ratings.annotator[left] * ratings.n_annotators + ratings.annotator[right]
    keys, pair = np.unique(key, return_inverse=True)
    pair = pair.reshape(-1)
    cells = pair * k * k + ratings.label[left] * k + ratings.label[right]
    tables = np.bincount(cells, minlength=len(keys) * k * k).reshape(len(keys), k, k).astype(np.float64)
    return PairTables(keys // ratings.n_annotators, keys % ratings.n_annotators, tables)


def table_stats(tables: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Percent agreement (exact) and Cohen's κ (with ``weights``) of count tables (..., K, K)."""
    n = tables.sum(axis=(-1, -2))
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.trace(tables, axis1=-2, axis2=-1) / n
        po = (tables * weights).sum(axis=(-1, -2)) / n
        pa, pb = tables.sum(axis=-1) / n[..., None], tables.sum(axis=-2) / n[..., None]
        pe = np.einsum("...k,kl,...l->...", pa, weights, pb)
        kappa = np.where(np.isclose(pe, 1.0), np.nan, (po - pe) / (1.0 - pe))
    return percent, kappa


@dataclass(frozen=True)
class PairFigures:
    a: IntArray
    b: IntArray
    n: IntArray
    percent: FloatArray
    kappa: FloatArray
    percent_ci: FloatArray
    """(pairs × 2): low, high; NaN without intervals."""
    kappa_ci: FloatArray
    interval: str | None
    """bootstrap, analytic, or None (no intervals asked for)."""


def pair_figures(ratings: Ratings, weights: str, *, n_boot: int, seed: int, confidence: float = 0.95) -> PairFigures:
    """Percent agreement and Cohen's κ (``weights``: identity, linear, quadratic) of every pair,
    with percentile intervals from ``n_boot`` seeded resamples of each pair's shared units (or
    analytic 95% intervals beyond `PAIR_BOOT_BUDGET`)."""
    pt = pair_tables(ratings)
    w = weight_matrix(ratings.scores, weights)  # type: ignore[arg-type]
    percent, kappa = table_stats(pt.tables, w)
    n = pt.n
    percent_ci = np.full((len(n), 2), np.nan)
    kappa_ci = np.full((len(n), 2), np.nan)
    if n_boot > 0 and len(n) * n_boot > PAIR_BOOT_BUDGET:
        percent_ci, kappa_ci = wilson_intervals(percent, n), kappa_intervals(pt.tables, w, kappa)
        return PairFigures(pt.a, pt.b, n, percent, kappa, percent_ci, kappa_ci, "analytic")
    if n_boot > 0 and len(n):
        rng = np.random.default_rng(seed)
        k2 = pt.tables.shape[1] ** 2
        shares = pt.tables.reshape(len(n), k2) / n[:, None]
        step = max(1, _BATCH // (n_boot * k2))
        tail = (1.0 - confidence) / 2.0
        for lo in range(0, len(n), step):
            hi = min(lo + step, len(n))
            draws = rng.multinomial(n[lo:hi], shares[lo:hi], size=(n_boot, hi - lo)).astype(np.float64)
            p, kap = table_stats(draws.reshape(n_boot, hi - lo, *pt.tables.shape[1:]), w)
            percent_ci[lo:hi] = np.quantile(p, [tail, 1 - tail], axis=0).T
            kappa_ci[lo:hi] = _nanquantile(kap, tail)
    return PairFigures(pt.a, pt.b, n, percent, kappa, percent_ci, kappa_ci, "bootstrap" if n_boot > 0 else None)


def wilson_intervals(share: FloatArray, n: IntArray, z: float = Z95) -> FloatArray:
    """Wilson score intervals (pairs × 2) of shares observed on ``n`` units each."""
    nf = n.astype(np.float64)
    denom = 1.0 + z * z / nf
    centre = (share + z * z / (2 * nf)) / denom
    half = z * np.sqrt(share * (1 - share) / nf + z * z / (4 * nf * nf)) / denom
    return np.stack([np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)], axis=1)


def kappa_intervals(tables: FloatArray, weights: FloatArray, kappa: FloatArray, z: float = Z95) -> FloatArray:
    """κ ± z·SE with the large-sample variance of (weighted) κ of Fleiss, Cohen & Everitt (1969),
    as statsmodels' ``cohens_kappa`` computes it; clipped to [-1, 1]."""
    n = tables.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = tables / n[:, None, None]
        pa, pb = p.sum(axis=2), p.sum(axis=1)
        pe = np.einsum("pk,kl,pl->p", pa, weights, pb)
        row_w, col_w = pb @ weights.T, pa @ weights
        k1 = (1.0 - kappa)[:, None, None]
        spread = (weights[None] - (row_w[:, :, None] + col_w[:, None, :]) * k1) ** 2
        variance = ((p * spread).sum(axis=(1, 2)) - (kappa - pe * (1.0 - kappa)) ** 2) / (n * (1.0 - pe) ** 2)
        se = np.sqrt(np.maximum(variance, 0.0))
    return np.stack([np.clip(kappa - z * se, -1.0, 1.0), np.clip(kappa + z * se, -1.0, 1.0)], axis=1)


def _nanquantile(values: FloatArray, tail: float) -> FloatArray:
    out = np.full((values.shape[1], 2), np.nan)
    defined = np.isfinite(values).any(axis=0)
    if defined.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[defined] = np.nanquantile(values[:, defined], [tail, 1 - tail], axis=0).T
    return out
