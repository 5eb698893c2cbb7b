"""Numeric score aggregation against NumPy and SciPy item by item."""

from __future__ import annotations

import numpy as np
import pytest

from assay.quality import Ratings, RatingsError
from assay.quality.inference import aggregate_scores


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_per_item_reference(seed: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 12, 40)  # ratings per item, some items with one
    items = np.repeat(np.arange(40), n)
    values = rng.integers(1, 8, len(items)).astype(float) + rng.choice([0.0, 0.5], len(items))
    annotators = rng.integers(0, 5, len(items))  # repeats allowed: each row counts
    ratings = Ratings(items, annotators, values, duplicates="keep")
    for trim in (0.0, 0.1, 0.25):
        summary = aggregate_scores(ratings, "trimmed", trim=trim)
        for i in range(40):
            x = values[items == i]
            assert summary.n[i] == len(x)
            assert summary.mean[i] == pytest.approx(x.mean())
            assert summary.median[i] == pytest.approx(np.median(x))
            assert summary.value[i] == pytest.approx(stats.trim_mean(x, trim))
            q75, q25 = np.percentile(x, [75, 25])
            assert summary.iqr[i] == pytest.approx(q75 - q25)
            assert summary.mad[i] == pytest.approx(np.median(np.abs(x - np.median(x))))
            if len(x) > 1:
                assert summary.sd[i] == pytest.approx(x.std(ddof=1))
            else:
                assert np.isnan(summary.sd[i])


def test_methods_and_dict() -> None:
    ratings = Ratings([1, 1, 1, 2], ["a", "b", "c", "a"], [1, 2, 9, 4])
    assert aggregate_scores(ratings, "mean").value.tolist() == [4.0, 4.0]
    assert aggregate_scores(ratings, "median").value.tolist() == [2.0, 4.0]
    out = aggregate_scores(ratings).to_dict()
    assert out["method"] == "mean" and out["trim"] is None
    assert out["items"][1] == {"item": 2, "value": 4.0, "n": 1, "mean": 4.0, "median": 4.0, "sd": None,
                               "mad": 0.0, "iqr": 0.0}


def test_refusals() -> None:
    with pytest.raises(RatingsError, match="numeric"):
        aggregate_scores(Ratings([1, 2], ["a", "a"], ["good", "bad"]))
    numbers = Ratings([1, 2], ["a", "a"], [1, 2])
    with pytest.raises(RatingsError, match="unknown method"):
        aggregate_scores(numbers, "mode")
    with pytest.raises(RatingsError, match="trim"):
        aggregate_scores(numbers, "trimmed", trim=0.5)
