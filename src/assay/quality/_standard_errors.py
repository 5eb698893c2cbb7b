"""Analytic standard errors where the method defines one.

- Cohen's κ (plain and weighted): the large-sample variance of Fleiss, Cohen & Everitt (1969),
  and the variance under the null of chance-only agreement, as in statsmodels' ``cohens_kappa``.
- Fleiss' κ, Gwet's AC1/AC2 and Brennan–Prediger: Gwet's (2008; 2014, ch. 5) linearisation
  variance, v = Σ_i (z_i − coefficient)² / (n (n − 1)) over rated items, with the finite-population
  correction left out (as irrCAC does by default). For Fleiss' κ with identity weights and the
  same number of raters on every item, also the null variance of Fleiss, Nee & Landis (1979).

Krippendorff's α has no standard error here: Krippendorff recommends the bootstrap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import _multirater
from ._multirater import Chance, chance_agreement, item_agreement
from ._plan import BLOCK_ELEMENTS
from ._ratings import FloatArray, Ratings
from ._two_raters import contingency_table
from ._weights import Weights, weight_matrix


@dataclass(frozen=True, slots=True)
class StandardError:
    """A coefficient with its large-sample standard error ``se`` and, where defined, its
    standard error under the null hypothesis of chance-only agreement ``se_null`` (else NaN)."""

    value: float
    se: float
    se_null: float = math.nan

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Normal-approximation (Wald) interval from ``se``."""
        z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
        return self.value - z * self.se, self.value + z * self.se


def cohen_kappa_se(ratings: Ratings, *, weights: Weights = "identity") -> StandardError:
    """Cohen's κ with its Fleiss–Cohen–Everitt (1969) standard errors."""
    table = contingency_table(ratings)
    w = weight_matrix(ratings.scores, weights)
    n = table.sum()
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    po = float((w * p).sum())
    pe = float(row @ w @ col)
    if pe == 1.0:
        return StandardError(math.nan, math.nan, math.nan)
    kappa = (po - pe) / (1.0 - pe)
    w_row = w @ col  # Σ_j w_ij p_.j
    w_col = row @ w  # Σ_i p_i. w_ij
    both = w_row[:, None] + w_col[None, :]
    var = ((p * (w - both * (1.0 - kappa)) ** 2).sum() - (kappa - pe * (1.0 - kappa)) ** 2) / (n * (1.0 - pe) ** 2)
    var0 = ((np.outer(row, col) * (w - both) ** 2).sum() - pe**2) / (n * (1.0 - pe) ** 2)
    return StandardError(kappa, math.sqrt(max(var, 0.0)), math.sqrt(max(var0, 0.0)))


def _linearised(ratings: Ratings, weights: Weights, chance: Chance) -> StandardError:
    w = weight_matrix(ratings.scores, weights)
    q = ratings.n_categories
    value = _multirater.plan(ratings, weights, chance).value()
    r_all = ratings.raters_per_item().astype(np.float64)
    n = float(len(r_all))
    n2 = float((r_all >= 2).sum())
    # π and p_e again (the plan kept them internal): one pass over the per-item shares.
    pi = np.zeros(q)
    for lo, hi in _blocks(ratings):
        counts = ratings.counts(lo, hi)
        pi += (counts / counts.sum(axis=1)[:, None]).sum(axis=0)
    pi /= n
    pe = float(chance_agreement(pi[None, :], w, chance, q, float(w.sum()))[0])
    if not math.isfinite(value) or pe == 1.0 or n < 2:
        return StandardError(value, math.nan)
    if chance == "fleiss":
        share = (w @ pi + w.T @ pi) / 2.0
    elif chance == "gwet":
        share = float(w.sum()) / (q * (q - 1)) * (1.0 - pi)
    else:
        share = None
    total = 0.0
    for lo, hi in _blocks(ratings):
        counts = ratings.counts(lo, hi)
        pa_i, r = item_agreement(counts, w)
        z = (n / n2) * (pa_i - pe * (r >= 2)) / (1.0 - pe)
        if share is not None:
            pe_i = counts @ share / r
            z -= 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe)
        total += float(((z - value) ** 2).sum())
    se = math.sqrt(total / (n * (n - 1.0)))
    se_null = _fleiss_null_se(pi, r_all) if chance == "fleiss" and weights == "identity" else math.nan
    return StandardError(value, se, se_null)


def _blocks(ratings: Ratings) -> list[tuple[int, int]]:
    step = max(1, BLOCK_ELEMENTS // max(1, ratings.n_categories))
    return [(lo, min(ratings.n_items, lo + step)) for lo in range(0, ratings.n_items, step)]


def _fleiss_null_se(pi: FloatArray, r: FloatArray) -> float:
    """Fleiss, Nee & Landis (1979): only defined when every item has the same m ≥ 2 raters."""
    if len(r) == 0 or r.min() != r.max() or r[0] < 2:
        return math.nan
    m, n = float(r[0]), float(len(r))
    pq = pi * (1.0 - pi)
    s = float(pq.sum())
    if s == 0.0:
        return math.nan
    var0 = 2.0 / (n * m * (m - 1.0)) * (s * s - float((pq * (1.0 - 2.0 * pi)).sum())) / (s * s)
    return math.sqrt(max(var0, 0.0))


def fleiss_kappa_se(ratings: Ratings, *, weights: Weights = "identity") -> StandardError:
    """Fleiss' κ with Gwet's linearisation SE and, for identity weights and a constant number of
    raters per item, the Fleiss–Nee–Landis (1979) SE under the null."""
    return _linearised(ratings, weights, "fleiss")


def gwet_ac_se(ratings: Ratings, *, weights: Weights = "identity") -> StandardError:
    """Gwet's AC1/AC2 with Gwet's linearisation SE (Gwet 2008; 2014, ch. 5)."""
    return _linearised(ratings, weights, "gwet")


def brennan_prediger_se(ratings: Ratings, *, weights: Weights = "identity") -> StandardError:
    """Brennan–Prediger with Gwet's linearisation SE."""
    return _linearised(ratings, weights, "bp")
