"""Annotator scorecards: gold accuracy, agreement with the others and with consensus, speed,
rework, straight-lining, copy-paste and drift, with flags and a ranked list.

All figures are per person over their submitted categorical answers (every question pooled),
computed with ``bincount`` over one long table (`AnswerRows`); see docs/design/truth-inference.md
for the definition and threshold of each flag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._agreement import Estimate
from ._fit import QuestionFit
from ._labels import plain
from ._load import FloatArray, IntArray, ProjectData
from ._options import QualityOptions
from ._signals import AnswerRows, answer_rows, grouped_medians, kappa_by_group, two_proportion_p, wilson
from ._text import copied_answers


@dataclass(frozen=True)
class Flag:
    code: str
    """too-fast, straight-lining, copy-paste, low-gold-accuracy, low-agreement, drift, high-rejection."""
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail}


@dataclass
class Scorecard:
    user_id: int
    username: str
    display_name: str
    org: str
    vendor: bool
    judgements: int = 0
    answers: int = 0
    gold: Estimate = field(default_factory=lambda: Estimate(None))
    gold_n: int = 0
    agreement: float | None = None
    """Mean agreement of their answers with the majority of the other annotators of each unit."""
    agreement_n: int = 0
    kappa: float | None = None
    """Cohen's κ of their answers against the consensus (adjudicated where decided)."""
    median_seconds: float | None = None
    too_fast_share: float | None = None
    reviews: int = 0
    rejection_rate: float | None = None
    straightlining: dict[str, Any] = field(default_factory=dict)
    copies: dict[str, Any] = field(default_factory=dict)
    drift: dict[str, Any] = field(default_factory=dict)
    skill: dict[str, float | None] = field(default_factory=dict)
    confusion: dict[str, dict[str, Any]] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("gold", "flags")}
        out["gold"] = {**self.gold.to_dict(), "n": self.gold_n}
        out.pop("gold_n")
        out["flags"] = [f.to_dict() for f in self.flags]
        return out


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def scorecards(data: ProjectData, fits: list[QuestionFit], options: QualityOptions) -> list[Scorecard]:
    """One scorecard per person with submitted judgements, most flagged first."""
    users = np.unique(data.judgement_user)
    cards = [_card(data, int(u)) for u in users.tolist()]
    if not cards:
        return []
    ju = np.searchsorted(users, data.judgement_user)
    n_users = len(users)
    judgements = np.bincount(ju, minlength=n_users)
    _speed(cards, data, ju, n_users, options)
    rows = answer_rows(fits)
    ru = np.searchsorted(users, rows.user)
    answers = np.bincount(ru, minlength=n_users)
    _gold(cards, rows, ru, n_users)
    _agreement(cards, rows, ru, n_users)
    _straightlining(cards, rows, ru, n_users, fits, options)
    _drift(cards, data, rows, ru, ju, n_users, options)
    _copies(cards, data, users, options)
    _models(cards, users, fits)
    for i, card in enumerate(cards):
        card.judgements, card.answers = int(judgements[i]), int(answers[i])
        card.reviews, rejected = data.reviews.get(card.user_id, (0, 0))
        card.rejection_rate = rejected / card.reviews if card.reviews else None
    _flag(cards, options)
    cards.sort(key=lambda c: (-len(c.flags), c.agreement if c.agreement is not None else 2.0, c.username))
    for rank, card in enumerate(cards, 1):
        card.rank = rank
    return cards


def _card(data: ProjectData, uid: int) -> Scorecard:
    p = data.people.get(uid)
    if p is None:
        return Scorecard(uid, str(uid), str(uid), "", False)
    return Scorecard(uid, p.username, p.display_name, p.org, p.vendor)


def _speed(cards: list[Scorecard], data: ProjectData, ju: IntArray, n: int, options: QualityOptions) -> None:
    times = data.judgement_time_ms
    medians = grouped_medians(ju, times, n)
    known = np.isfinite(times)
    project_median = float(np.median(times[known])) if known.any() else math.nan
    fast = known & (times < options.fast_fraction * project_median)
    n_known = np.bincount(ju[known], minlength=n)
    n_fast = np.bincount(ju[fast], minlength=n)
    for i, card in enumerate(cards):
        card.median_seconds = _num(medians[i] / 1000.0)
        card.too_fast_share = float(n_fast[i] / n_known[i]) if n_known[i] else None


def _gold(cards: list[Scorecard], rows: AnswerRows, ru: IntArray, n: int) -> None:
    has = rows.gold >= 0
    n_gold = np.bincount(ru[has], minlength=n)
    correct = np.bincount(ru[has], weights=(rows.own[has] == rows.gold[has]).astype(np.float64), minlength=n)
    for i, card in enumerate(cards):
        card.gold, card.gold_n = Estimate.of(*wilson(float(correct[i]), int(n_gold[i]))), int(n_gold[i])


def _agreement(cards: list[Scorecard], rows: AnswerRows, ru: IntArray, n: int) -> None:
    valid = np.isfinite(rows.loo)
    count = np.bincount(ru[valid], minlength=n)
    total = np.bincount(ru[valid], weights=rows.loo[valid], minlength=n)
    kappa = kappa_by_group(ru, rows.own, rows.truth, n, max(rows.n_codes, 1)) if len(rows) else np.full(n, np.nan)
    for i, card in enumerate(cards):
        card.agreement = float(total[i] / count[i]) if count[i] else None
        card.agreement_n = int(count[i])
        card.kappa = _num(float(kappa[i]))


def _straightlining(cards: list[Scorecard], rows: AnswerRows, ru: IntArray, n: int, fits: list[QuestionFit],
                    options: QualityOptions) -> None:
    width = max(rows.n_codes, 1)
    counts = np.bincount(ru * width + rows.own, minlength=n * width).reshape(n, width)
    best: list[dict[str, Any]] = [{} for _ in range(n)]
    for q, fit in enumerate(fits):
        block = counts[:, rows.offsets[q]:rows.offsets[q + 1]]
        answered = block.sum(axis=1)
        modal = block.argmax(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = block.max(axis=1) / answered
        cats = fit.qr.ratings.categories
        for i in np.flatnonzero(answered > 0).tolist():
            eligible = answered[i] >= options.straightline_min_n
            current = best[i]
            key = (eligible, share[i])
            if not current or key > (current["eligible"], current["share"]):
                best[i] = {"question": fit.qr.question.key, "answer": plain(cats[modal[i]]),
                           "share": float(share[i]), "n": int(answered[i]), "eligible": bool(eligible)}
    for card, b in zip(cards, best, strict=True):
        card.straightlining = {k: v for k, v in b.items() if k != "eligible"}


def _drift(cards: list[Scorecard], data: ProjectData, rows: AnswerRows, ru: IntArray, ju: IntArray, n: int,
           options: QualityOptions) -> None:
    """Agreement with the others in the first and second half of each person's submissions."""
    when = np.where(np.isfinite(data.judgement_submitted), data.judgement_submitted, np.inf)
    order = np.lexsort((data.judgement_id, when, ju))
    per_user = np.bincount(ju, minlength=n)
    start = np.r_[0, np.cumsum(per_user)[:-1]]
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order)) - start[ju[order]]
    second = position >= per_user[ju] / 2.0
    row_second = second[np.searchsorted(data.judgement_id, rows.judgement)]
    valid = np.isfinite(rows.loo)
    for half, name in ((~row_second, "first"), (row_second, "second")):
        keep = valid & half
        counts = np.bincount(ru[keep], minlength=n)
        sums = np.bincount(ru[keep], weights=rows.loo[keep], minlength=n)
        for i, card in enumerate(cards):
            card.drift[f"n_{name}"] = int(counts[i])
            card.drift[name] = float(sums[i] / counts[i]) if counts[i] else None
            card.drift[f"_{name}_sum"] = float(sums[i])
    for card in cards:
        d = card.drift
        s1, s2 = d.pop("_first_sum"), d.pop("_second_sum")
        d["change"] = d["second"] - d["first"] if d["first"] is not None and d["second"] is not None else None
        d["p_value"] = _num(two_proportion_p(s1, d["n_first"], s2, d["n_second"]))


def _copies(cards: list[Scorecard], data: ProjectData, users: IntArray, options: QualityOptions) -> None:
    n = len(users)
    n_text = np.zeros(n, dtype=np.int64)
    n_copy = np.zeros(n, dtype=np.int64)
    for answers in data.answers.values():
        if answers.question.kind.value != "text" or not len(answers):
            continue
        copied = copied_answers(answers.label.tolist(), answers.user, answers.item,
                                threshold=options.duplicate_jaccard, min_chars=options.duplicate_min_chars,
                                seed=options.seed)
        u = np.searchsorted(users, answers.user)
        present = np.array([isinstance(t, str) and bool(t.strip()) for t in answers.label.tolist()], dtype=bool)
        n_text += np.bincount(u[present], minlength=n)
        n_copy += np.bincount(u[copied], minlength=n)
    for i, card in enumerate(cards):
        card.copies = {"n": int(n_text[i]), "copies": int(n_copy[i]),
                       "share": float(n_copy[i] / n_text[i]) if n_text[i] else None}


def _models(cards: list[Scorecard], users: IntArray, fits: list[QuestionFit]) -> None:
    """Each person's skill and (Dawid–Skene) confusion matrix per question, from the consensus fit."""
    for fit in fits:
        c = fit.consensus
        ids = c.annotators.astype(np.int64)
        at = np.searchsorted(users, ids)
        cats = [plain(x) for x in c.categories.tolist()]
        key = fit.qr.question.key
        for j, i in enumerate(at.tolist()):
            cards[i].skill[key] = _num(float(c.skill[j]))
            if c.confusion is not None:
                matrix: FloatArray = np.round(c.confusion[j], 4)
                cards[i].confusion[key] = {"categories": cats, "matrix": matrix.tolist()}


def _flag(cards: list[Scorecard], o: QualityOptions) -> None:
    eligible = [c.agreement for c in cards if c.agreement is not None and c.agreement_n >= o.agreement_min_n]
    typical = float(np.median(eligible)) if eligible else None
    for c in cards:
        f = c.flags
        if c.too_fast_share is not None and c.too_fast_share > o.fast_share_flag:
            f.append(Flag("too-fast", f"{c.too_fast_share:.0%} of judgements under {o.fast_fraction:.0%} of the "
                                      "project's median time"))
        s = c.straightlining
        if s and s["n"] >= o.straightline_min_n and s["share"] >= o.straightline_share:
            f.append(Flag("straight-lining", f"{s['share']:.0%} of {s['n']} answers to {s['question']} are {s['answer']}"))
        if c.copies.get("share") is not None and c.copies["share"] > o.duplicate_share_flag:
            f.append(Flag("copy-paste", f"{c.copies['copies']} of {c.copies['n']} free-text answers are copies"))
        if c.gold_n >= o.gold_min_n and c.gold.ci_high is not None and c.gold.ci_high < o.gold_accuracy_min:
            f.append(Flag("low-gold-accuracy", f"gold accuracy {c.gold.value:.0%} on {c.gold_n} answers"))
        if (typical is not None and c.agreement is not None and c.agreement_n >= o.agreement_min_n
                and c.agreement < typical - o.agreement_gap):
            f.append(Flag("low-agreement", f"agrees with the others {c.agreement:.0%} of the time "
                                           f"(median person {typical:.0%})"))
        d = c.drift
        if (d.get("change") is not None and d["n_first"] >= o.drift_min_n and d["n_second"] >= o.drift_min_n
                and abs(d["change"]) >= o.drift_min_change and (d["p_value"] or 1.0) < o.drift_p_value):
            f.append(Flag("drift", f"agreement {d['first']:.0%} then {d['second']:.0%} (p = {d['p_value']:.3g})"))
        if (c.rejection_rate is not None and c.reviews >= o.rejection_min_reviews
                and c.rejection_rate > o.rejection_rate_flag):
            f.append(Flag("high-rejection", f"{c.rejection_rate:.0%} of {c.reviews} reviews rejected"))
