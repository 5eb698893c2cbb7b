"""Judge verdicts offered to annotators as suggestions (pre-annotation), when the project asks for it
and is not blind. They are a model's, marked as such, and never count as anyone's judgement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assay.spec import ProjectSpec, QuestionKind
from assay.store import JudgeVerdict, ModelRun, RunKind


@dataclass(frozen=True)
class Suggestion:
    """One judge's answer to one question (about one response, by letter, or about the item)."""

    question: str
    letter: str | None
    value: Any
    """A rating, an option, or for a pair "A", "B", "tie" — or None when the judge's two orders disagree."""
    judge: str
    reasoning: str | None
    consistent: bool = True
    """For pairs judged in both orders: whether the verdicts agreed."""


def suggestions_allowed(spec: ProjectSpec) -> bool:
    return spec.judge.show_suggestions and not spec.distribution.blind


def item_suggestions(session: Session, spec: ProjectSpec, project_id: int, item_id: int,
                     response_ids: Sequence[int], letters: Sequence[str]) -> list[Suggestion]:
    """The newest judge run's verdicts on this item, by question and response letter."""
    if not suggestions_allowed(spec):
        return []
    run = session.execute(
        select(ModelRun.id, ModelRun.name).join(JudgeVerdict, JudgeVerdict.run_id == ModelRun.id)
        .where(ModelRun.project_id == project_id, ModelRun.kind == RunKind.judge, JudgeVerdict.item_id == item_id)
        .order_by(ModelRun.id.desc()).limit(1)).first()
    if run is None:
        return []
    letter_of = dict(zip(response_ids, letters, strict=False))
    rows = session.execute(
        select(JudgeVerdict.question, JudgeVerdict.response_id, JudgeVerdict.other_response_id, JudgeVerdict.swapped,
               JudgeVerdict.value, JudgeVerdict.reasoning)
        .where(JudgeVerdict.run_id == run.id, JudgeVerdict.item_id == item_id).order_by(JudgeVerdict.id)).all()
    out: list[Suggestion] = []
    pairs: dict[tuple[str, int, int], list[tuple[Any, str | None]]] = {}
    for question, rid, other, _swapped, value, reasoning in rows:
        try:
            q = spec.question(question)
        except KeyError:
            continue
        if value is None:
            continue
        if q.kind == QuestionKind.COMPARE:
            pairs.setdefault((question, rid, other), []).append((value.get("winner"), reasoning))
        elif rid in letter_of:
            out.append(Suggestion(question, letter_of[rid] if q.per_response else None, value, run.name, reasoning))
    for (question, rid, other), got in pairs.items():
        # Only the pair the page shows as A and B (the first two responses).
        if letter_of.get(rid) != "A" or letter_of.get(other) != "B":
            continue
        winners = {w for w, _ in got}
        consistent = len(winners) == 1
        out.append(Suggestion(question, None, winners.pop() if consistent else None, run.name, got[0][1], consistent))
    return out
