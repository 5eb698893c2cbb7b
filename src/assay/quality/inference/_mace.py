"""MACE (Hovy et al. 2013): Multi-Annotator Competence Estimation.

Annotator j either knows the answer (probability θ_j) and gives the true label, or spams with
a label drawn from their own distribution ξ_j. So P(label l | class k) = θ_j·[l = k] +
(1 − θ_j)·ξ_j[l]. A spammer who always says "yes" gets θ ≈ 0 whatever their agreement rate,
which is where MACE beats majority vote.

EM with MACE's smoothing (0.01/K added to the expected counts before normalising); started from
the vote shares instead of random restarts, which makes the result deterministic. Class priors
are estimated (MACE itself assumes them uniform).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._ratings import Ratings
from ._dawid_skene import em_consensus
from ._em import log_priors, run_em
from ._layout import EPS, FloatArray, Layout, gold_codes
from ._result import Consensus


@dataclass(frozen=True)
class _MaceParams:
    log_prior: FloatArray
    theta: FloatArray  # P(knows the answer), per annotator
    strategy: FloatArray  # annotators × labels: the spamming distribution ξ


def mace(
    ratings: Ratings,
    *,
    tol: float = 1e-5,
    max_iter: int = 100,
    gold: Mapping[Any, Any] | None = None,
    smoothing: float | None = None,
) -> Consensus:
    """MACE by EM. Skill is θ (the probability of not spamming); ``extras["strategy"]`` holds
    each annotator's spamming distribution over labels (annotators × labels)."""
    layout = Layout(ratings)
    k = layout.n_classes
    smooth = 0.01 / k if smoothing is None else smoothing

    def spam_probability(params: _MaceParams) -> FloatArray:
        theta = np.take(params.theta, layout.annotator)
        out: FloatArray = (1.0 - theta) * np.take(params.strategy.ravel(), layout.key)
        return out

    state: dict[str, _MaceParams] = {}

    def m_step(posterior: FloatArray) -> _MaceParams:
        # E[knows] for each row: P(row's label is true) × P(knew it | label is true), under the
        # parameters the posterior came from; the first call (vote shares) has none yet.
        knows = layout.hit(posterior)
        if "params" in state:
            theta_row = np.take(state["params"].theta, layout.annotator)
            knows = knows * theta_row / (theta_row + spam_probability(state["params"]))
        n = layout.n_per_annotator
        theta = (layout.per_annotator(knows) + smooth) / (n + 2 * smooth)
        spam_counts = np.bincount(layout.key, weights=1.0 - knows,
                                  minlength=layout.n_annotators * k).reshape(-1, k) + smooth
        params = _MaceParams(log_priors(posterior), np.clip(theta, EPS, 1 - EPS),
                             np.maximum(spam_counts / spam_counts.sum(axis=1, keepdims=True), EPS))
        state["params"] = params
        return params

    def e_step(params: _MaceParams) -> FloatArray:
        spam = spam_probability(params)
        log_spam = np.log(spam)
        bonus = np.log(np.take(params.theta, layout.annotator) + spam) - log_spam
        out: FloatArray = params.log_prior + layout.per_item(log_spam) + layout.scatter_item_label(bonus)
        return out

    fit = run_em(layout, m_step, e_step, gold=gold_codes(ratings, gold), tol=tol, max_iter=max_iter)
    return em_consensus(ratings, "mace", fit.posterior, fit.params.theta, np.exp(fit.params.log_prior[:, 0]), None,
                        fit.iterations, fit.converged, fit.log_likelihood,
                        extras={"strategy": fit.params.strategy})
