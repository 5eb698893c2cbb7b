"""Published worked examples, to the decimals their sources print."""

from __future__ import annotations

import numpy as np
import pytest

from assay.quality import (
    Ratings,
    cohen_kappa,
    cohen_kappa_se,
    fleiss_kappa,
    fleiss_kappa_se,
    gwet_ac,
    gwet_ac_se,
    krippendorff_alpha,
    percent_agreement,
)

from .helpers import KRIPPENDORFF_2011, from_counts, from_wide


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815),
                                                 ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_reliability_data(level: str, expected: float) -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
    12 units, missing values, α at every level of measurement."""
    assert round(krippendorff_alpha(from_wide(KRIPPENDORFF_2011), level=level), 3) == expected


def test_krippendorff_2011_string_labels_with_an_order() -> None:
    """The same data as ordered words: ordinal α depends only on the order."""
    names = ["very low", "low", "mid", "high", "very high"]
    grid = [[None if np.isnan(v) else names[int(v) - 1] for v in row] for row in KRIPPENDORFF_2011]
    ratings = from_wide(grid, categories=names)
    assert not ratings.numeric
    assert round(krippendorff_alpha(ratings, level="ordinal"), 3) == 0.815
    assert round(krippendorff_alpha(ratings, level="nominal"), 3) == 0.743


def test_krippendorff_wikipedia_example() -> None:
    """Wikipedia, "Krippendorff's alpha", computational example: 3 coders × 15 units, α = 0.691
    (nominal); 0.811 interval, as the krippendorff package's tests have it."""
    nan = np.nan
    data = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    assert round(krippendorff_alpha(from_wide(data), level="nominal"), 6) == 0.691358
    assert round(krippendorff_alpha(from_wide(data), level="interval"), 6) == 0.810845


# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_wikipedia_example() -> None:
    ratings = from_counts(FLEISS_WIKIPEDIA)
    assert round(fleiss_kappa(ratings), 3) == 0.210
    # P̄ (mean agreement over subjects) is percent agreement; the page prints 0.378.
    assert round(percent_agreement(ratings), 3) == 0.378
    se = fleiss_kappa_se(ratings)
    assert np.isfinite(se.se_null) and se.se_null > 0


def test_cohen_wikipedia_example() -> None:
    """Wikipedia, "Cohen's kappa", simple example: 50 proposals, yes/yes 20, yes/no 5, no/yes 10,
    no/no 15: p_o = 0.7, p_e = 0.5, κ = 0.4."""
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    items = np.repeat(np.arange(50), 2)
    annotators = np.tile(["A", "B"], 50)
    labels = np.array([label for pair in pairs for label in pair])
    ratings = Ratings(items, annotators, labels)
    assert cohen_kappa(ratings) == pytest.approx(0.4, abs=1e-12)
    assert percent_agreement(ratings) == pytest.approx(0.7, abs=1e-12)
    assert cohen_kappa_se(ratings).value == pytest.approx(0.4, abs=1e-12)


def test_gwet_handbook_example() -> None:
    """Gwet's handbook data (the same 4 raters × 12 units), as irrCAC documents it:
    AC1 = 0.77544 (SE 0.14295), Fleiss' κ = 0.76117 (SE 0.15302), p_a = 0.81818."""
    ratings = from_wide(KRIPPENDORFF_2011)
    assert round(gwet_ac(ratings), 5) == 0.77544
    assert round(gwet_ac_se(ratings).se, 5) == 0.14295
    assert round(fleiss_kappa(ratings), 5) == 0.76117
    assert round(fleiss_kappa_se(ratings).se, 5) == 0.15302
    assert round(percent_agreement(ratings), 5) == 0.81818
