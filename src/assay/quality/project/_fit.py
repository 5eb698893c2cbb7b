"""Per categorical question: consensus (gold clamped), the reference answer of each unit,
agreement of every answer with the others' majority, and per-unit disagreement (entropy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.quality import Consensus, Ratings, aggregate_labels

from ._load import FloatArray, IntArray, ProjectData
from ._options import QualityOptions
from ._units import QuestionRatings


@dataclass(frozen=True)
class QuestionFit:
    """Arrays per unit are in ``qr.ratings.items`` order; per row in ``qr.ratings`` row order."""

    qr: QuestionRatings
    consensus: Consensus
    truth: IntArray
    """Per unit: the adjudicated label's code where a person decided, else the consensus label's."""
    gold: IntArray
    """Per unit: the gold label's code, -1 where the unit has none."""
    entropy: FloatArray
    """Per unit: entropy of its labels over log(categories), 0 = unanimous; NaN below two labels."""
    loo: FloatArray
    """Per row: agreement with the majority of the unit's other raters (a share when they tie);
    NaN when nobody else rated the unit."""

    @property
    def n_ratings(self) -> IntArray:
        return self.qr.ratings.raters_per_item()


def unit_codes(ratings: Ratings, labels: Mapping[int, Any]) -> IntArray:
    """Per unit, the code of ``labels[unit]`` (-1 where absent or not a category)."""
    out = np.full(ratings.n_items, -1, dtype=np.int64)
    if not labels:
        return out
    lookup = {c: i for i, c in enumerate(ratings.categories.tolist())}
    units = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
    codes = np.fromiter((lookup.get(v, -1) for v in labels.values()), dtype=np.int64, count=len(labels))
    items = ratings.items.astype(np.int64)
    pos = np.minimum(np.searchsorted(items, units), len(items) - 1)
    hit = (items[pos] == units) & (codes >= 0)
    out[pos[hit]] = codes[hit]
    return out


def fit_question(qr: QuestionRatings, data: ProjectData, options: QualityOptions) -> QuestionFit:
    """Consensus by ``options.method`` with the question's gold answers clamped (every method)."""
    r = qr.ratings
    key = qr.question.key
    gold = unit_codes(r, data.gold.get(key, {}))
    known = np.flatnonzero(gold >= 0)
    clamp = {int(r.items[i]): r.categories[gold[i]] for i in known.tolist()}
    consensus = aggregate_labels(r, options.method, gold=clamp or None, seed=options.seed)
    if known.size and options.method == "majority":
        # A vote never overrules a known answer: gold units take their gold label, as the EM
        # methods clamp them (majority vote itself has no notion of gold).
        consensus.label[known] = gold[known]
        consensus.posterior[known] = 0.0
        consensus.posterior[known, gold[known]] = 1.0
    truth = consensus.label.astype(np.int64).copy()
    decided = unit_codes(r, data.adjudicated.get(key, {}))
    truth[decided >= 0] = decided[decided >= 0]
    counts = r.counts()
    return QuestionFit(qr, consensus, truth, gold, unit_entropy(counts), leave_one_out(r, counts))


def unit_entropy(counts: FloatArray) -> FloatArray:
    """Shannon entropy of each row of label counts, divided by log(number of categories)."""
    n = counts.sum(axis=1)
    k = counts.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = counts / n[:, None]
        h = -np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0).sum(axis=1)
        out: FloatArray = h / np.log(k) if k > 1 else np.zeros(len(n))
    out[n < 2] = np.nan
    return out


def leave_one_out(r: Ratings, counts: FloatArray | None = None) -> FloatArray:
    """Per row: 1 when the label is the unique majority of the unit's other labels, 1/t when it
    is one of t tied majority labels, 0 otherwise; NaN when the unit has no other label."""
    counts = r.counts() if counts is None else counts
    rows = np.arange(r.n_ratings)
    others = counts[r.item]
    others[rows, r.label] -= 1.0
    top = others.max(axis=1)
    is_top = others == top[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = is_top[rows, r.label] / is_top.sum(axis=1)
    out[top <= 0] = np.nan
    return out
