"""Cohen's κ (1960; weighted: Cohen 1968) and Scott's π (1955) for exactly two annotators,
over the items both rated:

    p_o = (1/n) Σ_i w(a_i, b_i)
    Cohen:  p_e = Σ_kl w_kl p_k^A p_l^B            (each annotator's own marginals)
    Scott:  p_e = Σ_kl w_kl π_k π_l,  π = (p^A + p^B)/2   (pooled marginals)
    coefficient = (p_o − p_e) / (1 − p_e)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._errors import RatingsError
from ._plan import Plan, safe_ratio
from ._ratings import FloatArray, IntArray, Ratings
from ._weights import Weights, weight_matrix


@dataclass(frozen=True, slots=True)
class PairedLabels:
    """The label codes of annotator ``a`` and ``b`` (codes 0 and 1) on the items both rated."""

    a: IntArray
    b: IntArray


def paired_labels(ratings: Ratings, what: str) -> PairedLabels:
    if ratings.n_annotators != 2:
        raise RatingsError(
            f"{what} compares exactly two annotators; this data has {ratings.n_annotators}. "
            "For more, use Fleiss' κ or Krippendorff's α (--metric fleiss / krippendorff), "
            "or the pairwise annotator matrix (pairwise_agreement) for κ on every pair"
        )
    # Rows are sorted by (item, annotator) with one row per pair, so an item both rated is two
    # consecutive rows: annotator 0 then annotator 1.
    both = np.flatnonzero(ratings.raters_per_item() == 2)
    if not len(both):
        raise RatingsError(f"{what}: the two annotators share no item")
    first = ratings.indptr[both]
    return PairedLabels(ratings.label[first], ratings.label[first + 1])


def plan(ratings: Ratings, weights: Weights, kind: Literal["cohen", "scott"]) -> Plan:
    """Features per shared item: [w(a_i, b_i), 1, one-hot a_i (k), one-hot b_i (k)]."""
    pairs = paired_labels(ratings, "Cohen's κ" if kind == "cohen" else "Scott's π")
    w = weight_matrix(ratings.scores, weights)
    k = ratings.n_categories
    rows = np.arange(len(pairs.a))

    def features(lo: int, hi: int) -> FloatArray:
        a, b = pairs.a[lo:hi], pairs.b[lo:hi]
        out = np.zeros((hi - lo, 2 + 2 * k))
        out[:, 0] = w[a, b]
        out[:, 1] = 1.0
        local = rows[: hi - lo]
        out[local, 2 + a] = 1.0
        out[local, 2 + k + b] = 1.0
        return out

    def finish(sums: FloatArray) -> FloatArray:
        n = sums[:, 1:2]
        po = sums[:, 0] / n[:, 0]
        pa, pb = sums[:, 2 : 2 + k] / n, sums[:, 2 + k :] / n
        if kind == "scott":
            pa = pb = (pa + pb) / 2.0
        pe = np.einsum("bk,kl,bl->b", pa, w, pb)
        return safe_ratio(po - pe, 1.0 - pe)

    return Plan(len(pairs.a), 2 + 2 * k, features, finish)


def cohen_kappa(ratings: Ratings, *, weights: Weights = "identity") -> float:
    """Cohen's κ between the two annotators on the items both rated (weighted with linear or
    quadratic agreement weights on the category scores)."""
    return plan(ratings, weights, "cohen").value()


def scott_pi(ratings: Ratings, *, weights: Weights = "identity") -> float:
    """Scott's π between the two annotators on the items both rated."""
    return plan(ratings, weights, "scott").value()


def contingency_table(ratings: Ratings) -> FloatArray:
    """Counts of (label by annotator 0, label by annotator 1) over the items both rated."""
    pairs = paired_labels(ratings, "a contingency table")
    k = ratings.n_categories
    return np.bincount(pairs.a * k + pairs.b, minlength=k * k).reshape(k, k).astype(np.float64)
