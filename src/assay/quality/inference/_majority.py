"""Majority vote and weighted majority vote, with an explicit, seeded tie rule.

Tie rule: when several labels share the top (weighted) vote, one of them is chosen uniformly at
random with a generator seeded by ``seed`` (default 0), so the same data and seed always give
the same labels and no category is favoured systematically, as "lowest code wins" would (that
rule biases class priors towards the first category). ``tied`` marks these items, and their
confidence — the chosen label's share of the votes — shows the tie (0.5 for a two-way split).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import RatingsError
from .._ratings import Ratings
from ._layout import FloatArray, Layout
from ._result import Consensus

Weights = Mapping[Any, float] | Sequence[float] | npt.NDArray[np.float64]


def majority_vote(ratings: Ratings, *, seed: int = 0) -> Consensus:
    """The most frequent label of each item; ties broken at random with ``seed``.

    Every row counts once (an annotator who labelled an item twice votes twice when the ratings
    keep repeats). Skill is each annotator's agreement with the consensus."""
    return _vote(ratings, None, seed, "majority")


def weighted_majority_vote(ratings: Ratings, weights: Weights, *, seed: int = 0) -> Consensus:
    """Majority vote with a non-negative weight per annotator: a mapping from annotator id to
    weight (every annotator must have one) or an array in ``ratings.annotators`` order."""
    return _vote(ratings, _annotator_weights(ratings, weights), seed, "weighted-majority")


def _vote(ratings: Ratings, weights: FloatArray | None, seed: int, method: str) -> Consensus:
    layout = Layout(ratings)
    votes = layout.scatter_item_label(None if weights is None else weights[layout.annotator])
    total = votes.sum(axis=0)
    if np.any(total <= 0):
        raise RatingsError("some items have only zero-weight votes")
    posterior = votes / total
    label, tied = break_ties(votes, seed)
    agree = (layout.label == np.take(label, layout.item)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        skill = layout.per_annotator(agree) / layout.n_per_annotator
    return Consensus(
        method=method, items=ratings.items, annotators=ratings.annotators, categories=ratings.categories,
        label=label, posterior=np.ascontiguousarray(posterior.T), skill=skill, priors=posterior.mean(axis=1),
        tied=tied,
    )


def break_ties(
    scores: FloatArray, seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The best class of each item from scores (classes × items), ties broken uniformly at random
    (seeded); and which items were tied."""
    top = scores.max(axis=0)
    is_top = scores >= top - 1e-12 * np.abs(top)
    tied = is_top.sum(axis=0) > 1
    label = scores.argmax(axis=0).astype(np.int64)
    if tied.any():
        rng = np.random.default_rng(seed)
        noise = rng.random((scores.shape[0], int(tied.sum())))
        label[tied] = np.where(is_top[:, tied], noise, -1.0).argmax(axis=0)
    return label, tied


def _annotator_weights(ratings: Ratings, weights: Weights) -> FloatArray:
    if isinstance(weights, Mapping):
        lookup = {str(k): float(v) for k, v in weights.items()}
        missing = [a for a in ratings.annotators.tolist() if str(a) not in lookup]
        if missing:
            raise RatingsError(f"no weight for annotator(s) {', '.join(map(repr, missing[:5]))}"
                               + (" ..." if len(missing) > 5 else ""))
        out = np.array([lookup[str(a)] for a in ratings.annotators.tolist()], dtype=np.float64)
    else:
        out = np.asarray(weights, dtype=np.float64)
        if out.shape != (ratings.n_annotators,):
            raise RatingsError(f"expected {ratings.n_annotators} weights (one per annotator), got shape {out.shape}")
    if not np.all(np.isfinite(out)) or np.any(out < 0):
        raise RatingsError("annotator weights must be finite and non-negative")
    return out
