"""Paired bootstrap and sign-flip permutation test against scipy; McNemar against textbook
tables and statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assay.evals import EvalError, mcnemar, mcnemar_from_table, paired_comparison, paired_scores

from .helpers import PROPERTY

stats = pytest.importorskip("scipy.stats")


def scipy_permutation(a: np.ndarray, b: np.ndarray, n_resamples: int, seed: int = 0) -> float:
    result = stats.permutation_test((b, a), lambda x, y, axis: np.mean(x - y, axis=axis), vectorized=True,
                                    permutation_type="samples", n_resamples=n_resamples,
                                    rng=np.random.default_rng(seed))
    return float(result.pvalue)


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=2, max_size=11))
def test_exact_permutation_p_equals_scipy(pairs: list[tuple[int, int]]) -> None:
    a, b = (np.array(v, dtype=float) for v in zip(*pairs, strict=True))
    ours = paired_comparison(a, b, n_boot=10, n_perm=4096)
    assert ours.exact and ours.n_perm == 2 ** len(a)
    assert ours.p_value == pytest.approx(scipy_permutation(a, b, 4096), abs=1e-12)
    assert ours.mean_difference == pytest.approx(np.mean(b - a))


@settings(max_examples=12, deadline=None)  # two 20,000-pattern tests per example: keep it short
@given(st.integers(0, 10_000), st.integers(30, 80), st.floats(0.0, 0.6))
def test_random_permutation_p_is_close_to_scipy(seed: int, n: int, shift: float) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(0, 1, n)
    b = a + rng.normal(shift, 1, n)
    ours = paired_comparison(a, b, n_boot=10, n_perm=20_000, seed=seed)
    assert not ours.exact
    theirs = scipy_permutation(a, b, 20_000, seed + 1)
    # Two Monte Carlo estimates of the same p = 2·(one-sided share): within 4 standard errors.
    one_sided = min(max(theirs, 1 / 20_000) / 2, 0.5)
    se = 2 * np.sqrt(one_sided * (1 - one_sided) / 20_000)
    assert ours.p_value == pytest.approx(theirs, abs=4 * np.sqrt(2) * se + 1e-4)


def test_bootstrap_interval_matches_scipy() -> None:
    rng = np.random.default_rng(4)
    a = rng.normal(3, 1, 200)
    b = a + rng.normal(0.2, 0.8, 200)
    ours = paired_comparison(a, b, n_boot=10_000, n_perm=2000, seed=3)
    theirs = stats.bootstrap((b - a,), np.mean, n_resamples=10_000, method="percentile",
                             rng=np.random.default_rng(5)).confidence_interval
    # Two Monte Carlo estimates of the same percentiles: about 0.05 se apart at this size.
    se = (b - a).std(ddof=1) / np.sqrt(200)
    assert ours.ci_low == pytest.approx(theirs.low, abs=0.15 * se)
    assert ours.ci_high == pytest.approx(theirs.high, abs=0.15 * se)
    assert ours.ci_low > 0 and ours.p_value < 0.01


def test_no_difference_is_not_significant_and_results_are_seeded() -> None:
    rng = np.random.default_rng(8)
    a = rng.normal(0, 1, 100)
    b = a[rng.permutation(100)]
    first = paired_comparison(a, b, seed=2)
    assert first == paired_comparison(a, b, seed=2)
    assert first.p_value > 0.05 and first.ci_low < 0 < first.ci_high
    identical = paired_comparison(a, a, n_perm=1000)
    assert identical.p_value == 1.0 and identical.mean_difference == 0.0


def test_paired_scores_align_by_item() -> None:
    scores = pd.DataFrame({
        "item": ["q1", "q1", "q2", "q3", "q1", "q2", "q4"],
        "model": ["v1", "v1", "v1", "v1", "v2", "v2", "v2"],
        "value": [2, 4, 5, 1, 4, 4, 3],
    })
    a, b = paired_scores(scores, "v1", "v2")
    assert a.tolist() == [3.0, 5.0] and b.tolist() == [4.0, 4.0]  # q3 and q4 were scored for one version only
    with pytest.raises(EvalError, match="no rows for model 'v3'"):
        paired_scores(scores, "v1", "v3")


def test_errors() -> None:
    with pytest.raises(EvalError, match="differ in length"):
        paired_comparison([1, 2], [1])
    with pytest.raises(EvalError, match="finite"):
        paired_comparison([1, np.nan], [1, 2])
    with pytest.raises(EvalError, match="pass/fail"):
        mcnemar([1, 2], [0, 1])


def test_mcnemar_agresti_presidential_approval() -> None:
    """Agresti (2007), An Introduction to Categorical Data Analysis, §8.1: approval of the
    president's performance in two surveys a month apart, 1600 people: 794 approve both times,
    150 approve then disapprove, 86 disapprove then approve, 570 disapprove both. McNemar's
    z² = (86 − 150)² / (86 + 150) = 17.36, P < 0.0001."""
    result = mcnemar_from_table([[794, 150], [86, 570]], method="chi2")
    assert round(result.statistic, 2) == 17.36 and result.p_value < 1e-4
    assert (result.n, result.only_a, result.only_b) == (1600, 150, 86)
    assert mcnemar_from_table([[794, 150], [86, 570]]).method == "chi2-corrected"


def test_mcnemar_death_penalty_survey_exact() -> None:
    """Calcugator's chi2_mcnemar tutorial: 20 teenagers before and after seminars, 11 changed from
    in favour to against and 3 the other way; two-tailed exact probability 0.057373046875."""
    result = mcnemar_from_table([[1, 11], [3, 5]])
    assert result.method == "exact" and result.statistic == 3
    assert result.p_value == pytest.approx(0.05737304687500008, abs=1e-15)


def test_mcnemar_corrected_and_exact_worked_example() -> None:
    """stat-tools.xyz McNemar worked example: b = 12, c = 5 gives the continuity-corrected
    χ² = 2.1176 (p = 0.1456) and the exact p = 0.1435."""
    table = [[30, 12], [5, 40]]
    corrected = mcnemar_from_table(table, method="chi2-corrected")
    assert round(corrected.statistic, 4) == 2.1176 and round(corrected.p_value, 4) == 0.1456
    assert round(mcnemar_from_table(table, method="exact").p_value, 4) == 0.1435


def test_mcnemar_exact_small_counts() -> None:
    # 1 vs 7 discordant pairs: P = 2 · P(X ≤ 1 | n=8, ½) = 2 · 9/256.
    a = np.r_[np.ones(1), np.zeros(7), np.ones(10)].astype(bool)
    b = np.r_[np.zeros(1), np.ones(7), np.ones(10)].astype(bool)
    result = mcnemar(a, b)
    assert result.method == "exact" and result.statistic == 1
    assert result.p_value == pytest.approx(18 / 256)
    assert (result.both_pass, result.only_a, result.only_b, result.both_fail) == (10, 1, 7, 0)


@PROPERTY
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_mcnemar_matches_statsmodels(both: int, only_a: int, only_b: int, neither: int) -> None:
    contingency = pytest.importorskip("statsmodels.stats.contingency_tables")
    table = [[both, only_a], [only_b, neither]]
    assume(only_a + only_b > 0)
    exact = mcnemar_from_table(table, method="exact")
    reference = contingency.mcnemar(np.array(table), exact=True)
    assert exact.statistic == reference.statistic and exact.p_value == pytest.approx(reference.pvalue, abs=1e-12)
    plain = mcnemar_from_table(table, method="chi2")
    reference = contingency.mcnemar(np.array(table), exact=False, correction=False)
    assert plain.statistic == pytest.approx(reference.statistic) and plain.p_value == pytest.approx(reference.pvalue)
    # statsmodels lets (|b − c| − 1)² overshoot to 1/(b + c) when b = c; here it stops at 0.
    assume(only_a != only_b)
    corrected = mcnemar_from_table(table, method="chi2-corrected")
    reference = contingency.mcnemar(np.array(table), exact=False, correction=True)
    assert corrected.statistic == pytest.approx(reference.statistic)
    assert corrected.p_value == pytest.approx(reference.pvalue)
