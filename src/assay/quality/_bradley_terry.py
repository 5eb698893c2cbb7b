"""Bradley–Terry strengths from pairwise battles, with ties and a seeded bootstrap.

P(i beats j) = p_i / (p_i + p_j). Ties count as half a win for each side by default; with
``ties="davidson"`` they follow Davidson (1970): P(tie) = ν·√(p_i p_j) / (p_i + p_j + ν·√(p_i p_j)).
Battles are first reduced to counts per unordered pair and outcome (a few thousand cells for a
hundred models, whatever the number of battles), and everything after works on those counts.

The fit is Newton's method on the log-strengths θ = log p — concave log-likelihood, a Laplacian
Hessian made invertible by adding 11ᵀ (θ is defined up to a constant; the result is centred to
mean 0) — batched over bootstrap replicates, each started from the full-data fit. A bootstrap
replicate resamples the battles with replacement: one multinomial draw over the pair × outcome
cells with the observed frequencies, which is exactly the distribution of the resampled cell
counts, without touching the battles again.

Rating = 1000 + 400·log10(e)·θ: the Elo scale, where 400 points are 10:1 odds.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._bradley_terry_battles import Battles
from ._bradley_terry_newton import Problem, information, newton
from ._errors import RatingsError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
TieModel = Literal["half", "davidson"]
ELO_SCALE = 400.0 / np.log(10.0)


@dataclass(frozen=True, eq=False)
class PairCounts:
    """Battles reduced to unordered pairs a < b (model codes): ``cells[p] = (a wins, b wins, ties)``."""

    n_models: int
    a: IntArray
    b: IntArray
    cells: FloatArray  # pairs × 3

    @classmethod
    def from_codes(cls, left: IntArray, right: IntArray, outcome: IntArray, n_models: int) -> PairCounts:
        """``outcome``: 0 left won, 1 right won, 2 tie."""
        if np.any(left == right):
            raise RatingsError("a battle needs two different models")
        swap = left > right
        a, b = np.where(swap, right, left), np.where(swap, left, right)
        oriented = np.where((outcome < 2) & swap, 1 - outcome, outcome)
        key = (a * n_models + b) * 3 + oriented
        if n_models * n_models * 3 <= 4 * len(key) + 1_000_000:
            counts = np.bincount(key, minlength=n_models * n_models * 3).reshape(-1, 3)
            pair = np.flatnonzero(counts.sum(axis=1))
            cells = counts[pair].astype(np.float64)
        else:
            pair, inverse = np.unique(key // 3, return_inverse=True)
            cells = np.zeros((len(pair), 3))
            np.add.at(cells, (inverse.reshape(-1), key % 3), 1.0)
        return cls(n_models, pair // n_models, pair % n_models, cells)

    def records(self) -> tuple[IntArray, IntArray, IntArray]:
        """(wins, losses, ties) per model."""
        def per_model(at_a: FloatArray, at_b: FloatArray) -> IntArray:
            m = self.n_models
            total = np.bincount(self.a, weights=at_a, minlength=m) + np.bincount(self.b, weights=at_b, minlength=m)
            return np.rint(total).astype(np.int64)

        won_a, won_b, tied = self.cells.T
        return per_model(won_a, won_b), per_model(won_b, won_a), per_model(tied, tied)


@dataclass(frozen=True, eq=False)
class BradleyTerryResult:
    """Per model: log-strength (mean 0), Elo-scale rating, its bootstrap percentile interval
    (rating scale; None without a bootstrap) and the raw wins, losses and ties."""

    models: npt.NDArray[Any]
    log_strength: FloatArray
    rating: FloatArray
    ci_low: FloatArray | None
    ci_high: FloatArray | None
    wins: IntArray
    losses: IntArray
    ties: IntArray
    tie_model: str
    tie_parameter: float | None
    n_battles: int
    n_bootstrap: int
    iterations: int
    converged: bool

    def order(self) -> IntArray:
        """Model indices from the highest rating down (ties in rating by model order)."""
        return np.argsort(-self.rating, kind="stable").astype(np.int64)


def bradley_terry(
    battles: Battles,
    *,
    ties: TieModel = "half",
    alpha: float = 0.0,
    n_boot: int = 0,
    seed: int = 0,
    level: float = 0.95,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> BradleyTerryResult:
    """Fit Bradley–Terry to ``battles``; with ``n_boot`` > 0, a percentile interval of each
    rating at ``level`` from that many bootstrap resamples of the battles (seeded by ``seed``)."""
    if n_boot < 0:
        raise RatingsError(f"n_boot must be non-negative, not {n_boot}")
    if not 0 < level < 1:
        raise RatingsError(f"level must be between 0 and 1, not {level}")
    pairs = PairCounts.from_codes(battles.left, battles.right, battles.outcome, len(battles.models))
    theta, nu, iterations, converged = fit_pairs(pairs, ties=ties, alpha=alpha, tol=tol, max_iter=max_iter)
    low = high = None
    if n_boot:
        replicates = bootstrap(pairs, theta, nu, n_boot=n_boot, seed=seed, alpha=alpha, tol=tol, max_iter=max_iter)
        tail = (1.0 - level) / 2.0
        low, high = np.quantile(1000.0 + ELO_SCALE * replicates, [tail, 1.0 - tail], axis=0)
    wins, losses, tie_counts = pairs.records()
    return BradleyTerryResult(
        models=battles.models, log_strength=theta, rating=1000.0 + ELO_SCALE * theta, ci_low=low, ci_high=high,
        wins=wins, losses=losses, ties=tie_counts, tie_model=ties, tie_parameter=nu, n_battles=len(battles.left),
        n_bootstrap=n_boot, iterations=iterations, converged=converged,
    )


def bootstrap(
    pairs: PairCounts, theta: FloatArray, nu: float | None, *, n_boot: int, seed: int, alpha: float, tol: float,
    max_iter: int,
) -> FloatArray:
    """Log-strengths (replicates × models) refitted on battles resampled with replacement: the
    resampled pair × outcome counts are one multinomial draw with the observed frequencies.

    Each replicate starts at the full-data fit and takes chord steps with the full-data
    information matrix (see `_bradley_terry_newton`); the few that do not settle within 30 steps
    (sparse data) are refitted by plain Newton. A replicate stops at a step below max(tol, 1e-6)
    — a millionth of a log-strength, 0.0002 rating points. Chunk c of replicates draws from its
    own generator, child c of ``SeedSequence(seed)``, so results do not depend on thread timing."""
    flat = pairs.cells.ravel()
    used = np.flatnonzero(flat)
    total = int(flat.sum())
    davidson = bool(nu)
    problem = Problem(pairs.n_models, pairs.a, pairs.b, davidson, alpha)
    start = np.r_[theta, np.log(nu)] if davidson and nu else theta.copy()
    chord: FloatArray = np.linalg.inv(information(problem, pairs.cells, start)).astype(np.float64)
    # Chunks of at most 250 replicates (and bounded memory) run on two threads: NumPy releases
    # the GIL in the multinomial draw and the array arithmetic.
    chunk = max(1, min(250, 50_000_000 // (3 * len(flat) + problem.size)))
    bounds = list(range(0, n_boot, chunk))
    seeds = np.random.SeedSequence(seed).spawn(len(bounds))

    def run(index: int) -> FloatArray:
        size = min(chunk, n_boot - bounds[index])
        drawn = np.zeros((size, len(flat)))
        drawn[:, used] = np.random.default_rng(seeds[index]).multinomial(total, flat[used] / total, size=size)
        cells = drawn.reshape(size, -1, 3)
        starts = np.tile(start, (size, 1))
        params, _, done = newton(problem, cells, starts, tol=max(tol, 1e-6), max_iter=30, fixed=chord)
        if not done.all():
            redo = np.flatnonzero(~done)
            params[redo] = newton(problem, cells[redo], starts[redo], tol=max(tol, 1e-6), max_iter=max_iter)[0]
        out: FloatArray = params[:, : pairs.n_models]
        return out

    if len(bounds) == 1:
        return run(0)
    with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        return np.concatenate(list(pool.map(run, range(len(bounds)))))


def fit_pairs(
    pairs: PairCounts,
    *,
    ties: TieModel = "half",
    alpha: float = 0.0,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> tuple[FloatArray, float | None, int, bool]:
    """(θ centred to mean 0, Davidson's ν or None, iterations, converged) for one data set.
    ``alpha`` is an L2 penalty on θ (a Gaussian prior), needed when some model never won or
    never lost, where the maximum-likelihood strengths are infinite. Davidson on data without
    ties is plain Bradley–Terry with ν = 0."""
    if ties not in ("half", "davidson"):
        raise RatingsError(f"ties must be 'half' or 'davidson', not {ties!r}")
    if alpha < 0:
        raise RatingsError(f"alpha must be non-negative, not {alpha}")
    if alpha == 0:
        _check_connected(pairs)
    davidson = ties == "davidson" and pairs.cells[:, 2].sum() > 0
    problem = Problem(pairs.n_models, pairs.a, pairs.b, davidson, alpha)
    start = np.zeros((1, problem.size))
    if davidson:  # ν from the tie rate as if all were equal: P(tie) = ν / (2 + ν)
        t, n = pairs.cells[:, 2].sum(), pairs.cells.sum()
        start[0, -1] = np.log(2.0 * t / max(n - t, 0.5))
    params, iterations, converged = newton(problem, pairs.cells[None], start, tol=tol, max_iter=max_iter)
    nu = float(np.exp(params[0, -1])) if davidson else (0.0 if ties == "davidson" else None)
    return params[0, : pairs.n_models], nu, iterations, bool(converged[0])


def _check_connected(pairs: PairCounts) -> None:
    """The maximum-likelihood strengths are finite only when every model can reach every other
    by a chain of wins (a tie counts both ways): Hunter (2004)'s condition."""
    won_a = pairs.cells[:, 0] + pairs.cells[:, 2] > 0
    won_b = pairs.cells[:, 1] + pairs.cells[:, 2] > 0
    beats = (np.r_[pairs.a[won_a], pairs.b[won_b]], np.r_[pairs.b[won_a], pairs.a[won_b]])
    for source, target in (beats, beats[::-1]):
        reached = np.zeros(pairs.n_models, dtype=bool)
        reached[0] = True
        while True:
            new = reached[source] & ~reached[target]
            if not new.any():
                break
            reached[target[new]] = True
        if not reached.all():
            raise RatingsError(
                "some models never beat (or never lost to) the rest, so their maximum-likelihood strength is "
                "infinite; regularise with alpha > 0 (--alpha), or add battles"
            )
