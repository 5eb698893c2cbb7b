"""Judgement answers: the nested form people edit and the long form statistics read, kept in step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from assay.spec import ProjectSpec
from assay.store._models import Judgement, JudgementAnswer, JudgementHistory


def answer_rows(judgement: Judgement, spec: ProjectSpec) -> list[dict[str, Any]]:
    """The long form of a judgement's answers: one row per question, or per question × response."""
    rows = []
    for key, value in judgement.answers.items():
        try:
            per_response = spec.question(key).per_response
        except KeyError:
            per_response = False  # a question dropped from a later spec version keeps its answers
        pairs = [(int(rid), v) for rid, v in value.items()] if per_response and isinstance(value, dict) else [(None, value)]
        for response_id, v in pairs:
            rows.append(
                {
                    "judgement_id": judgement.id,
                    "project_id": judgement.project_id,
                    "item_id": judgement.item_id,
                    "user_id": judgement.user_id,
                    "question": key,
                    "response_id": response_id,
                    "value": v,
                    "value_num": float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None,
                }
            )
    return rows


def sync_answers(session: Session, judgements: list[Judgement], spec: ProjectSpec) -> None:
    """Rewrite the long-form rows of `judgements` from their answers."""
    if not judgements:
        return
    ids = [j.id for j in judgements]
    session.execute(delete(JudgementAnswer).where(JudgementAnswer.judgement_id.in_(ids)))
    rows = [row for j in judgements for row in answer_rows(j, spec)]
    if rows:
        session.execute(insert(JudgementAnswer), rows)


def record_history(
    session: Session,
    judgement: Judgement,
    *,
    action: str,
    by: int | None,
    reason: str | None,
    old_status: str | None,
    old_value: dict[str, Any] | None,
) -> None:
    session.add(
        JudgementHistory(
            judgement_id=judgement.id,
            changed_by=by,
            action=action,
            reason=reason,
            old_status=old_status,
            new_status=judgement.status.value,
            old_value=old_value,
            new_value=judgement.answers,
        )
    )
