"""Fleiss' κ, Cohen's κ (plain and weighted, with standard errors) and Scott's π against
statsmodels on random data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given

from assay.quality import (
    cohen_kappa,
    cohen_kappa_se,
    contingency_table,
    fleiss_kappa,
    fleiss_kappa_se,
    percent_agreement,
    scott_pi,
)

from .helpers import PROPERTY, Wide, wide_ratings

inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

# statsmodels warns on its own 0/0 (e.g. a zero null variance); those cases are assumed away.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

STATSMODELS_WT = {"linear": "linear", "quadratic": "quadratic"}


@PROPERTY
@given(wide=wide_ratings(missing=False, min_raters=2, max_raters=7))
def test_fleiss_on_complete_data(wide: Wide) -> None:
    """statsmodels' fleiss_kappa needs every subject rated by everyone: the case where every
    generalisation agrees with Fleiss (1971)."""
    ratings = wide.ratings()
    assume(len(wide.pairable_values()) >= 2)
    table, _ = inter_rater.aggregate_raters(wide.float_grid().T)
    assert fleiss_kappa(ratings) == pytest.approx(inter_rater.fleiss_kappa(table), abs=1e-9)
    assert fleiss_kappa_se(ratings).value == pytest.approx(fleiss_kappa(ratings), abs=1e-12)


@PROPERTY
@given(wide=wide_ratings(min_raters=2, max_raters=2))
def test_cohen_with_missing_ratings_and_weights(wide: Wide) -> None:
    ratings = wide.ratings()
    table = contingency_table(ratings)
    assume(table.sum() >= 2)
    for weights in ("identity", "linear", "quadratic"):
        if weights == "identity":
            expected = inter_rater.cohens_kappa(table)
        else:
            expected = inter_rater.cohens_kappa(table, weights=ratings.scores, wt=STATSMODELS_WT[weights])
        assume(np.isfinite(expected.kappa))
        assert cohen_kappa(ratings, weights=weights) == pytest.approx(expected.kappa, abs=1e-9)
        se = cohen_kappa_se(ratings, weights=weights)
        # Variances, not square roots: near-zero variances differ by rounding noise only.
        assert se.se**2 == pytest.approx(max(expected.var_kappa, 0.0), rel=1e-8, abs=1e-12)
        assert se.se_null**2 == pytest.approx(max(expected.var_kappa0, 0.0), rel=1e-8, abs=1e-12)


@PROPERTY
@given(wide=wide_ratings(min_raters=2, max_raters=2, missing=False))
def test_scott_pi_is_two_rater_fleiss(wide: Wide) -> None:
    ratings = wide.ratings()
    assume(len(wide.pairable_values()) >= 2)
    table, _ = inter_rater.aggregate_raters(wide.float_grid().T)
    assert scott_pi(ratings) == pytest.approx(inter_rater.fleiss_kappa(table), abs=1e-9)
    # With two raters, percent agreement is the share of items they agree on.
    grid = wide.float_grid()
    assert percent_agreement(ratings) == pytest.approx(float(np.mean(grid[0] == grid[1])), abs=1e-12)
