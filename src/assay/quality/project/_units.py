"""A question's stored answers as `Ratings`: the unit is the item, or the (item, response) pair for
per-response questions (a response belongs to one item, so its id names the pair)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assay.quality import Ratings
from assay.spec import Question, QuestionKind

from ._labels import categories
from ._load import Answers, IntArray, ProjectData


@dataclass(frozen=True)
class QuestionRatings:
    """``ratings`` keeps rows sorted by (unit, user); ``judgement`` and ``user`` are per row in that
    order, ``unit_item`` the item of each unit (in ``ratings.items`` order)."""

    question: Question
    ratings: Ratings
    unit_item: IntArray
    judgement: IntArray
    user: IntArray
    n_dropped: int
    """Answers left out because their label is not on the question's current scale or options."""

    @property
    def unit(self) -> IntArray:
        """Unit id of each row."""
        out: IntArray = self.ratings.items[self.ratings.item].astype(np.int64)
        return out

    @property
    def row_item(self) -> IntArray:
        out: IntArray = self.unit_item[self.ratings.item]
        return out


def question_ratings(data: ProjectData, key: str) -> QuestionRatings | None:
    """The answers to categorical question ``key`` as `Ratings` (None when nobody answered it)."""
    answers = data.answers.get(key)
    if answers is None or not len(answers):
        return None
    return build_question_ratings(answers)


def build_question_ratings(answers: Answers) -> QuestionRatings | None:
    q = answers.question
    cats = categories(q)
    labels = answers.label
    if q.kind == QuestionKind.RATING:
        values = labels.astype(np.float64)
        valid = np.isin(values, np.asarray(cats, dtype=np.float64))
    else:
        allowed = set(cats)
        valid = np.fromiter((v in allowed for v in labels.tolist()), dtype=bool, count=len(labels))
    n_missing = int(np.sum([v is None or v != v for v in labels.tolist()])) if len(labels) else 0
    if not valid.any():
        return None
    unit, user = answers.unit[valid], answers.user[valid]
    order = np.lexsort((user, unit))
    # One label per (unit, user): the stored schema guarantees it; keep the last row if not.
    last = np.r_[(unit[order][1:] != unit[order][:-1]) | (user[order][1:] != user[order][:-1]), True]
    order = order[last]
    ratings = Ratings(unit[order], user[order], labels[valid][order], categories=cats,
                      numeric=q.kind == QuestionKind.RATING)
    # Rows were sorted by (unit, user) before encoding, so Ratings kept that order.
    assert ratings.n_ratings == len(order)
    unit_item = np.zeros(ratings.n_items, dtype=np.int64)
    unit_item[ratings.item] = answers.item[valid][order]
    return QuestionRatings(q, ratings, unit_item, answers.judgement[valid][order], user[order],
                           n_dropped=max(int((~valid).sum()) - n_missing, 0))


def by_domain(qr: QuestionRatings, data: ProjectData) -> dict[str, Ratings]:
    """The question's ratings split by item domain (units keep their codes within each part)."""
    domains = data.domains_of(qr.unit_item)
    return {str(d): qr.ratings.subset(domains == d) for d in sorted(set(domains.tolist()))}
