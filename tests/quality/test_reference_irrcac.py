"""Gwet's AC1/AC2, Brennan–Prediger, Fleiss' κ (Gwet's generalisation for missing ratings),
percent agreement, nominal α and the linearisation standard errors against irrCAC.

irrCAC rounds every figure to 5 decimals, hence the tolerance. Categories are always passed
explicitly: with pandas ≥ 2.1 irrCAC 0.4.4 counts NaN as a category when it infers them
(``DataFrame.stack`` keeps missing values), which changes AC1 and Brennan–Prediger.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings

from assay.quality import (
    brennan_prediger,
    brennan_prediger_se,
    fleiss_kappa,
    fleiss_kappa_se,
    gwet_ac,
    gwet_ac_se,
    krippendorff_alpha,
    percent_agreement,
)

from .helpers import PROPERTY, Wide, wide_ratings

irrcac_raw = pytest.importorskip("irrCAC.raw")

ROUNDING = 1.1e-5
# irrCAC takes ~10 ms per coefficient: fewer examples keep the suite fast.
SLOW_PROPERTY = settings(PROPERTY, max_examples=50)


def _cac(wide: Wide, weights: str) -> object:
    frame = pd.DataFrame(wide.grid, dtype=object).T
    frame = frame.where(frame.notna(), np.nan)
    if not wide.strings:
        frame = frame.astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return irrcac_raw.CAC(frame, weights=weights, categories=list(wide.categories))


def _est(cac: object, method: str) -> dict[str, float]:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return getattr(cac, method)()["est"]


@SLOW_PROPERTY
@given(wide=wide_ratings(max_raters=5, max_units=20))
def test_gwet_bp_fleiss_percent(wide: Wide) -> None:
    ratings = wide.ratings()
    # irrCAC's variance divides by n(n − 1): it needs two rated items.
    assume(len(wide.pairable_values()) >= 2 and ratings.n_items >= 2)
    for weights in ("identity", "linear", "quadratic"):
        cac = _cac(wide, weights)
        cases = [("gwet", gwet_ac, gwet_ac_se), ("bp", brennan_prediger, brennan_prediger_se),
                 ("fleiss", fleiss_kappa, fleiss_kappa_se)]
        for method, coefficient, with_se in cases:
            est = _est(cac, method)
            ours = coefficient(ratings, weights=weights)
            assume(np.isfinite(ours) and np.isfinite(est["coefficient_value"]))
            assert ours == pytest.approx(est["coefficient_value"], abs=ROUNDING), (method, weights)
            se = with_se(ratings, weights=weights)
            if est["se"] > 1e-9 and np.isfinite(se.se):
                assert se.se == pytest.approx(est["se"], abs=ROUNDING), (method, weights)
        assert percent_agreement(ratings, weights=weights) == pytest.approx(est["pa"], abs=ROUNDING)


@PROPERTY
@given(wide=wide_ratings(max_raters=5, max_units=20))
def test_nominal_alpha(wide: Wide) -> None:
    ratings = wide.ratings()
    # irrCAC's variance divides by n(n − 1) over pairable units.
    assume(len(wide.pairable_values()) >= 2 and int((ratings.raters_per_item() >= 2).sum()) >= 2)
    est = _est(_cac(wide, "identity"), "krippendorff")
    assert krippendorff_alpha(ratings) == pytest.approx(est["coefficient_value"], abs=ROUNDING)
