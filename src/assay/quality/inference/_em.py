"""The EM loop the Dawid–Skene family, GLAD and MACE share.

Each model gives an M-step (posteriors → parameters) and an E-step (parameters → log joint
probability of every item's class, classes × items: see `_layout`). The loop starts from the
vote shares (Dawid & Skene 1979, eq. 3.1), clamps gold items to their known label after every
E-step, and stops when the log-likelihood per rating improves by less than ``tol`` or after
``max_iter`` E-steps. crowd-kit also stops on a change per rating below ``tol``, but of a
different quantity (it adds the log prior once per rating, not once per item), so the two stop
after different numbers of iterations from the same start; step for step they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from .._errors import RatingsError
from ._layout import FloatArray, IntArray, Layout, clamp, vote_shares

P = TypeVar("P")


@dataclass(frozen=True)
class EMFit(Generic[P]):
    posterior: FloatArray
    params: P
    iterations: int
    converged: bool
    log_likelihood: float


def check_em_options(tol: float, max_iter: int) -> None:
    if not tol > 0:
        raise RatingsError(f"tol must be positive, not {tol}")
    if max_iter < 1:
        raise RatingsError(f"max_iter must be at least 1, not {max_iter}")


def run_em(
    layout: Layout,
    m_step: Callable[[FloatArray], P],
    e_step: Callable[[P], FloatArray],
    *,
    gold: tuple[IntArray, IntArray] | None,
    tol: float,
    max_iter: int,
    penalty: Callable[[P], float] | None = None,
) -> EMFit[P]:
    """Alternate M- and E-steps from the vote shares; ``penalty`` (log prior of the parameters,
    for MAP models such as GLAD) is added to the objective the stopping rule watches."""
    check_em_options(tol, max_iter)
    posterior = clamp(vote_shares(layout), gold)
    params = m_step(posterior)
    previous = -np.inf
    converged = False
    objective = -np.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        log_joint = e_step(params)
        posterior, log_likelihood = normalise(log_joint, gold)
        params = m_step(posterior)
        objective = (log_likelihood + (penalty(params) if penalty is not None else 0.0)) / layout.n_rows
        if objective - previous < tol:
            converged = True
            break
        previous = objective
    return EMFit(posterior, params, iterations, converged, objective * layout.n_rows)


def normalise(log_joint: FloatArray, gold: tuple[IntArray, IntArray] | None) -> tuple[FloatArray, float]:
    """Posteriors (classes × items) from log joint probabilities, and the data's log-likelihood
    (gold items contribute the joint probability of their known label)."""
    top = log_joint.max(axis=0)
    scaled = np.exp(log_joint - top)
    total = scaled.sum(axis=0)
    per_item = np.log(total) + top
    posterior = scaled / total
    if gold is not None:
        per_item[gold[0]] = log_joint[gold[1], gold[0]]
        clamp(posterior, gold)
    return posterior, float(per_item.sum())


def log_priors(posterior: FloatArray) -> FloatArray:
    """Log class priors (mean posterior) as a column, floored so an unused class keeps a
    finite log."""
    out: FloatArray = np.log(np.maximum(posterior.mean(axis=1), 1e-10))[:, None]
    return out
