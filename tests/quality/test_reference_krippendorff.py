"""Krippendorff's α against the `krippendorff` package on random data: every level, missing
ratings, numeric and string labels, fed both as reliability data and as per-unit value counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given

from assay.quality import krippendorff_alpha

from .helpers import PROPERTY, Wide, wide_ratings

krippendorff = pytest.importorskip("krippendorff")


def _reference(wide: Wide, level: str) -> float:
    if wide.strings:
        # The package reads string data as a unicode array with "nan" for a missing value.
        data = np.array([["nan" if v is None else v for v in row] for row in wide.grid], dtype=str)
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                                        value_domain=wide.categories))
    return float(krippendorff.alpha(reliability_data=wide.float_grid(), level_of_measurement=level,
                                    value_domain=wide.categories))


@PROPERTY
@given(wide=wide_ratings())
def test_nominal_and_ordinal(wide: Wide) -> None:
    assume(len(wide.pairable_values()) >= 2)
    ratings = wide.ratings()
    for level in ("nominal", "ordinal"):
        assert krippendorff_alpha(ratings, level=level) == pytest.approx(_reference(wide, level), abs=1e-9)


@PROPERTY
@given(wide=wide_ratings(strings=False, nonnegative=True))
def test_interval_and_ratio(wide: Wide) -> None:
    assume(len(wide.pairable_values()) >= 2)
    ratings = wide.ratings()
    for level in ("interval", "ratio"):
        assert krippendorff_alpha(ratings, level=level) == pytest.approx(_reference(wide, level), abs=1e-9)


@PROPERTY
@given(wide=wide_ratings(strings=False))
def test_value_counts_input_and_negative_interval_values(wide: Wide) -> None:
    assume(len(wide.pairable_values()) >= 2)
    ratings = wide.ratings()
    counts = ratings.counts()
    for level in ("nominal", "ordinal", "interval"):
        expected = krippendorff.alpha(value_counts=counts, value_domain=ratings.categories.tolist(),
                                      level_of_measurement=level)
        assert krippendorff_alpha(ratings, level=level) == pytest.approx(expected, abs=1e-9)


def test_no_variation_is_nan_not_an_error() -> None:
    from assay.quality import Ratings

    ratings = Ratings([1, 1, 2, 2], ["a", "b", "a", "b"], [3, 3, 3, 3])
    assert np.isnan(krippendorff_alpha(ratings))
