"""Logistic regression with fractional outcomes, row weights and an optional gauge, fitted by
Newton's method; bootstrap refits batched over replicates.

Maximises Σ_i w_i [y_i log p_i + (1 − y_i) log(1 − p_i)] − ½ Σ_j ridge_j β_j², p = σ(Xβ), with
y ∈ [0, 1] (a tie is y = ½, which is the same likelihood as one win plus one loss at half weight
each: Chatbot Arena's duplication of tied battles). ``X`` is a SciPy sparse matrix, so ±1 model
indicators for thousands of battles stay cheap.

``gauge``: a block of columns whose coefficients are defined only up to a common constant
(Bradley–Terry log-strengths, where every row has +1 and −1 in the block). 11ᵀ is added on that
block to make the information matrix invertible, and the block is kept centred (mean 0), as in
`assay.quality`'s Bradley–Terry.

Bootstrap replicates (``refit``) start from the full-data fit and take chord steps with the
full-data information matrix, a matrix product per step instead of a factorisation per replicate
(replicates sit close to the full-data fit; see `assay.quality._bradley_terry_newton`); the few
that do not settle within ``CHORD_STEPS`` get plain Newton steps of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse, special

from ._errors import EvalError
from ._frame import BoolArray, FloatArray
from ._intervals import batch_size

MAX_STEP = 4.0
CHORD_STEPS = 30


@dataclass(frozen=True, eq=False)
class Logistic:
    """The problem: design ``X`` (rows × coefficients), outcomes ``y`` in [0, 1], ``ridge`` per
    coefficient and the gauge block ``gauge`` (a slice of columns, or None)."""

    X: sparse.csr_matrix
    y: FloatArray
    ridge: FloatArray
    gauge: slice | None = None

    @property
    def size(self) -> int:
        return int(self.X.shape[1])

    def _gauge_matrix(self) -> FloatArray:
        out = np.zeros((self.size, self.size))
        if self.gauge is not None:
            out[self.gauge, self.gauge] = 1.0
        out[np.diag_indices(self.size)] += np.asarray(self.ridge) + 1e-12
        return out

    def _centre(self, beta: FloatArray) -> FloatArray:
        if self.gauge is not None:
            beta[..., self.gauge] -= beta[..., self.gauge].mean(axis=-1, keepdims=True)
        return beta

    def probabilities(self, beta: FloatArray) -> FloatArray:
        """σ(Xβ) for each row of ``beta`` (replicates × coefficients), as (rows × replicates):
        the rows-major layout keeps every elementwise step below on contiguous memory."""
        eta = np.ascontiguousarray(self.X @ np.atleast_2d(beta).T, dtype=np.float64)
        out: FloatArray = special.expit(eta, out=eta)
        return out

    def gradient(self, beta: FloatArray, weights: FloatArray) -> FloatArray:
        """(replicates × coefficients) for row weights given as (rows × replicates)."""
        residual = self.probabilities(beta)
        np.subtract(self.y[:, None], residual, out=residual)
        residual *= weights
        out: FloatArray = np.asarray(self.X.T @ residual).T - self.ridge * beta
        return out

    def information(self, beta: FloatArray, weights: FloatArray) -> FloatArray:
        """Minus the Hessian (plus gauge and ridge) at one ``beta`` for one weight vector."""
        p = self.probabilities(beta)[:, 0]
        scaled = self.X.multiply((weights * p * (1.0 - p))[:, None]).tocsr()
        return np.asarray((self.X.T @ scaled).todense()) + self._gauge_matrix()

    def fit(self, *, weights: FloatArray | None = None, start: FloatArray | None = None,
            tol: float = 1e-10, max_iter: int = 100) -> tuple[FloatArray, bool]:
        """(coefficients, converged) by Newton's method with steps capped at MAX_STEP."""
        w = np.ones(len(self.y)) if weights is None else weights
        beta = np.zeros(self.size) if start is None else start.astype(np.float64).copy()
        for _ in range(max_iter):
            step = np.linalg.solve(self.information(beta, w), self.gradient(beta[None], w[:, None])[0])
            biggest = float(np.abs(step).max()) if len(step) else 0.0
            if not np.isfinite(biggest):
                raise EvalError("the logistic fit diverged (the data separate perfectly?)")
            beta = self._centre(beta + step * min(1.0, MAX_STEP / max(biggest, 1e-300)))
            if biggest < tol:
                return beta, True
        return beta, False

    def refit(self, weights: FloatArray, beta: FloatArray, *, tol: float = 1e-6, max_iter: int = 100) -> FloatArray:
        """Coefficients (replicates × coefficients) refitted for each row of ``weights``
        (replicates × rows), starting from the full-data fit ``beta``. A replicate stops at a step
        below ``tol``: a millionth of a coefficient is 0.0002 Elo points, far inside any interval
        (the same rule as `assay.quality`'s Bradley–Terry bootstrap)."""
        chord = np.linalg.inv(self.information(beta, np.ones(len(self.y))))
        out = np.tile(beta, (len(weights), 1))
        by_row = np.ascontiguousarray(weights.T)
        active = np.arange(len(weights))
        for _ in range(CHORD_STEPS):
            step = self.gradient(out[active], by_row if len(active) == len(weights) else by_row[:, active]) @ chord
            biggest = np.abs(step).max(axis=1) if step.shape[1] else np.zeros(len(active))
            step *= np.minimum(1.0, MAX_STEP / np.maximum(biggest, 1e-300))[:, None]
            out[active] = self._centre(out[active] + step)
            done: BoolArray = biggest < tol
            active = active[~done]
            if not len(active):
                return out
        for r in active:  # the few replicates the chord steps did not settle
            out[r] = self.fit(weights=weights[r], start=out[r], tol=tol, max_iter=max_iter)[0]
        return out


def bootstrap_rows(problem: Logistic, beta: FloatArray, draw: Callable[[int], FloatArray], n_boot: int) -> FloatArray:
    """Refits on ``n_boot`` weight vectors produced ``size`` at a time by ``draw(size)``
    (replicates × rows), in batches of bounded memory."""
    out = np.empty((n_boot, problem.size))
    step = batch_size(len(problem.y))
    for lo in range(0, n_boot, step):
        size = min(step, n_boot - lo)
        out[lo : lo + size] = problem.refit(draw(size), beta)
    return out
