"""score_table: hand-worked figures, items counted once, Wilson against statsmodels, bootstrap
against scipy, reproducibility and errors that name the row and field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.evals import EvalError, score_table, wilson_interval

from .helpers import PROPERTY


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "item": ["q1", "q1", "q2", "q3", "q1", "q2", "q3", "q3"],
        "model": ["a", "a", "a", "a", "b", "b", "b", "b"],
        "criterion": "accuracy",
        "domain": "STEM",
        "value": [4, 2, 5, 1, 3, 3, 5, 4],
    })


def test_hand_worked_means_and_pass_rates() -> None:
    out = score_table(frame(), threshold=3, n_boot=0)
    a, b = out.iloc[0], out.iloc[1]
    # Model a: q1 rated 4 and 2 (item mean 3, one of two rows passes), q2 5, q3 1.
    assert (a["model"], a["n_items"], a["n_rows"]) == ("a", 3, 4)
    assert a["mean"] == pytest.approx((3 + 5 + 1) / 3)
    assert a["sd"] == pytest.approx(np.std([3, 5, 1], ddof=1))
    assert a["se"] == pytest.approx(np.std([3, 5, 1], ddof=1) / np.sqrt(3))
    assert a["pass_rate"] == pytest.approx((0.5 + 1 + 0) / 3)
    # Model b: q1 3, q2 3, q3 mean 4.5; every row passes at threshold 3.
    assert b["mean"] == pytest.approx((3 + 3 + 4.5) / 3)
    assert b["pass_rate"] == 1.0
    assert np.isnan(a["mean_low"]) and np.isnan(a["pass_high"])


def test_boolean_values_are_pass_fail_and_numbers_without_threshold_have_no_pass_rate() -> None:
    data = frame().assign(value=[True, False, True, True, False, False, True, True])
    out = score_table(data, by=["model"], n_boot=0)
    assert out["pass_rate"].tolist() == pytest.approx([(0.5 + 1 + 1) / 3, (0 + 0 + 1) / 3])
    assert out["mean"].tolist() == out["pass_rate"].tolist()
    numeric = score_table(frame(), by=["model"], n_boot=0)
    assert numeric["pass_rate"].isna().all() and numeric["wilson_low"].isna().all()


def test_any_grouping() -> None:
    data = frame()
    data.loc[data["item"] == "q3", "domain"] = "Humanities"
    out = score_table(data, by=["model", "domain"], n_boot=0)
    assert out[["model", "domain"]].values.tolist() == [
        ["a", "Humanities"], ["a", "STEM"], ["b", "Humanities"], ["b", "STEM"]]
    assert out["n_items"].tolist() == [1, 2, 1, 2]
    overall = score_table(data, by=[], n_boot=0)
    # Without grouping every row of an item, whatever the model, is one cluster.
    assert len(overall) == 1 and (overall["n_items"].iloc[0], overall["n_rows"].iloc[0]) == (3, 8)


def test_cluster_bootstrap_keeps_an_items_rows_together() -> None:
    """One item with many identical rows must not narrow the interval: the cluster bootstrap
    sees it as one item, so repeating rows changes nothing."""
    rng = np.random.default_rng(3)
    values = rng.normal(3, 1, 40)
    once = pd.DataFrame({"item": np.arange(40), "model": "m", "value": values})
    repeated = once.loc[once.index.repeat(5)].reset_index(drop=True)
    a = score_table(once, by=["model"], n_boot=500, seed=4)
    b = score_table(repeated, by=["model"], n_boot=500, seed=4)
    assert b["n_rows"].iloc[0] == 200
    for column in ("mean", "mean_low", "mean_high"):
        assert a[column].iloc[0] == pytest.approx(b[column].iloc[0])


def test_bootstrap_interval_agrees_with_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(11)
    values = rng.gamma(2.0, 1.5, 300)
    data = pd.DataFrame({"item": np.arange(300), "model": "m", "value": values})
    ours = score_table(data, by=["model"], n_boot=10_000, seed=1).iloc[0]
    theirs = stats.bootstrap((values,), np.mean, n_resamples=10_000, method="percentile",
                             rng=np.random.default_rng(2)).confidence_interval
    # Two Monte Carlo estimates of the same percentiles: about 0.05 se apart at this size.
    se = values.std(ddof=1) / np.sqrt(len(values))
    assert ours["mean_low"] == pytest.approx(theirs.low, abs=0.15 * se)
    assert ours["mean_high"] == pytest.approx(theirs.high, abs=0.15 * se)
    assert ours["mean_low"] < ours["mean"] < ours["mean_high"]


def test_seeded_and_reproducible() -> None:
    rng = np.random.default_rng(6)
    data = pd.DataFrame({"item": np.tile(np.arange(50), 2), "model": np.repeat(["a", "b"], 50),
                         "value": rng.integers(1, 6, 100)})
    a = score_table(data, by=["model"], threshold=3, n_boot=300, seed=9)
    pd.testing.assert_frame_equal(a, score_table(data, by=["model"], threshold=3, n_boot=300, seed=9))
    c = score_table(data, by=["model"], threshold=3, n_boot=300, seed=10)
    assert not np.allclose(a[["mean_low", "mean_high", "pass_low", "pass_high"]],
                           c[["mean_low", "mean_high", "pass_low", "pass_high"]])


@PROPERTY
@given(st.integers(0, 200), st.integers(1, 200), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_matches_statsmodels(successes: int, extra: int, confidence: float) -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    n = successes + extra - 1 if successes + extra > 1 else 1
    successes = min(successes, n)
    low, high = wilson_interval(np.array([successes]), np.array([n]), confidence)
    ref_low, ref_high = proportion.proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    assert low[0] == pytest.approx(ref_low, abs=1e-12)
    assert high[0] == pytest.approx(ref_high, abs=1e-12)


def test_wilson_published_example() -> None:
    """Newcombe (1998), Table I, example (a): 81 of 263 → Wilson 95% interval 0.2553 to 0.3662."""
    low, high = wilson_interval(np.array([81]), np.array([263]))
    assert (round(float(low[0]), 4), round(float(high[0]), 4)) == (0.2553, 0.3662)


def test_errors_name_row_and_field() -> None:
    bad = frame().astype({"value": object})
    bad.loc[5, "value"] = "good"
    with pytest.raises(EvalError, match=r"scores: row 6: field 'value': 'good' is not a finite number"):
        score_table(bad)
    with pytest.raises(EvalError, match=r"missing column 'domain'"):
        score_table(frame().drop(columns="domain"))
    missing = frame()
    missing.loc[2, "item"] = None
    with pytest.raises(EvalError, match=r"row 3: field 'item': is missing"):
        score_table(missing)
    with pytest.raises(EvalError, match="confidence"):
        score_table(frame(), confidence=1.5)


def test_threaded_batches_give_the_same_interval_every_time() -> None:
    """Enough cells that the replicates run in several batches on two threads: each batch has its
    own seed, so thread timing cannot change the result."""
    rng = np.random.default_rng(12)
    data = pd.DataFrame({"item": np.arange(60_000), "model": rng.choice(["a", "b", "c"], 60_000),
                         "value": rng.normal(0, 1, 60_000)})
    first = score_table(data, by=["model"], n_boot=300, seed=2)
    for _ in range(2):
        pd.testing.assert_frame_equal(first, score_table(data, by=["model"], n_boot=300, seed=2))
    assert (first["mean_low"] < first["mean"]).all() and (first["mean"] < first["mean_high"]).all()


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 6), st.floats(-5, 5)), min_size=1, max_size=40),
       st.integers(0, 1000))
def test_cluster_bootstrap_stays_within_each_groups_items(rows: list[tuple[int, int, float]], seed: int) -> None:
    """Every replicate of a group's mean is a mean of that group's own item means: it lies
    between their minimum and maximum, whatever the other groups hold."""
    from assay.evals._cluster_bootstrap import cluster_ratio_replicates

    data = pd.DataFrame(rows, columns=["model", "item", "value"])
    item_means = data.groupby(["model", "item"])["value"].mean().reset_index()
    group = item_means["model"].rank(method="dense").astype(int).to_numpy() - 1
    replicates = cluster_ratio_replicates(group, item_means[["value"]].to_numpy(), np.ones(len(group)), 50, seed)
    for g in range(group.max() + 1):
        own = item_means["value"].to_numpy()[group == g]
        assert replicates[:, g, 0].min() >= own.min() - 1e-9 and replicates[:, g, 0].max() <= own.max() + 1e-9
    table = score_table(data, by=["model"], n_boot=50, seed=seed)
    assert (table["mean_low"] <= table["mean_high"]).all()


def test_both_ways_of_drawing_give_the_same_intervals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Few-valued scores are drawn as multinomial counts of their distinct values; forcing the
    per-item index draws on the same data gives the same intervals up to Monte Carlo error."""
    import assay.evals._cluster_bootstrap as cluster

    rng = np.random.default_rng(21)
    data = pd.DataFrame({"item": np.arange(3000), "model": rng.choice(["a", "b"], 3000),
                         "value": rng.choice([1, 2, 3, 4, 5], 3000, p=[0.1, 0.2, 0.3, 0.3, 0.1])})
    counted = score_table(data, by=["model"], threshold=4, n_boot=4000, seed=1)
    monkeypatch.setattr(cluster, "DISTINCT_SHARE", 0.0)
    indexed = score_table(data, by=["model"], threshold=4, n_boot=4000, seed=1)
    se = counted["sd"] / np.sqrt(counted["n_items"])
    for column in ("mean_low", "mean_high"):
        assert (abs(counted[column] - indexed[column]) < 0.15 * se).all()
    for column in ("pass_low", "pass_high"):
        assert (abs(counted[column] - indexed[column]) < 0.01).all()
    assert not counted["mean_low"].equals(indexed["mean_low"])  # two different random streams
