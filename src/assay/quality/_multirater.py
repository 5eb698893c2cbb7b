"""Percent agreement, Fleiss' κ, Gwet's AC1/AC2 and Brennan–Prediger for any number of raters
per item, with missing ratings, in Gwet's unified form (Gwet 2014, *Handbook of Inter-Rater
Reliability*, 4th ed., ch. 2–3 and 5):

    p_a = (1/n₂) Σ_{i: r_i ≥ 2} Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)),   r*_ik = Σ_l w_kl r_il
    π_k = (1/n) Σ_i r_ik / r_i                                          (every rated item)
    coefficient = (p_a − p_e) / (1 − p_e)

with chance agreement p_e = Σ_kl w_kl π_k π_l (Fleiss), T_w/(q(q−1)) Σ_k π_k(1 − π_k) (Gwet's
AC1/AC2, T_w = Σ_kl w_kl), or T_w/q² (Brennan–Prediger), q the number of categories. With every
item rated by the same raters this is exactly Fleiss (1971); with missing ratings it is the
generalisation irrCAC and Gwet's AgreeStat implement. Percent agreement is p_a: the mean over
items rated at least twice of the share of agreeing rater pairs (weighted when weights are given).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ._errors import RatingsError
from ._plan import Plan, safe_ratio
from ._ratings import FloatArray, Ratings
from ._weights import Weights, weight_matrix

Chance = Literal["none", "fleiss", "gwet", "bp"]


def item_agreement(counts: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per item: (p_a,i, r_i) where p_a,i is the weighted share of agreeing ordered rater pairs,
    0 for items rated fewer than twice."""
    r = counts.sum(axis=1)
    weighted = counts if _is_identity(w) else counts @ w.T
    pairs = (counts * weighted).sum(axis=1) - r
    denominator = r * (r - 1)
    return np.divide(pairs, denominator, out=np.zeros_like(pairs), where=denominator > 0), r


def _is_identity(w: FloatArray) -> bool:
    return bool(np.array_equal(w, np.eye(len(w))))


def plan(ratings: Ratings, weights: Weights, chance: Chance) -> Plan:
    """Features per item: [p_a,i·1(r_i≥2), 1(r_i≥2), 1, r_ik/r_i for each k]."""
    w = weight_matrix(ratings.scores, weights)
    q = ratings.n_categories
    source = ratings
    if chance == "none":
        # Items rated once carry no pair, and percent agreement has no chance term that
        # they could inform: leaving them out keeps bootstrap replicates the same size.
        source = ratings.subset(ratings.raters_per_item() >= 2)
    if not np.any(source.raters_per_item() >= 2):
        raise RatingsError("agreement needs at least one item rated by two or more annotators")

    def features(lo: int, hi: int) -> FloatArray:
        counts = source.counts(lo, hi)
        pa_i, r = item_agreement(counts, w)
        out = np.empty((hi - lo, 3 + q))
        out[:, 0] = pa_i
        out[:, 1] = r >= 2
        out[:, 2] = 1.0
        out[:, 3:] = counts / r[:, None]
        return out

    total_weight = float(w.sum())

    def finish(sums: FloatArray) -> FloatArray:
        pa = safe_ratio(sums[:, 0], sums[:, 1])
        if chance == "none":
            return pa
        pi = sums[:, 3:] / sums[:, 2:3]
        pe = chance_agreement(pi, w, chance, q, total_weight)
        return safe_ratio(pa - pe, 1.0 - pe)

    return Plan(source.n_items, 3 + q, features, finish)


def chance_agreement(pi: FloatArray, w: FloatArray, chance: Chance, q: int, total_weight: float) -> FloatArray:
    """p_e for each row of category shares ``pi`` (replicates × categories)."""
    if chance == "fleiss":
        result: FloatArray = np.einsum("bk,kl,bl->b", pi, w, pi)
        return result
    if chance == "gwet":
        if q < 2:
            return np.full(len(pi), np.nan)
        return total_weight / (q * (q - 1)) * (pi * (1.0 - pi)).sum(axis=1)
    if chance == "bp":
        return np.full(len(pi), total_weight / q**2)
    raise ValueError(chance)


def percent_agreement(ratings: Ratings, *, weights: Weights = "identity") -> float:
    """Share of agreeing rater pairs, averaged over items rated at least twice (each such item
    counts once, however many raters it has). With two annotators: the share of shared items
    they agree on. ``weights`` gives partial credit for near misses (Gwet's weighted p_a)."""
    return plan(ratings, weights, "none").value()


def fleiss_kappa(ratings: Ratings, *, weights: Weights = "identity") -> float:
    """Fleiss' κ (1971), generalised to unequal numbers of raters per item as in Gwet (2014)."""
    return plan(ratings, weights, "fleiss").value()


def gwet_ac(ratings: Ratings, *, weights: Weights = "identity") -> float:
    """Gwet's AC1 (identity weights) or AC2 (linear/quadratic weights), Gwet (2008, 2014)."""
    return plan(ratings, weights, "gwet").value()


def brennan_prediger(ratings: Ratings, *, weights: Weights = "identity") -> float:
    """Brennan & Prediger's (1981) coefficient: chance agreement from q equally likely categories."""
    return plan(ratings, weights, "bp").value()
