"""length_controlled_win_rate: the GLM against statsmodels, LC ≈ raw without a length effect,
LC removing a judge's length bias, reproducibility and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.evals import EvalError, length_controlled_win_rate

from .helpers import sigmoid


def against_baseline(seed: int, quality: dict[str, float], n_items: int, *, length_bias: float = 0.0,
                     longer: dict[str, float] | None = None, difficulty_sd: float = 0.0) -> pd.DataFrame:
    """Every model against "base" on every item; the judge rewards tanh(Δlength / 400) by
    ``length_bias`` log-odds; items differ in difficulty (sd ``difficulty_sd``)."""
    rng = np.random.default_rng(seed)
    rows = []
    difficulty = rng.normal(0, difficulty_sd, n_items) if difficulty_sd else np.zeros(n_items)
    for model, q in quality.items():
        model_len = rng.lognormal(np.log(500 * (longer or {}).get(model, 1.0)), 0.4, n_items)
        base_len = rng.lognormal(np.log(500), 0.4, n_items)
        p = sigmoid(q - difficulty + length_bias * np.tanh((model_len - base_len) / 400))
        won = rng.random(n_items) < p
        on_left = rng.random(n_items) < 0.5
        rows.append(pd.DataFrame({
            "item": np.arange(n_items),
            "left": np.where(on_left, model, "base"), "right": np.where(on_left, "base", model),
            "winner": np.where(won, model, "base"),
            "left_length": np.where(on_left, model_len, base_len), "right_length": np.where(on_left, base_len, model_len),
        }))
    return pd.concat(rows, ignore_index=True)


def test_glm_matches_statsmodels() -> None:
    sm = pytest.importorskip("statsmodels.api")
    battles = against_baseline(0, {"m": 0.4}, 600, length_bias=1.0, longer={"m": 1.5})
    battles.loc[::17, "winner"] = "tie"
    given = {i: float(d) for i, d in enumerate(np.random.default_rng(1).normal(0, 1, 600))}
    out = length_controlled_win_rate(battles, "base", difficulty=given, penalty=0.0, n_boot=0).iloc[0]
    model_left = battles["left"] == "m"
    y = np.where(battles["winner"] == "tie", 0.5, (battles["winner"] == "m").astype(float))
    delta = np.where(model_left, battles["left_length"] - battles["right_length"],
                     battles["right_length"] - battles["left_length"])
    X = np.column_stack([np.ones(len(y)), np.tanh(delta / delta.std(ddof=1)), battles["item"].map(given)])
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-12)
    assert [out["model_coef"], out["length_coef"], out["difficulty_coef"]] == pytest.approx(fit.params, abs=1e-6)
    X[:, 1] = 0.0
    assert out["lc_win_rate"] == pytest.approx(fit.predict(X).mean(), abs=1e-9)
    assert out["win_rate"] == pytest.approx(y.mean())


def test_without_a_length_effect_lc_is_about_the_raw_win_rate() -> None:
    battles = against_baseline(2, {"a": 0.6, "b": -0.4, "c": 0.0}, 1500, longer={"a": 2.0, "b": 0.6})
    out = length_controlled_win_rate(battles, "base", n_boot=200, seed=1).set_index("model")
    for model in "abc":
        row = out.loc[model]
        assert row["lc_win_rate"] == pytest.approx(row["win_rate"], abs=0.025)
        assert abs(row["length_coef"]) < 0.3
        assert row["lc_low"] < row["lc_win_rate"] < row["lc_high"]


def test_identical_lengths_give_exactly_the_raw_win_rate() -> None:
    battles = against_baseline(3, {"a": 0.3}, 400)
    battles["right_length"] = battles["left_length"]
    out = length_controlled_win_rate(battles, "base", n_boot=0).iloc[0]
    assert np.isnan(out["length_coef"]) and np.isnan(out["difficulty_coef"])  # one model: no difficulty term
    assert out["lc_win_rate"] == pytest.approx(out["win_rate"], abs=1e-4)  # the tiny ridge only


def test_length_control_removes_a_judges_length_bias() -> None:
    """A model of the baseline's quality but much longer outputs wins often before length control
    and about half the time after it."""
    battles = against_baseline(4, {"verbose": 0.0, "terse": 0.0, "good": 0.8}, 2000, length_bias=1.5,
                               longer={"verbose": 3.0, "terse": 0.4}, difficulty_sd=1.0)
    out = length_controlled_win_rate(battles, "base", n_boot=200, seed=2).set_index("model")
    assert out.loc["verbose", "win_rate"] > 0.7 and out.loc["terse", "win_rate"] < 0.35
    for model in ("verbose", "terse"):
        assert out.loc[model, "lc_low"] < 0.5 < out.loc[model, "lc_high"]
        assert out.loc[model, "length_coef"] == pytest.approx(1.5, abs=0.3)
    assert out.loc["good", "lc_win_rate"] > 0.6
    assert (out["difficulty_coef"] < 0).all()  # harder items: the baseline wins more often


def test_seeded_and_reproducible() -> None:
    battles = against_baseline(5, {"a": 0.2, "b": 0.0}, 300, length_bias=0.5)
    a = length_controlled_win_rate(battles, "base", n_boot=100, seed=8)
    pd.testing.assert_frame_equal(a, length_controlled_win_rate(battles, "base", n_boot=100, seed=8))
    assert not a["lc_low"].equals(length_controlled_win_rate(battles, "base", n_boot=100, seed=9)["lc_low"])


def test_errors() -> None:
    battles = against_baseline(6, {"a": 0.2, "b": 0.0}, 10)
    with pytest.raises(EvalError, match="the baseline 'gpt' is in no battle"):
        length_controlled_win_rate(battles, "gpt")
    stray = battles.copy()
    stray.loc[4, ["left", "right", "winner"]] = ["a", "b", "a"]
    with pytest.raises(EvalError, match=r"row 5: field 'left': neither side is the baseline"):
        length_controlled_win_rate(stray, "base")
    with pytest.raises(EvalError, match=r"row 1: field 'item': has no \(finite\) difficulty"):
        length_controlled_win_rate(battles, "base", difficulty={1: 0.5})
    with pytest.raises(EvalError, match="missing column 'left_length'"):
        length_controlled_win_rate(battles.drop(columns="left_length"), "base")


def test_estimated_difficulty_leaves_the_fitted_model_out() -> None:
    from assay.evals._length_control import _estimated_difficulty

    # Item 0: the baseline beat models 1 and 2 and lost to model 0; item 1: only model 0 met it.
    item = np.array([0, 0, 0, 1])
    model = np.array([0, 1, 2, 0])
    preference = np.array([1.0, 0.0, 0.0, 1.0])  # the model's score against the baseline
    gamma = _estimated_difficulty(item, model, preference, n_items=2, n_models=3)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    # Model 0 on item 0 sees the other two: baseline won 2 of 2 → (2 + ½) / (2 + 1).
    assert gamma[0] == pytest.approx(logit(2.5 / 3))
    # Model 1 on item 0 sees models 0 and 2: baseline won 1 of 2 → (1 + ½) / 3 = ½.
    assert gamma[1] == pytest.approx(0.0) and gamma[2] == pytest.approx(0.0)
    assert gamma[3] == 0.0  # nobody else met the baseline on item 1
