"""Two models' responses to the same items, with what people and judges said about each: the browser
behind "compare two models" (read a page at a time)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from assay.spec import QuestionKind
from assay.store import Item, Judgement, JudgementAnswer, JudgementStatus, JudgeVerdict, ModelRun, Response
from assay.store.projects import get_project, load_project_spec


@dataclass
class SidePair:
    """One item: the prompt, both responses, and the verdicts on them."""

    item_id: int
    external_id: str | None
    domain: str | None
    prompt: str | None
    messages: list[dict[str, Any]] | None
    response_a: str
    response_b: str
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    """question -> {"a": mean rating, "b": mean rating} or {"a": wins, "b": wins, "tie": n}."""
    judges: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """run name -> question -> as for `people` (pairs: the verdict with both orders combined)."""


def side_by_side(session: Session, slug: str, model_a: str, model_b: str, *, offset: int = 0,
                 limit: int = 20) -> tuple[list[SidePair], int]:
    """A page of items both models answered (by item id), and how many there are in all."""
    project = get_project(session, slug)
    spec = load_project_spec(session, project)
    ra, rb = aliased(Response), aliased(Response)
    base = (select(Item.id, ra.id, rb.id).join(ra, ra.item_id == Item.id).join(rb, rb.item_id == Item.id)
            .where(Item.project_id == project.id, ra.model == model_a, rb.model == model_b))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(base.order_by(Item.id).offset(offset).limit(limit)).all()
    if not rows:
        return [], total
    first: dict[int, tuple[int, int]] = {}
    for item_id, a, b in rows:
        first.setdefault(item_id, (a, b))
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(list(first))))}
    texts = dict(session.execute(select(Response.id, Response.content).where(
        Response.id.in_([r for pair in first.values() for r in pair]))).all())
    positions: dict[int, list[int]] = {item_id: [] for item_id in first}
    for item_id, rid in session.execute(
        select(Response.item_id, Response.id).where(Response.item_id.in_(list(first)))
        .order_by(Response.item_id, Response.position, Response.id)
    ):
        positions[item_id].append(rid)
    out = []
    for item_id, (a, b) in first.items():
        item = items[item_id]
        out.append(SidePair(item_id, item.external_id, item.domain, item.prompt, item.messages, texts[a], texts[b]))
    by_item = {p.item_id: p for p in out}
    questions = {q.key: q for q in spec.questions}
    ratings: dict[tuple[int, str], dict[str, list[float]]] = defaultdict(lambda: {"a": [], "b": []})
    for item_id, question, rid, value, num in session.execute(
        select(JudgementAnswer.item_id, JudgementAnswer.question, JudgementAnswer.response_id, JudgementAnswer.value,
               JudgementAnswer.value_num)
        .join(Judgement, Judgement.id == JudgementAnswer.judgement_id)
        .where(JudgementAnswer.item_id.in_(list(first)), Judgement.status == JudgementStatus.submitted)
    ):
        q = questions.get(question)
        a, b = first[item_id]
        if q is None:
            continue
        if q.kind == QuestionKind.RATING and num is not None and rid in (a, b):
            ratings[(item_id, question)]["a" if rid == a else "b"].append(float(num))
        elif q.kind == QuestionKind.COMPARE and isinstance(value, dict):
            order = positions[item_id]
            letters = {chr(65 + i): r for i, r in enumerate(order)}
            winner = letters.get(value.get("winner", ""))
            side = "a" if winner == a else "b" if winner == b else "tie" if value.get("winner") == "tie" else None
            if side is not None:
                tally = by_item[item_id].people.setdefault(question, {"a": 0, "b": 0, "tie": 0})
                tally[side] += 1
    for (item_id, question), sides in ratings.items():
        by_item[item_id].people[question] = {k: (sum(v) / len(v) if v else None) for k, v in sides.items()}
    names = dict(session.execute(select(ModelRun.id, ModelRun.name).where(ModelRun.project_id == project.id)).all())
    pair_votes: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for run_id, item_id, question, rid, other, score in session.execute(
        select(JudgeVerdict.run_id, JudgeVerdict.item_id, JudgeVerdict.question, JudgeVerdict.response_id,
               JudgeVerdict.other_response_id, JudgeVerdict.score).where(JudgeVerdict.item_id.in_(list(first)))
    ):
        a, b = first[item_id]
        name = names.get(run_id, f"run {run_id}")
        if other == 0 and rid in (a, b) and score is not None:
            by_item[item_id].judges.setdefault(name, {}).setdefault(question, {})["a" if rid == a else "b"] = score
        elif {rid, other} == {a, b} and score is not None:
            pair_votes[(item_id, name, question)].append(score if rid == a else 1.0 - score)
    for (item_id, name, question), votes in pair_votes.items():
        verdict = "a" if all(v == 1.0 for v in votes) else "b" if all(v == 0.0 for v in votes) else "tie"
        if len(set(votes)) > 1:
            verdict = "inconsistent"
        by_item[item_id].judges.setdefault(name, {})[question] = {"winner": verdict}
    return out, total
