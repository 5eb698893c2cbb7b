"""Bradley–Terry: Wikipedia's worked example, choix on random data, ties, Davidson, bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from assay.quality import Battles, RatingsError, bradley_terry
from assay.quality._bradley_terry import PairCounts, fit_pairs
from assay.quality._bradley_terry_newton import Problem, information, newton

# Wikipedia, "Bradley–Terry model", worked example of the iterated procedure: four teams, 22
# games; row team's wins against the column team (A beat B twice and lost three times, did not
# play C, beat D once and lost four times; B beat C five times and lost three; C beat D once and
# lost three times). The iteration converges to p = (0.640, 1.043, 0.660, 2.270) normalised to
# geometric mean 1. (A brief once quoted D as 1.660; the geometric-mean normalisation forces
# D = 1 / (0.640 · 1.043 · 0.660) ≈ 2.27, and 1.663 is D after the first iteration.)
WIKIPEDIA_WINS = np.array([[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])


def battles_from_wins(wins: np.ndarray, names: str = "ABCD") -> Battles:
    left, right, winner = [], [], []
    for i, j in zip(*np.nonzero(wins), strict=True):
        for _ in range(int(wins[i, j])):
            left.append(names[i])
            right.append(names[j])
            winner.append(names[i])
    return Battles.from_arrays(left, right, winner)


def random_battles(seed: int, n_models: int = 8, n: int = 3000, tie_rate: float = 0.0) -> tuple[Battles, np.ndarray]:
    rng = np.random.default_rng(seed)
    strength = rng.normal(0, 1, n_models)
    left = rng.integers(0, n_models, n)
    right = (left + rng.integers(1, n_models, n)) % n_models
    p_left = 1 / (1 + np.exp(strength[right] - strength[left]))
    outcome = np.where(rng.random(n) < tie_rate, 2, np.where(rng.random(n) < p_left, 0, 1))
    return Battles(np.arange(n_models).astype(object), left, right, outcome), strength


def test_wikipedia_worked_example() -> None:
    result = bradley_terry(battles_from_wins(WIKIPEDIA_WINS))
    assert result.models.tolist() == ["A", "B", "C", "D"]
    p = np.exp(result.log_strength)  # mean log-strength 0 is geometric mean 1
    assert np.round(p, 3).tolist() == [0.640, 1.043, 0.660, 2.270]
    assert result.log_strength.mean() == pytest.approx(0, abs=1e-12)
    np.testing.assert_allclose(result.rating, 1000 + 400 * np.log10(np.e) * result.log_strength)
    assert result.wins.tolist() == WIKIPEDIA_WINS.sum(axis=1).tolist()
    assert result.losses.tolist() == WIKIPEDIA_WINS.sum(axis=0).tolist()
    assert result.ci_low is None and result.ci_high is None and result.converged


def test_mm_iteration_of_the_example_converges_to_the_same() -> None:
    """Zermelo's/Hunter's MM update, written out, reaches the Newton answer."""
    wins = WIKIPEDIA_WINS.astype(float)
    games = wins + wins.T
    p = np.ones(4)
    for _ in range(500):
        p = wins.sum(axis=1) / (games / (p[:, None] + p[None, :])).sum(axis=1)
        p /= np.exp(np.log(p).mean())
    np.testing.assert_allclose(np.log(p), bradley_terry(battles_from_wins(WIKIPEDIA_WINS)).log_strength, atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_choix(seed: int) -> None:
    choix = pytest.importorskip("choix")
    battles, _ = random_battles(seed, n_models=6 + seed, n=2000)
    won = np.where(battles.outcome == 0, battles.left, battles.right)
    lost = np.where(battles.outcome == 0, battles.right, battles.left)
    data = list(zip(won.tolist(), lost.tolist(), strict=True))
    ours = bradley_terry(battles).log_strength
    theirs = choix.ilsr_pairwise(len(battles.models), data, tol=1e-12)
    np.testing.assert_allclose(ours, theirs - theirs.mean(), atol=1e-6)
    if seed == 0:  # MM converges linearly: a looser check
        theirs = choix.mm_pairwise(len(battles.models), data, tol=1e-9, max_iter=10_000)
        np.testing.assert_allclose(ours, theirs - theirs.mean(), atol=1e-4)


def test_choix_regularised() -> None:
    choix = pytest.importorskip("choix")
    battles = battles_from_wins(np.array([[0, 3, 2], [0, 0, 1], [0, 1, 0]]), "abc")  # nobody beat a
    with pytest.raises(RatingsError, match="alpha"):
        bradley_terry(battles)
    data = [(int(w), int(lo)) for w, lo in zip(np.where(battles.outcome == 0, battles.left, battles.right),
                                                np.where(battles.outcome == 0, battles.right, battles.left),
                                                strict=True)]
    # choix penalises alpha·Σθ², Assay alpha/2·Σθ² (a Gaussian prior with variance 1/alpha).
    theirs = choix.opt_pairwise(3, data, alpha=0.5, method="Newton-CG", tol=1e-10)
    np.testing.assert_allclose(bradley_terry(battles, alpha=1.0).log_strength, theirs, atol=1e-5)


def test_a_tie_is_half_a_win_each() -> None:
    """Ties as half wins: the same fit as doubling every battle and splitting each tie into one
    win for each side."""
    battles, _ = random_battles(3, n=800, tie_rate=0.3)
    tie = battles.outcome == 2
    left = np.r_[battles.left, battles.left]
    right = np.r_[battles.right, battles.right]
    outcome = np.r_[np.where(tie, 0, battles.outcome), np.where(tie, 1, battles.outcome)]
    doubled = Battles(battles.models, left, right, outcome)
    np.testing.assert_allclose(bradley_terry(battles).log_strength, bradley_terry(doubled).log_strength, atol=1e-9)
    result = bradley_terry(battles)
    assert result.ties.sum() == 2 * tie.sum()
    assert (result.wins + result.losses + result.ties).sum() == 2 * len(tie)


def test_davidson_is_the_maximum_likelihood() -> None:
    optimize = pytest.importorskip("scipy.optimize")
    battles, _ = random_battles(4, n_models=5, n=1500, tie_rate=0.2)
    result = bradley_terry(battles, ties="davidson")
    pairs = PairCounts.from_codes(battles.left, battles.right, battles.outcome, 5)

    def minus_loglik(x: np.ndarray) -> float:
        theta, log_nu = np.r_[x[:4], -x[:4].sum()], x[4]
        s = theta[pairs.a] - theta[pairs.b]
        log_d = np.log(2 * np.cosh(s / 2) + np.exp(log_nu))
        w = pairs.cells
        return -float(np.sum(w[:, 0] * (s / 2 - log_d) + w[:, 1] * (-s / 2 - log_d) + w[:, 2] * (log_nu - log_d)))

    best = optimize.minimize(minus_loglik, np.zeros(5), method="BFGS", options={"gtol": 1e-8})
    np.testing.assert_allclose(result.log_strength, np.r_[best.x[:4], -best.x[:4].sum()], atol=1e-4)
    assert result.tie_parameter == pytest.approx(np.exp(best.x[4]), rel=1e-4)
    no_ties, _ = random_battles(4, n_models=5, n=1500)
    plain = bradley_terry(no_ties, ties="davidson")
    assert plain.tie_parameter == 0.0
    np.testing.assert_allclose(plain.log_strength, bradley_terry(no_ties).log_strength)


def test_bootstrap_is_seeded_and_covers_the_estimate() -> None:
    battles, _ = random_battles(5, n_models=10, n=5000, tie_rate=0.1)
    first = bradley_terry(battles, n_boot=300, seed=7)
    again = bradley_terry(battles, n_boot=300, seed=7)
    other = bradley_terry(battles, n_boot=300, seed=8)
    assert first.ci_low is not None and first.ci_high is not None
    np.testing.assert_array_equal(first.ci_low, again.ci_low)
    assert not np.array_equal(first.ci_low, other.ci_low)
    assert (first.ci_low < first.rating).all() and (first.rating < first.ci_high).all()
    width = first.ci_high - first.ci_low
    assert (width > 10).all() and (width < 200).all()


def test_chord_steps_reach_the_newton_answer() -> None:
    battles, _ = random_battles(6, n_models=12, n=20_000, tie_rate=0.1)
    pairs = PairCounts.from_codes(battles.left, battles.right, battles.outcome, 12)
    theta, _, _, _ = fit_pairs(pairs)
    problem = Problem(12, pairs.a, pairs.b, False, 0.0)
    rng = np.random.default_rng(0)
    flat = pairs.cells.ravel()
    cells = rng.multinomial(int(flat.sum()), flat / flat.sum(), size=20).astype(float).reshape(20, -1, 3)
    starts = np.tile(theta, (20, 1))
    chord = np.linalg.inv(information(problem, pairs.cells, theta))
    fast, _, done = newton(problem, cells, starts, tol=1e-10, max_iter=50, fixed=chord)
    exact, _, _ = newton(problem, cells, starts, tol=1e-10, max_iter=50)
    assert done.all()
    np.testing.assert_allclose(fast, exact, atol=1e-8)


def test_bad_battles() -> None:
    with pytest.raises(RatingsError, match="battle 1: winner"):
        Battles.from_arrays(["a", "a"], ["b", "b"], ["a", "c"])
    with pytest.raises(RatingsError, match="battle 0: right: a cannot battle itself"):
        Battles.from_arrays(["a"], ["a"], ["a"])
    with pytest.raises(RatingsError, match="battle 0: left: is missing"):
        Battles.from_arrays([None], ["a"], ["a"])
    battles = Battles.from_arrays([1, 2], [2, 3], [1, "TIE"])
    assert battles.models.tolist() == [1, 2, 3] and battles.outcome.tolist() == [0, 2]
    with pytest.raises(RatingsError, match="n_boot"):
        bradley_terry(battles, n_boot=-1, alpha=1)
    with pytest.raises(RatingsError, match="ties"):
        bradley_terry(battles, ties="draws", alpha=1)  # type: ignore[arg-type]
