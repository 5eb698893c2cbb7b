"""The annotator × annotator agreement matrix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from assay.quality import Ratings, cohen_kappa, pairwise_agreement, percent_agreement

from .helpers import KRIPPENDORFF_2011, PROPERTY, Wide, from_wide, wide_ratings


def _pair(ratings: Ratings, a: int, b: int) -> Ratings:
    rows = np.isin(ratings.annotator, [a, b])
    return Ratings(ratings.item[rows], ratings.annotator[rows], ratings.categories[ratings.label[rows]],
                   categories=list(ratings.categories))


@PROPERTY
@given(wide=wide_ratings(min_raters=2, max_raters=5))
def test_each_pair_is_cohen_on_the_shared_items(wide: Wide) -> None:
    ratings = wide.ratings()
    for weights in ("identity", "quadratic"):
        pairs = pairwise_agreement(ratings, weights=weights)
        for a, b, n, percent, kappa in zip(pairs.a, pairs.b, pairs.n_shared, pairs.percent, pairs.kappa, strict=True):
            two = _pair(ratings, int(a), int(b))
            assert n == int((two.raters_per_item() == 2).sum())
            assert percent == pytest.approx(percent_agreement(two.subset(two.raters_per_item() == 2),
                                                              weights=weights), abs=1e-12)
            expected = cohen_kappa(two, weights=weights)
            assert kappa == pytest.approx(expected, abs=1e-12, nan_ok=True)


def test_matrix_and_records() -> None:
    pairs = pairwise_agreement(from_wide(KRIPPENDORFF_2011))
    assert len(pairs) == 6
    kappa = pairs.matrix("kappa")
    assert kappa.shape == (4, 4)
    assert np.allclose(kappa, kappa.T, equal_nan=True)
    assert np.isnan(np.diag(kappa)).all()
    shared = pairs.matrix("n_shared")
    assert shared[1, 3] == 10  # observers B and D share units 1-10
    first = pairs.records()[0]
    assert first["annotator_a"] == "r0" and first["annotator_b"] == "r1"
    assert set(first) == {"annotator_a", "annotator_b", "n_shared", "percent", "kappa"}


def test_pairs_without_shared_items_are_absent() -> None:
    ratings = Ratings([1, 1, 2, 2, 3], ["a", "b", "b", "c", "d"], ["x", "y", "x", "x", "y"])
    pairs = pairwise_agreement(ratings)
    names = [(pairs.annotators[a], pairs.annotators[b]) for a, b in zip(pairs.a, pairs.b, strict=True)]
    assert names == [("a", "b"), ("b", "c")]
    assert np.isnan(pairs.matrix("percent")[0, 3])
