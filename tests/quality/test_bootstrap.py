"""Bootstrap intervals over items: reproducible, and each replicate equal to the statistic
recomputed on the resampled data."""

from __future__ import annotations

import numpy as np
import pytest

from assay.quality import METRICS, Ratings, agreement, bootstrap_interval, cohen_kappa_se, fleiss_kappa_se
from assay.quality._agreement import metric_plan
from assay.quality._bootstrap import resample_weights

from .helpers import KRIPPENDORFF_2011, from_wide


def _simulated(n_items: int, n_raters: int, k: int, agree: float, seed: int) -> Ratings:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_items)
    labels = np.where(rng.random((n_items, n_raters)) < agree, truth[:, None], rng.integers(0, k, (n_items, n_raters)))
    return Ratings(np.repeat(np.arange(n_items), n_raters), np.tile(np.arange(n_raters), n_items), labels.ravel())


def _expand(ratings: Ratings, copies: np.ndarray) -> Ratings:
    """The data set a replicate stands for: item i repeated copies[i] times, as distinct items."""
    rows = np.repeat(np.arange(ratings.n_ratings), copies[ratings.item])
    repeat_index = np.concatenate([np.arange(c) for c in copies[ratings.item]]) if len(rows) else rows
    item = ratings.item[rows] * int(copies.max() + 1) + repeat_index
    return Ratings(item, ratings.annotator[rows], ratings.categories[ratings.label[rows]],
                   categories=list(ratings.categories))


CASES = [("percent", {}), ("fleiss", {"weights": "quadratic"}), ("gwet", {}), ("gwet", {"weights": "linear"}),
         ("bp", {}), ("krippendorff", {"level": "nominal"}), ("krippendorff", {"level": "ordinal"}),
         ("krippendorff", {"level": "interval"}), ("krippendorff", {"level": "ratio"}),
         ("cohen", {"weights": "linear"}), ("scott", {})]


@pytest.mark.parametrize(("metric", "options"), CASES)
def test_replicates_equal_recomputation_on_resampled_items(metric: str, options: dict[str, str]) -> None:
    raters = 2 if metric in ("cohen", "scott") else 4
    ratings = _simulated(30, raters, 4, 0.5, seed=3)
    # Every item rated by everyone, so each metric's rows are the items in order.
    plan = metric_plan(ratings, metric, **options)
    assert plan.n_rows == ratings.n_items
    weights = resample_weights(np.random.default_rng(5), plan.n_rows, 4)
    with np.errstate(all="ignore"):
        fast = plan.finish(plan.sums(weights))
    for replicate, copies in enumerate(weights.astype(np.int64)):
        direct = metric_plan(_expand(ratings, copies), metric, **options).value()
        assert fast[replicate] == pytest.approx(direct, abs=1e-9)


def test_seeded_and_reproducible() -> None:
    ratings = from_wide(KRIPPENDORFF_2011)
    a = bootstrap_interval(ratings, "krippendorff", level="interval", n_boot=300, seed=11)
    b = bootstrap_interval(ratings, "krippendorff", level="interval", n_boot=300, seed=11)
    c = bootstrap_interval(ratings, "krippendorff", level="interval", n_boot=300, seed=12)
    assert a == b
    assert (a.low, a.high) != (c.low, c.high)
    assert a.low <= 0.849 <= a.high


@pytest.mark.parametrize("metric", [m for m in METRICS if m not in ("cohen", "scott")])
def test_interval_brackets_the_estimate(metric: str) -> None:
    ratings = _simulated(400, 4, 3, 0.6, seed=1)
    result = agreement(ratings, metric, n_boot=400, seed=2)
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low < result.value < result.ci_high


def test_bootstrap_se_matches_analytic_se() -> None:
    """Two independent routes to the same uncertainty: within 15% on 600 items."""
    many = _simulated(600, 5, 3, 0.5, seed=4)
    boot = bootstrap_interval(many, "fleiss", n_boot=1500, seed=0)
    assert boot.se == pytest.approx(fleiss_kappa_se(many).se, rel=0.15)
    two = _simulated(600, 2, 3, 0.5, seed=5)
    boot = bootstrap_interval(two, "cohen", n_boot=1500, seed=0)
    assert boot.se == pytest.approx(cohen_kappa_se(two).se, rel=0.15)


def test_fleiss_null_se_matches_simulation() -> None:
    """Under chance-only rating, the spread of κ over many data sets is the null SE."""
    kappas, null_se = [], []
    for seed in range(300):
        result = fleiss_kappa_se(_simulated(40, 5, 3, 0.0, seed=seed))
        kappas.append(result.value)
        null_se.append(result.se_null)
    assert float(np.std(kappas, ddof=1)) == pytest.approx(float(np.mean(null_se)), rel=0.15)


def test_undefined_replicates_are_left_out() -> None:
    # Two items: one replicate in four draws the same (unanimous) item twice, where κ is 0/0.
    ratings = Ratings([1, 1, 2, 2], ["a", "b", "a", "b"], ["x", "x", "x", "y"])
    interval = bootstrap_interval(ratings, "fleiss", n_boot=200, seed=0)
    assert 0 < interval.n_undefined < 200


def test_wald_interval_from_the_standard_error() -> None:
    result = fleiss_kappa_se(_simulated(200, 4, 3, 0.5, seed=9))
    low, high = result.interval(0.95)
    assert (high - low) / 2 == pytest.approx(1.959964 * result.se, rel=1e-6)
    assert low < result.value < high
