"""Judge calibration: agreement against statsmodels and krippendorff, position bias, length
bias, self-preference and the coverage–accuracy curve on constructed data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assay.evals import (
    EvalError,
    coverage_accuracy,
    judge_agreement,
    judge_agreement_table,
    judge_consensus,
    length_bias,
    position_bias,
    self_preference,
)

from .helpers import PROPERTY


@PROPERTY
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=3, max_size=60))
def test_agreement_matches_reference_packages(pairs: list[tuple[int, int]]) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    krippendorff = pytest.importorskip("krippendorff")
    human, judge = (np.array(v) for v in zip(*pairs, strict=True))
    assume(len(set(human.tolist()) | set(judge.tolist())) > 1)
    # The whole 1-5 scale, so that statsmodels' weights (on table positions) and ours (on the
    # label values) measure the same distances.
    labels = [1, 2, 3, 4, 5]
    result = judge_agreement(human, judge, categories=labels, n_boot=0)
    table = pd.crosstab(pd.Categorical(human, labels), pd.Categorical(judge, labels), dropna=False).to_numpy()
    np.testing.assert_array_equal(result.confusion.to_numpy(), table)
    with np.errstate(all="ignore"):
        plain = inter_rater.cohens_kappa(table, return_results=False)
        quadratic = inter_rater.cohens_kappa(table, wt="quadratic", return_results=False)
    assert result.kappa == pytest.approx(plain, abs=1e-9, nan_ok=True)
    assert result.weighted_kappa == pytest.approx(quadratic, abs=1e-9, nan_ok=True)
    reference = krippendorff.alpha(reliability_data=np.vstack([human, judge]).astype(float), level_of_measurement="ordinal",
                                   value_domain=labels)
    assert result.alpha == pytest.approx(reference, abs=1e-9, nan_ok=True)
    assert result.accuracy == pytest.approx(np.mean(human == judge))
    assert result.within_one == pytest.approx(np.mean(np.abs(human - judge) <= 1))


def test_unscored_items_and_text_scales() -> None:
    human = ["good", "bad", "fair", "good", "bad", "fair"]
    judge = ["good", "fair", "fair", None, "bad", ""]
    result = judge_agreement(human, judge, categories=["bad", "fair", "good"], n_boot=200)
    assert (result.n, result.n_unscored) == (4, 2)
    assert result.accuracy == 0.75 and result.within_one == 1.0
    assert result.confusion.index.tolist() == ["bad", "fair", "good"]
    assert result.confusion.loc["bad", "fair"] == 1 and int(result.confusion.to_numpy().sum()) == 4
    assert result.kappa_low <= result.weighted_kappa <= result.kappa_high
    nominal = judge_agreement(human, judge, scale="nominal", n_boot=0)
    assert np.isnan(nominal.within_one) and np.isnan(nominal.weighted_kappa) and nominal.weights == "identity"
    with pytest.raises(EvalError, match="human label 2 is missing"):
        judge_agreement(["a", None], ["a", "b"])


def test_agreement_per_criterion() -> None:
    labels = pd.DataFrame({
        "criterion": ["accuracy"] * 4 + ["style"] * 4,
        "human": [1, 2, 3, 4, 1, 1, 2, 2],
        "judge": [1, 2, 3, 3, 2, 2, 1, np.nan],
    })
    out = judge_agreement_table(labels, n_boot=0)
    assert out["criterion"].tolist() == ["accuracy", "style"]
    assert out["accuracy"].tolist() == [0.75, 0.0] and out["n_unscored"].tolist() == [0, 1]
    with pytest.raises(EvalError, match=r"judge labels \(criterion='x'\): the judge scored no item"):
        judge_agreement_table(pd.DataFrame({"criterion": ["x"], "human": [1], "judge": [None]}))


def test_position_bias() -> None:
    judgements = pd.DataFrame({
        "verdict_ab": ["a", "a", "a", "b", "tie", "a", "B", "a"],
        "verdict_ba": ["a", "b", "b", "a", "tie", "tie", "b", "A"],
    })
    result = position_bias(judgements, n_boot=500)
    assert (result.n_pairs, result.n_inconsistent) == (8, 4)
    assert result.flip_rate == 0.5 and result.flip_low < 0.5 < result.flip_high
    assert (result.n_first_flips, result.n_second_flips) == (2, 1)
    # 13 non-tie verdicts; the first-shown response won in pairs 1 (once), 2 and 3 (twice each),
    # 6, 7 and 8 (once each): 8 of 13.
    assert result.first_position_rate == pytest.approx(8 / 13)
    assert result.first_low <= result.first_position_rate <= result.first_high
    assert result == position_bias(judgements, n_boot=500)
    with pytest.raises(EvalError, match=r"row 2: field 'verdict_ba': 'left' is not a, b or tie"):
        position_bias(judgements.assign(verdict_ba=["a", "left"] * 4))


def test_a_judge_that_always_prefers_the_first_position() -> None:
    n = 200
    result = position_bias(pd.DataFrame({"verdict_ab": ["a"] * n, "verdict_ba": ["b"] * n}), n_boot=100)
    assert result.flip_rate == 1.0 and result.first_position_rate == 1.0 and result.n_first_flips == n


def test_length_bias() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    length_a, length_b = rng.integers(100, 1000, n), rng.integers(100, 1000, n)
    a_longer = length_a > length_b
    quality_a = rng.random(n) < 0.5
    human = np.where(quality_a, "a", "b")
    # The judge agrees with the humans, except that it picks the longer response 30% of the time.
    judge = np.where(rng.random(n) < 0.3, np.where(a_longer, "a", "b"), human)
    pairs = pd.DataFrame({"length_a": length_a, "length_b": length_b, "human": human, "judge": judge})
    result = length_bias(pairs, n_boot=1000, seed=1)
    differ = length_a != length_b
    assert result.n == differ.sum()
    assert result.human_rate == pytest.approx(np.mean((human == np.where(a_longer, "a", "b"))[differ]))
    assert result.difference == pytest.approx(0.3 * (1 - result.human_rate), abs=0.04)
    assert result.ci_low > 0.1 and result.ci_low < result.difference < result.ci_high
    unbiased = length_bias(pairs.assign(judge=human), n_boot=200)
    assert unbiased.difference == 0.0 and unbiased.ci_low == 0.0 == unbiased.ci_high


def test_self_preference() -> None:
    battles = pd.DataFrame({
        "item": [1, 1, 2, 3, 4, 5],
        "left": ["gpt-a", "claude", "gpt-b", "gpt-a", "llama", "claude"],
        "right": ["claude", "gpt-b", "llama", "gpt-b", "claude", "llama"],
        "human": ["claude", "claude", "gpt-b", "gpt-a", "tie", "llama"],
        "judge": ["gpt-a", "gpt-b", "gpt-b", "gpt-b", "tie", "claude"],
    })
    families = {"gpt-a": "gpt", "gpt-b": "gpt", "claude": "claude"}
    result = self_preference(battles, families, "gpt", n_boot=200)
    # Battles with exactly one gpt model: rows 1, 2, 3 (row 4 is gpt vs gpt; rows 5-6 have none).
    assert result.n == 3
    assert result.judge_rate == 1.0 and result.human_rate == pytest.approx(1 / 3)
    assert result.difference == pytest.approx(2 / 3)
    with pytest.raises(EvalError, match="no battle has exactly one model of the judge's family 'mistral'"):
        self_preference(battles, families, "mistral")
    with pytest.raises(EvalError, match=r"row 2: field 'judge': x is neither left"):
        self_preference(battles.assign(judge=["gpt-a", "x", "gpt-b", "gpt-b", "tie", "claude"]), families, "gpt")


def test_coverage_curve_hand_worked() -> None:
    human = [1, 2, 3, 4, 5, 1, 2, 3]
    judge = [1, 2, 3, 5, 5, 2, None, 1]
    confidence = [0.9, 0.9, 0.8, 0.8, 0.7, 0.5, 0.99, 0.4]
    result = coverage_accuracy(human, judge, confidence, target=0.75)
    curve = result.curve
    assert curve["threshold"].tolist() == [0.9, 0.8, 0.7, 0.5, 0.4]  # the unscored item is never covered
    assert curve["n_covered"].tolist() == [2, 4, 5, 6, 7]
    assert curve["accuracy"].tolist() == pytest.approx([1.0, 0.75, 0.8, 4 / 6, 4 / 7])
    assert curve["coverage"].tolist() == pytest.approx([2 / 8, 4 / 8, 5 / 8, 6 / 8, 7 / 8])
    assert (result.threshold, result.coverage, result.accuracy) == (0.7, 5 / 8, 0.8)
    assert (result.n_items, result.n_unscored) == (8, 1)
    within = coverage_accuracy(human, judge, confidence, target=0.75, tolerance=1)
    assert within.coverage == 7 / 8
    strict = coverage_accuracy(human, judge, confidence, target=0.75, conservative=True)
    assert np.isnan(strict.threshold) and strict.coverage == 0.0  # 8 items cannot show 75% with confidence


def test_coverage_from_several_judges() -> None:
    rng = np.random.default_rng(2)
    n = 3000
    truth = rng.integers(0, 3, n)
    hard = rng.random(n) < 0.4
    # Three judges, right 95% of the time on easy items and 55% on hard ones.
    judges = np.column_stack([np.where(rng.random(n) < np.where(hard, 0.55, 0.95), truth,
                                       (truth + 1 + rng.integers(0, 2, n)) % 3) for _ in range(3)])
    label, confidence = judge_consensus(judges)
    result = coverage_accuracy(truth, label, confidence, target=0.95)
    assert result.curve["threshold"].tolist() == pytest.approx([1.0, 2 / 3, 1 / 3])
    assert result.threshold == 1.0 and result.accuracy >= 0.95
    assert 0.4 < result.coverage < 0.8
    assert result.curve["accuracy"].is_monotonic_decreasing


def test_judge_consensus() -> None:
    labels = pd.DataFrame({"j1": ["a", "b", None, "x"], "j2": ["a", "c", None, "y"], "j3": ["b", "c", None, None]})
    label, confidence = judge_consensus(labels)
    assert label.tolist() == ["a", "c", None, "x"]
    assert confidence[:2].tolist() == pytest.approx([2 / 3, 2 / 3]) and np.isnan(confidence[2])
    assert confidence[3] == 0.5
    # Both orders of a pairwise judgement as two "judges": 1 when consistent, ½ when not.
    _, both_orders = judge_consensus(np.array([["a", "a"], ["a", "b"]], dtype=object))
    assert both_orders.tolist() == [1.0, 0.5]
