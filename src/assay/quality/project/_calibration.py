"""Calibration rounds and disputed items.

A calibration round is the items with ``calibration_round = r``, answered by every member. Per
round: each person's agreement with gold (where the items have gold answers) and with the group
(the majority of the other members, per answer), the change from the previous round, the items
people disagreed on most (mean normalised entropy of their labels), and the round's overall
agreement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._agreement import Estimate
from ._fit import QuestionFit, unit_codes
from ._load import BoolArray, ProjectData
from ._signals import AnswerRows, answer_rows, wilson


@dataclass(frozen=True)
class DisputedItem:
    item_id: int
    entropy: float
    """Mean over the item's measured questions (and responses) of label entropy / log(categories)."""
    question: str
    """The question people disagreed on most."""
    n_units: int
    adjudicated: bool
    url: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CalibrationPerson:
    user_id: int
    username: str
    org: str
    answers: int
    gold: Estimate
    gold_n: int
    group: float | None
    group_n: int
    change_group: float | None = None
    change_gold: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["gold"] = {**self.gold.to_dict(), "n": self.gold_n}
        out.pop("gold_n")
        return out


@dataclass
class CalibrationRound:
    round: int
    n_items: int
    n_people: int
    agreement: float | None
    """Mean agreement of every answer with the majority of the other members."""
    gold_accuracy: Estimate
    change: float | None
    """Agreement minus the previous round's (None for the first round)."""
    people: list[CalibrationPerson] = field(default_factory=list)
    items: list[DisputedItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "n_items": self.n_items, "n_people": self.n_people,
                "agreement": self.agreement, "gold_accuracy": self.gold_accuracy.to_dict(), "change": self.change,
                "people": [p.to_dict() for p in self.people], "items": [i.to_dict() for i in self.items]}


def disputed_items(data: ProjectData, fits: list[QuestionFit], *, top: int,
                   keep_items: BoolArray | None = None) -> list[DisputedItem]:
    """The ``top`` items whose annotators disagreed most (``keep_items``: a mask over data.item_id)."""
    items, entropy, question = [], [], []
    decided: set[int] = set()
    for q, fit in enumerate(fits):
        finite = np.isfinite(fit.entropy)
        items.append(fit.qr.unit_item[finite])
        entropy.append(fit.entropy[finite])
        question.append(np.full(int(finite.sum()), q, dtype=np.int64))
        adjudicated = unit_codes(fit.qr.ratings, data.adjudicated.get(fit.qr.question.key, {})) >= 0
        decided.update(fit.qr.unit_item[adjudicated].tolist())
    if not items:
        return []
    item, ent, qs = np.concatenate(items), np.concatenate(entropy), np.concatenate(question)
    if keep_items is not None and len(item):
        keep = keep_items[data.item_index(item)]
        item, ent, qs = item[keep], ent[keep], qs[keep]
    if not len(item):
        return []
    ids, code = np.unique(item, return_inverse=True)
    n = np.bincount(code)
    mean = np.bincount(code, weights=ent) / n
    order = np.lexsort((qs, -ent, code))  # within an item, its most disputed question first
    first = order[np.r_[True, code[order][1:] != code[order][:-1]]]
    worst = np.empty(len(ids), dtype=np.int64)
    worst[code[first]] = qs[first]
    ranked = np.lexsort((ids, -mean))[:top]
    return [DisputedItem(int(ids[i]), round(float(mean[i]), 6), fits[int(worst[i])].qr.question.key, int(n[i]),
                         int(ids[i]) in decided, f"/p/{data.slug}/items/{int(ids[i])}/adjudicate")
            for i in ranked.tolist() if mean[i] > 0]


def calibration_rounds(data: ProjectData, fits: list[QuestionFit], *, top: int,
                       only: int | None = None) -> list[CalibrationRound]:
    """Every calibration round (or only round ``only``), in order, each compared with the one before."""
    rounds = sorted(set(data.item_round[data.item_round >= 0].tolist()))
    rows = answer_rows(fits)
    row_round = data.item_round[data.item_index(rows.item)] if len(rows) else np.zeros(0, dtype=np.int64)
    out: list[CalibrationRound] = []
    previous: CalibrationRound | None = None
    for r in rounds:
        current = _round(data, fits, rows, row_round == r, r, top)
        if previous is not None:
            _compare(current, previous)
        out.append(current)
        previous = current
    return [c for c in out if only is None or c.round == only]


def _round(data: ProjectData, fits: list[QuestionFit], rows: AnswerRows, mask: BoolArray, r: int,
           top: int) -> CalibrationRound:
    user, loo, own, gold = rows.user[mask], rows.loo[mask], rows.own[mask], rows.gold[mask]
    people = []
    for uid in np.unique(user).tolist():
        mine = user == uid
        valid = mine & np.isfinite(loo)
        has_gold = mine & (gold >= 0)
        correct = float((own[has_gold] == gold[has_gold]).sum())
        p = data.people.get(uid)
        people.append(CalibrationPerson(
            uid, p.username if p else str(uid), p.org if p else "", int(mine.sum()),
            Estimate.of(*wilson(correct, int(has_gold.sum()))), int(has_gold.sum()),
            float(loo[valid].mean()) if valid.any() else None, int(valid.sum())))
    valid = np.isfinite(loo)
    has_gold = gold >= 0
    round_items = data.item_round == r
    return CalibrationRound(
        r, int(round_items.sum()), len(people), float(loo[valid].mean()) if valid.any() else None,
        Estimate.of(*wilson(float((own[has_gold] == gold[has_gold]).sum()), int(has_gold.sum()))), None,
        sorted(people, key=lambda p: (p.group if p.group is not None else 2.0, p.username)),
        disputed_items(data, fits, top=top, keep_items=round_items))


def _compare(current: CalibrationRound, previous: CalibrationRound) -> None:
    if current.agreement is not None and previous.agreement is not None:
        current.change = current.agreement - previous.agreement
    before = {p.user_id: p for p in previous.people}
    for p in current.people:
        old = before.get(p.user_id)
        if old is None:
            continue
        if p.group is not None and old.group is not None:
            p.change_group = p.group - old.group
        if p.gold.value is not None and old.gold.value is not None and not math.isnan(p.gold.value):
            p.change_gold = p.gold.value - old.gold.value
