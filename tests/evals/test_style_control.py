"""style_controlled_bradley_terry: equal to plain Bradley–Terry without style features, the same
logistic regression as statsmodels, removal of a pure length effect; style_features counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.evals import EvalError, style_controlled_bradley_terry, style_features
from assay.quality import Battles, bradley_terry

from .helpers import arena


def test_without_style_features_it_is_plain_bradley_terry() -> None:
    battles = arena(0, {"a": 0.7, "b": 0.1, "c": -0.2, "d": -0.6}, 3000, tie_rate=0.15)
    plain = bradley_terry(Battles.from_arrays(battles["left"], battles["right"], battles["winner"]))
    for features in ((), ("flat",)):
        data = battles.assign(left_flat=3.0, right_flat=3.0)  # no variation: left out of the fit
        result = style_controlled_bradley_terry(data, features=features, n_boot=0)
        board = result.leaderboard.set_index("model")
        np.testing.assert_allclose(board.loc[list(plain.models), "log_strength"], plain.log_strength, atol=1e-9)
        np.testing.assert_allclose(board.loc[list(plain.models), "rating"], plain.rating, atol=1e-7)
        assert result.converged
    assert np.isnan(result.style["coefficient"].iloc[0])


def test_penalised_fit_matches_penalised_bradley_terry() -> None:
    battles = arena(1, {"a": 3.0, "b": 0.0, "c": -3.0}, 300)
    plain = bradley_terry(Battles.from_arrays(battles["left"], battles["right"], battles["winner"]), alpha=2.0)
    board = style_controlled_bradley_terry(battles, features=(), alpha=2.0, n_boot=0).leaderboard.set_index("model")
    np.testing.assert_allclose(board.loc[list(plain.models), "log_strength"], plain.log_strength, atol=1e-9)


def test_same_fit_as_statsmodels_logistic_regression() -> None:
    sm = pytest.importorskip("statsmodels.api")
    battles = arena(2, {"a": 0.5, "b": 0.0, "c": -0.5}, 2000, tie_rate=0.1, length_effect=1.0,
                    verbosity={"a": 300, "b": 600, "c": 1200})
    result = style_controlled_bradley_terry(battles, features=("length",), n_boot=0)
    models = sorted({*battles["left"], *battles["right"]})
    X = np.zeros((len(battles), len(models)))
    X[np.arange(len(battles)), battles["left"].map(models.index)] = 1.0
    X[np.arange(len(battles)), battles["right"].map(models.index)] = -1.0
    ratio = (battles["left_length"] - battles["right_length"]) / (battles["left_length"] + battles["right_length"] + 1)
    z = ((ratio - ratio.mean()) / ratio.std(ddof=0)).to_numpy()
    y = np.where(battles["winner"] == "tie", 0.5, (battles["winner"] == battles["left"]).astype(float))
    # Reference coding (last model at 0), then centred: the same fit in another gauge.
    fit = sm.GLM(y, np.column_stack([X[:, :-1], z]), family=sm.families.Binomial()).fit(tol=1e-12)
    theta = np.r_[fit.params[:-1], 0.0]
    board = result.leaderboard.set_index("model")
    np.testing.assert_allclose(board.loc[models, "log_strength"], theta - theta.mean(), atol=1e-6)
    assert result.style["coefficient"].iloc[0] == pytest.approx(fit.params[-1], abs=1e-6)


def test_style_control_removes_a_pure_length_effect_that_plain_bradley_terry_picks_up() -> None:
    verbosity = {"terse": 150.0, "short": 300.0, "medium": 600.0, "long": 1200.0, "verbose": 2400.0}
    battles = arena(3, dict.fromkeys(verbosity, 0.0), 8000, length_effect=2.0, verbosity=verbosity)
    result = style_controlled_bradley_terry(battles, features=("length",), n_boot=200, seed=1)
    board = result.leaderboard.set_index("model")
    # Plain BT ranks by verbosity, far apart; style control puts everyone at about 1000.
    plain_order = board["plain_rating"].sort_values(ascending=False).index.tolist()
    assert plain_order == ["verbose", "long", "medium", "short", "terse"]
    assert board.loc["verbose", "plain_rating"] - board.loc["terse", "plain_rating"] > 150
    assert (board["ci_low"] < 1000).all() and (board["ci_high"] > 1000).all()
    # Length is nearly collinear with the model here (each model's own verbosity), so the
    # controlled ratings are noisier, but their spread is a fraction of the plain one.
    plain_spread = board["plain_rating"].max() - board["plain_rating"].min()
    assert board["rating"].max() - board["rating"].min() < plain_spread / 4
    style = result.style.iloc[0]
    assert style["ci_low"] > 0.5 and style["coefficient"] > 0


def test_quality_survives_style_control() -> None:
    battles = arena(4, {"strong": 1.0, "mid": 0.0, "weak": -1.0}, 4000, length_effect=1.0,
                    verbosity={"strong": 200, "mid": 500, "weak": 1500})
    board = style_controlled_bradley_terry(battles, features=("length",), n_boot=0).leaderboard
    assert board["model"].tolist() == ["strong", "mid", "weak"]
    # The verbose weak model looks better than it is without control.
    by_model = board.set_index("model")
    plain_gap = by_model.loc["strong", "plain_rating"] - by_model.loc["weak", "plain_rating"]
    assert by_model.loc["strong", "rating"] - by_model.loc["weak", "rating"] > plain_gap


def test_bootstrap_is_seeded() -> None:
    battles = arena(5, {"a": 0.2, "b": 0.0, "c": -0.1}, 600, length_effect=0.5)
    a = style_controlled_bradley_terry(battles, features=("length",), n_boot=100, seed=4)
    b = style_controlled_bradley_terry(battles, features=("length",), n_boot=100, seed=4)
    pd.testing.assert_frame_equal(a.leaderboard, b.leaderboard)
    pd.testing.assert_frame_equal(a.style, b.style)


MARKDOWN = """# Title
Some **bold** text and __more bold__ and ** not bold.

## Steps
1. first
2. second
   - nested
* star item
+ plus item

```python
# not a header
- not a list
**not bold**
```
#not a header either
"""


def test_style_features_count_like_chatbot_arena() -> None:
    counts = style_features([MARKDOWN, "", None, "plain words"])
    assert counts.columns.tolist() == ["length", "headers", "lists", "bold"]
    assert counts.iloc[0].tolist() == [len(MARKDOWN), 2, 5, 2]
    assert counts.iloc[1].tolist() == [0, 0, 0, 0] and counts.iloc[2].tolist() == [0, 0, 0, 0]
    assert counts.iloc[3].tolist() == [11, 0, 0, 0]
    assert style_features(["中文回答，**重点**。"]).iloc[0].tolist() == [12, 0, 0, 1]


def test_features_from_response_texts() -> None:
    battles = pd.DataFrame({
        "left": ["a", "b", "a", "b"] * 50, "right": ["b", "a", "b", "a"] * 50,
        "winner": ["a", "a", "b", "tie"] * 50,
        "left_response": ["# H\n- x\n- y", "short", "**b** text", "x"] * 50,
        "right_response": ["plain", "## H\n1. z", "t", "**b**"] * 50,
    })
    result = style_controlled_bradley_terry(battles, n_boot=0)
    assert result.style["feature"].tolist() == ["length", "headers", "lists", "bold"]
    assert result.style["coefficient"].notna().all()
    with pytest.raises(EvalError, match="style feature 'length' needs columns 'left_length' and 'right_length'"):
        style_controlled_bradley_terry(battles.drop(columns=["left_response"]), n_boot=0)
