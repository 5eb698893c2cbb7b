"""Batched Newton ascent on Bradley–Terry log-likelihoods, from per-pair counts.

Parameters are the log-strengths θ (and log ν under Davidson's tie model). Each pair's
log-likelihood depends on s = θ_a − θ_b only, so the gradient is a product with the pair ×
model incidence matrix and minus the Hessian is a weighted graph Laplacian; θ is defined up to a
constant, so 11ᵀ is added to make it invertible (the step then sums to zero) and θ is kept
centred. Many data sets (bootstrap replicates) are solved at once, each stopping on its own.

``fixed``: the inverse of one information matrix to use for every step instead of each
replicate's own (the chord method). Bootstrap replicates sit close to the full-data fit, where
its information matrix is within a few per cent of theirs, so each chord step shrinks the error
about as much as a Newton step does, at the price of one matrix product instead of building and
factorising a matrix per replicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
MAX_STEP = 4.0


@dataclass(frozen=True)
class Problem:
    """The pair structure shared by every replicate: pair ends a < b among ``n_models``."""

    n_models: int
    a: IntArray
    b: IntArray
    davidson: bool
    alpha: float

    @property
    def size(self) -> int:
        return self.n_models + int(self.davidson)

    def incidence(self) -> FloatArray:
        out = np.zeros((len(self.a), self.n_models))
        out[np.arange(len(self.a)), self.a] = 1.0
        out[np.arange(len(self.a)), self.b] = -1.0
        return out

    def gauge(self) -> FloatArray:
        """11ᵀ on the θ block, plus a ridge of 1e-9 so that a model without battles in a
        bootstrap replicate (its θ unidentified: it stays where it started) keeps the matrix
        invertible."""
        out = np.zeros((self.size, self.size))
        out[: self.n_models, : self.n_models] = 1.0
        out[np.diag_indices(self.size)] += 1e-9
        return out


def newton(
    problem: Problem, cells: FloatArray, start: FloatArray, *, tol: float, max_iter: int,
    fixed: FloatArray | None = None,
) -> tuple[FloatArray, int, BoolArray]:
    """Maximise each replicate's log-likelihood. ``cells`` is (replicates × pairs × 3) counts of
    (a wins, b wins, ties); ``start`` (replicates × parameters). Steps are capped at MAX_STEP
    per coordinate. Returns the parameters, the iterations run and which replicates converged
    (largest step below ``tol``)."""
    m = problem.n_models
    incidence, gauge = problem.incidence(), problem.gauge()
    counts = _counts(cells, problem.davidson)
    params = start.copy()
    active = np.arange(len(params))
    converged = np.zeros(len(params), dtype=bool)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        subset = tuple(c if len(active) == len(params) else c[active] for c in counts)
        grad, info = _derivatives(problem, incidence, subset, params[active], with_info=fixed is None)
        if fixed is not None:
            step = grad @ fixed
        else:
            assert info is not None
            step = np.linalg.solve(info + gauge, grad[..., None])[..., 0].astype(np.float64, copy=False)
        biggest = np.abs(step).max(axis=1)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(biggest, 1e-300))[:, None]
        moved = params[active] + step
        moved[:, :m] -= moved[:, :m].mean(axis=1, keepdims=True)
        params[active] = moved
        done = biggest < tol
        converged[active[done]] = True
        active = active[~done & np.isfinite(biggest)]
        if not len(active):
            break
    return params, iterations, converged


def information(problem: Problem, cells: FloatArray, params: FloatArray) -> FloatArray:
    """Minus the Hessian plus the gauge term at ``params``, for one data set (pairs × 3)."""
    _, info = _derivatives(problem, problem.incidence(), _counts(cells[None], problem.davidson), params[None],
                           with_info=True)
    assert info is not None
    out: FloatArray = info[0] + problem.gauge()
    return out


def _counts(cells: FloatArray, davidson: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per pair: n; a wins + ties/2 (or (a wins − b wins)/2 under Davidson); ties."""
    n = cells.sum(axis=-1)
    score = 0.5 * (cells[..., 0] - cells[..., 1]) if davidson else cells[..., 0] + 0.5 * cells[..., 2]
    return n, score, cells[..., 2]


def _derivatives(
    problem: Problem, incidence: FloatArray, counts: tuple[FloatArray, ...], params: FloatArray, *, with_info: bool,
) -> tuple[FloatArray, FloatArray | None]:
    m, a, b = problem.n_models, problem.a, problem.b
    theta = params[:, :m]
    s = theta[:, a] - theta[:, b]
    n, score, tied = counts
    grad = np.empty_like(params)
    if problem.davidson:
        nu = np.exp(params[:, m])[:, None]
        ch, sh = np.cosh(0.5 * s), np.sinh(0.5 * s)
        d = 2.0 * ch + nu
        g_s = score - n * sh / d
        grad[:, m] = (tied - n * nu / d).sum(axis=1)
    else:
        p = 0.5 * (1.0 + np.tanh(0.5 * s))  # σ(s) without overflow
        g_s = score - n * p
    grad[:, :m] = g_s @ incidence - problem.alpha * theta
    if not with_info:
        return grad, None
    # Curvatures: −d²ℓ/ds² per pair; under Davidson also −d²ℓ/dlogν² and d²ℓ/(ds dlogν).
    c_s = n * (1.0 + 0.5 * nu * ch) / d**2 if problem.davidson else n * p * (1.0 - p)
    info = np.zeros((len(params), problem.size, problem.size))
    info[:, a, b] = -c_s
    info[:, b, a] = -c_s
    info[:, np.arange(m), np.arange(m)] = c_s @ np.abs(incidence) + problem.alpha
    if problem.davidson:
        info[:, :m, m] = -((n * nu * sh / d**2) @ incidence)
        info[:, m, :m] = info[:, :m, m]
        info[:, m, m] = (n * nu * 2.0 * ch / d**2).sum(axis=1)
    return grad, info
