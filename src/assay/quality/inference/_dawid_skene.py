"""Dawid & Skene (1979) with full confusion matrices, and the one-coin model.

Dawid–Skene: annotator j reports label l for an item of class k with probability e_j[k, l].
M-step: e_j[k, l] ∝ Σ posterior(item of the row = k) over j's rows with label l (floored at
1e-10, as crowd-kit does, so a pair never seen keeps a finite log); priors are the mean
posterior. E-step: log p(k | item) = log prior_k + Σ_rows log e_j[k, l] + const.

One-coin (Zhang et al. 2016's simplification): e_j[k, k] = p_j and e_j[k, l] = (1 − p_j)/(K − 1)
otherwise; p_j is the mean posterior probability of the labels j gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._ratings import Ratings
from ._em import log_priors, run_em
from ._layout import EPS, FloatArray, Layout, gold_codes
from ._majority import break_ties
from ._result import Consensus


@dataclass(frozen=True)
class _DSParams:
    log_prior: FloatArray
    confusion: FloatArray  # annotators × true class × observed label


def dawid_skene(
    ratings: Ratings,
    *,
    tol: float = 1e-5,
    max_iter: int = 100,
    gold: Mapping[Any, Any] | None = None,
    smoothing: float = 0.0,
) -> Consensus:
    """Dawid–Skene EM from the vote shares. ``gold`` maps item ids to known labels, which are
    clamped throughout; ``smoothing`` is a pseudo-count added to every confusion cell.
    ``confusion[j, k, l]`` is P(annotator j says l | true class k)."""
    layout = Layout(ratings)
    k = layout.n_classes

    def m_step(posterior: FloatArray) -> _DSParams:
        counts = layout.per_annotator_label(posterior).transpose(0, 2, 1) + smoothing
        counts = np.maximum(counts, EPS)
        return _DSParams(log_priors(posterior), counts / counts.sum(axis=2, keepdims=True))

    def e_step(params: _DSParams) -> FloatArray:
        # log e_j[:, l] for each row (classes × rows), gathered by (annotator, label), summed per item.
        log_by_observed = np.log(params.confusion).transpose(1, 0, 2).reshape(k, -1)  # class × (j, l)
        out: FloatArray = params.log_prior + layout.per_item(np.take(log_by_observed, layout.key, axis=1))
        return out

    fit = run_em(layout, m_step, e_step, gold=gold_codes(ratings, gold), tol=tol, max_iter=max_iter)
    priors = np.exp(fit.params.log_prior[:, 0])
    diagonal = np.diagonal(fit.params.confusion, axis1=1, axis2=2)
    return em_consensus(ratings, "dawid-skene", fit.posterior, diagonal @ (priors / priors.sum()), priors,
                        fit.params.confusion, fit.iterations, fit.converged, fit.log_likelihood)


@dataclass(frozen=True)
class _CoinParams:
    log_prior: FloatArray
    coin: FloatArray


def one_coin_dawid_skene(
    ratings: Ratings,
    *,
    tol: float = 1e-5,
    max_iter: int = 100,
    gold: Mapping[Any, Any] | None = None,
) -> Consensus:
    """One-coin Dawid–Skene: one accuracy per annotator, errors spread evenly over the other
    labels. Skill is that accuracy (the coin)."""
    layout = Layout(ratings)
    k = layout.n_classes

    def m_step(posterior: FloatArray) -> _CoinParams:
        hit = layout.hit(posterior)
        coin = layout.per_annotator(hit) / np.maximum(layout.n_per_annotator, 1.0)
        return _CoinParams(log_priors(posterior), np.clip(coin, EPS, 1 - EPS))

    def e_step(params: _CoinParams) -> FloatArray:
        log_right = np.log(params.coin)
        log_wrong = np.log1p(-params.coin) - (np.log(k - 1) if k > 1 else 0.0)
        wrong = layout.per_item(np.take(log_wrong, layout.annotator))
        bonus = layout.scatter_item_label(np.take(log_right - log_wrong, layout.annotator))
        out: FloatArray = params.log_prior + wrong + bonus
        return out

    fit = run_em(layout, m_step, e_step, gold=gold_codes(ratings, gold), tol=tol, max_iter=max_iter)
    return em_consensus(ratings, "one-coin", fit.posterior, fit.params.coin, np.exp(fit.params.log_prior[:, 0]),
                        None, fit.iterations, fit.converged, fit.log_likelihood)


def em_consensus(
    ratings: Ratings, method: str, posterior: FloatArray, skill: FloatArray, priors: FloatArray,
    confusion: FloatArray | None, iterations: int, converged: bool, log_likelihood: float,
    extras: dict[str, FloatArray] | None = None,
) -> Consensus:
    """A `Consensus` from an EM fit's posterior (classes × items)."""
    return Consensus(
        method=method, items=ratings.items, annotators=ratings.annotators, categories=ratings.categories,
        label=break_ties(posterior, 0)[0], posterior=np.ascontiguousarray(posterior.T), skill=skill,
        priors=priors / priors.sum(), confusion=confusion, iterations=iterations, converged=converged,
        log_likelihood=log_likelihood, extras=extras or {},
    )
