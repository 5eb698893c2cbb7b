"""Agreement between every pair of annotators over the items both rated: percent agreement and
Cohen's κ, all pairs at once.

Each item with r raters yields r(r−1)/2 annotator pairs; the pairs of all items are generated
as arrays and reduced with ``bincount`` keyed by (annotator pair) and (pair, category), so the
cost is O(Σ r_i²), never a loop over annotator pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._plan import safe_ratio
from ._ratings import FloatArray, IntArray, Ratings
from ._weights import Weights, weight_matrix


@dataclass(frozen=True, slots=True)
class PairwiseAgreement:
    """One row per annotator pair (a < b in annotator order) that shares at least one item."""

    annotators: npt.NDArray[Any]
    a: IntArray
    b: IntArray
    n_shared: IntArray
    percent: FloatArray
    kappa: FloatArray

    def __len__(self) -> int:
        return len(self.a)

    def matrix(self, field: Literal["percent", "kappa", "n_shared"] = "kappa") -> FloatArray:
        """Square (annotators × annotators) matrix of ``field``, symmetric; NaN (0 for n_shared)
        where two annotators share no item and on the diagonal."""
        size = len(self.annotators)
        fill = 0.0 if field == "n_shared" else np.nan
        out = np.full((size, size), fill)
        values = getattr(self, field).astype(np.float64)
        out[self.a, self.b] = values
        out[self.b, self.a] = values
        return out

    def records(self) -> list[dict[str, Any]]:
        """Rows as plain dicts (annotator ids, n_shared, percent, kappa), e.g. for JSON."""
        ids = self.annotators.tolist()
        return [
            {"annotator_a": ids[a], "annotator_b": ids[b], "n_shared": int(n),
             "percent": float(p), "kappa": float(k)}
            for a, b, n, p, k in zip(self.a.tolist(), self.b.tolist(), self.n_shared.tolist(),
                                     self.percent.tolist(), self.kappa.tolist(), strict=True)
        ]


def _within_item_pairs(ratings: Ratings) -> tuple[IntArray, IntArray]:
    """Row indices (left, right), left < right, of every two ratings of the same item."""
    r = ratings.raters_per_item()
    squares = r * r
    total = int(squares.sum())
    item = np.repeat(np.arange(ratings.n_items), squares)
    position = np.arange(total) - np.repeat(np.cumsum(squares) - squares, squares)
    size = r[item]
    first, second = position // size, position % size
    keep = first < second
    start = ratings.indptr[item[keep]]
    return start + first[keep], start + second[keep]


def pairwise_agreement(ratings: Ratings, *, weights: Weights = "identity") -> PairwiseAgreement:
    """Percent agreement and Cohen's κ for each pair of annotators on the items both rated."""
    w = weight_matrix(ratings.scores, weights)
    k = ratings.n_categories
    left, right = _within_item_pairs(ratings)
    # Rows are sorted by annotator within an item, so left's annotator < right's.
    key = ratings.annotator[left] * ratings.n_annotators + ratings.annotator[right]
    pair_keys, pair = np.unique(key, return_inverse=True)
    pair = pair.reshape(-1)
    n_pairs = len(pair_keys)
    la, lb = ratings.label[left], ratings.label[right]
    n_shared = np.bincount(pair, minlength=n_pairs)
    shared = n_shared.astype(np.float64)
    po = np.bincount(pair, weights=w[la, lb], minlength=n_pairs) / shared
    share_a = np.bincount(pair * k + la, minlength=n_pairs * k).reshape(n_pairs, k) / shared[:, None]
    share_b = np.bincount(pair * k + lb, minlength=n_pairs * k).reshape(n_pairs, k) / shared[:, None]
    pe = ((share_a @ w) * share_b).sum(axis=1)
    return PairwiseAgreement(
        annotators=ratings.annotators,
        a=(pair_keys // ratings.n_annotators).astype(np.int64),
        b=(pair_keys % ratings.n_annotators).astype(np.int64),
        n_shared=n_shared.astype(np.int64),
        percent=po,
        kappa=safe_ratio(po - pe, 1.0 - pe),
    )
