"""win_rates and leaderboard: hand-counted figures, symmetry, the item-cluster bootstrap, and the
leaderboard against the existing Bradley–Terry fit (Wikipedia's worked example)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.evals import EvalError, InfiniteStrengthError, leaderboard, win_rates
from assay.quality import Battles, RatingsError, bradley_terry

from .helpers import PROPERTY, arena


def small() -> pd.DataFrame:
    return pd.DataFrame({
        "item": [1, 1, 2, 2, 3, 3, 4],
        "left": ["a", "b", "a", "c", "b", "a", "c"],
        "right": ["b", "a", "c", "b", "c", "b", "a"],
        "winner": ["a", "tie", "c", "c", "b", "TIE", "a"],
    })


def test_hand_counted() -> None:
    result = win_rates(small(), n_boot=0)
    pairs = result.pairs.set_index(["model", "opponent"])
    # a vs b: a won item 1, tied item 1 and item 3: (1 + ½ + ½) / 3.
    assert pairs.loc[("a", "b"), ["n", "wins", "losses", "ties"]].tolist() == [3, 1, 0, 2]
    assert pairs.loc[("a", "b"), "win_rate"] == pytest.approx(2 / 3)
    assert pairs.loc[("b", "a"), "win_rate"] == pytest.approx(1 / 3)
    # a vs c: c won item 2, a won item 4.
    assert pairs.loc[("a", "c"), "win_rate"] == 0.5
    # b vs c: c won item 2, b won item 3.
    assert pairs.loc[("c", "b"), ["wins", "losses"]].tolist() == [1, 1]
    field = result.field.set_index("model")
    assert field.loc["a", ["n", "wins", "losses", "ties"]].tolist() == [5, 2, 1, 2]
    assert field.loc["a", "win_rate"] == pytest.approx(3 / 5)
    assert field["win_rate"].mul(field["n"]).sum() == pytest.approx(len(small()))  # every battle gives 1 point
    assert result.pairs["ci_low"].isna().all()


@PROPERTY
@given(st.integers(0, 10_000))
def test_swapping_sides_changes_nothing_and_pairs_are_complementary(seed: int) -> None:
    battles = arena(seed, {"x": 0.3, "y": 0.0, "z": -0.4}, 120, tie_rate=0.1, n_items=40)
    swapped = battles.rename(columns={"left": "right", "right": "left"})
    a = win_rates(battles, n_boot=50, seed=seed)
    b = win_rates(swapped, n_boot=50, seed=seed)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.field, b.field)
    pairs = a.pairs.set_index(["model", "opponent"])
    for (model, opponent), row in pairs.iterrows():
        back = pairs.loc[(opponent, model)]
        assert row["win_rate"] + back["win_rate"] == pytest.approx(1.0)
        assert row["ci_low"] == pytest.approx(1.0 - back["ci_high"])
        assert row["wins"] == back["losses"] and row["ties"] == back["ties"]


def test_bootstrap_interval_covers_the_truth_and_is_reproducible() -> None:
    battles = arena(1, {"x": 0.5, "y": 0.0}, 2000, n_items=2000)
    result = win_rates(battles, n_boot=1000, seed=3)
    row = result.pairs.set_index(["model", "opponent"]).loc[("x", "y")]
    truth = 1 / (1 + np.exp(-0.5))
    assert row["ci_low"] < truth < row["ci_high"]
    # Width close to the binomial one: 2 · 1.96 · √(p(1−p)/n).
    expected = 2 * 1.96 * np.sqrt(truth * (1 - truth) / 2000)
    assert row["ci_high"] - row["ci_low"] == pytest.approx(expected, rel=0.15)
    pd.testing.assert_frame_equal(result.pairs, win_rates(battles, n_boot=1000, seed=3).pairs)


def test_battles_of_one_item_move_together() -> None:
    """The same battles grouped into 20 items (100 battles each, identical outcome within an
    item) give a much wider interval than 2000 independent items: the cluster bootstrap sees 20
    independent observations, not 2000."""
    rng = np.random.default_rng(5)
    outcome = rng.random(20) < 0.6
    battles = pd.DataFrame({
        "item": np.repeat(np.arange(20), 100), "left": "x", "right": "y",
        "winner": np.where(np.repeat(outcome, 100), "x", "y"),
    })
    clustered = win_rates(battles, n_boot=1000, seed=0).field.set_index("model").loc["x"]
    independent = win_rates(battles.assign(item=np.arange(2000)), n_boot=1000, seed=0).field.set_index("model").loc["x"]
    assert clustered["win_rate"] == independent["win_rate"]
    assert (clustered["ci_high"] - clustered["ci_low"]) > 5 * (independent["ci_high"] - independent["ci_low"])


WIKIPEDIA_WINS = np.array([[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])


def test_leaderboard_reproduces_the_wikipedia_bradley_terry_example() -> None:
    rows = [(n, "ABCD"[i], "ABCD"[j], "ABCD"[i]) for n, (i, j) in enumerate(
        (i, j) for i in range(4) for j in range(4) for _ in range(int(WIKIPEDIA_WINS[i, j])))]
    battles = pd.DataFrame(rows, columns=["item", "left", "right", "winner"])
    board = leaderboard(battles, n_boot=0)
    assert board["model"].tolist() == ["D", "B", "C", "A"]
    strengths = dict(zip(board["model"], np.round(np.exp(board["log_strength"]), 3), strict=True))
    assert strengths == {"A": 0.640, "B": 1.043, "C": 0.660, "D": 2.270}
    assert board["rating"].tolist() == pytest.approx((1000 + 400 / np.log(10) * board["log_strength"]).tolist())
    assert board["position"].tolist() == [1, 2, 3, 4] and board["rank"].tolist() == [1, 2, 3, 4]
    assert board["ci_low"].isna().all()


def test_leaderboard_is_the_existing_bradley_terry_with_its_bootstrap() -> None:
    battles = arena(7, {"x": 0.8, "y": 0.2, "z": 0.0, "w": -0.6}, 1500, tie_rate=0.1)
    board = leaderboard(battles, n_boot=200, seed=5).set_index("model")
    direct = bradley_terry(Battles.from_arrays(battles["left"], battles["right"], battles["winner"]),
                           n_boot=200, seed=5)
    for i, model in enumerate(direct.models):
        assert board.loc[model, "rating"] == pytest.approx(direct.rating[i])
        assert board.loc[model, "ci_low"] == pytest.approx(direct.ci_low[i])
        assert board.loc[model, "ci_high"] == pytest.approx(direct.ci_high[i])
        assert board.loc[model, "wins"] == direct.wins[i]
    # Chatbot Arena's rank: 1 + models whose interval lies wholly above.
    for _, row in board.iterrows():
        assert row["rank"] == 1 + int((board["ci_low"] > row["ci_high"]).sum())
    assert board.loc["x", "rank"] == 1


def test_bad_battles_name_the_row() -> None:
    bad = small()
    bad.loc[3, "winner"] = "d"
    with pytest.raises(EvalError, match=r"battles: row 4: field 'winner': d is neither left \(c\) nor right \(b\)"):
        win_rates(bad)
    bad = small()
    bad.loc[2, "right"] = "a"
    with pytest.raises(EvalError, match=r"row 3: field 'right': a cannot battle itself"):
        leaderboard(bad)


def test_a_model_that_never_lost_needs_a_penalty() -> None:
    battles = pd.DataFrame({"item": [1, 2, 3], "left": ["a", "a", "b"], "right": ["b", "c", "c"],
                            "winner": ["a", "a", "c"]})
    with pytest.raises(InfiniteStrengthError, match=r"battles: some models never beat \(or never lost to\) the rest.*alpha > 0, or"):
        leaderboard(battles, n_boot=0)
    with pytest.raises(RatingsError):  # what assay.quality raises for the same data
        leaderboard(battles, n_boot=0)
    assert leaderboard(battles, n_boot=0, alpha=1.0)["model"].iloc[0] == "a"
