"""An annotator's own submitted work: listing it, and changing it while it is still editable.

Submitted work stays editable until a reviewer has looked at it (a review freezes what was
reviewed) and while the item has no adjudicated final answer. An edit keeps the judgement
submitted, re-runs self-QC and records the old answers in the judgement's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from assay.store import Database
from assay.store._models import Consensus, Item, Judgement, JudgementStatus, Project, Response, Review
from assay.store.judgements import record_history, sync_answers
from assay.store.projects import get_project, load_project_spec
from assay.work.distribution import AnswersRejected, LeaseError, to_stored_answers


@dataclass(frozen=True)
class HistoryEntry:
    judgement_id: int
    item_id: int
    external_id: str | None
    status: str
    submitted_at: datetime | None
    time_spent_ms: int | None
    editable: bool


def _reviewed() -> Any:
    return exists().where(Review.judgement_id == Judgement.id)


def _adjudicated() -> Any:
    return exists().where(Consensus.item_id == Judgement.item_id, Consensus.method == "adjudicated")


def my_history(db: Database, project: str, user_id: int, *, limit: int = 200) -> list[HistoryEntry]:
    """This person's submitted judgements in a project, newest first."""
    with db.session() as session:
        proj = get_project(session, project)
        rows = session.execute(
            select(Judgement.id, Judgement.item_id, Item.external_id, Judgement.status, Judgement.submitted_at,
                   Judgement.time_spent_ms, _reviewed().label("reviewed"), _adjudicated().label("final"))
            .join(Item, Item.id == Judgement.item_id)
            .where(Judgement.project_id == proj.id, Judgement.user_id == user_id,
                   Judgement.status == JudgementStatus.submitted)
            .order_by(Judgement.submitted_at.desc(), Judgement.id.desc())
            .limit(limit)
        ).all()
        return [HistoryEntry(jid, item_id, ext, status.value, at, ms, not (reviewed or final))
                for jid, item_id, ext, status, at, ms, reviewed, final in rows]


def editable_judgement(session: Session, judgement_id: int, user_id: int) -> Judgement:
    """The caller's submitted judgement if it may still be edited; LeaseError otherwise."""
    j = session.get(Judgement, judgement_id)
    if j is None or j.user_id != user_id:
        raise LeaseError(f"judgement {judgement_id} is not yours")
    if j.status != JudgementStatus.submitted:
        raise LeaseError(f"judgement {judgement_id} is a {j.status.value}; open it from your tasks instead")
    if session.scalar(select(_reviewed().where(Judgement.id == judgement_id))):
        raise LeaseError(f"judgement {judgement_id} has been reviewed and can no longer be edited")
    if session.scalar(select(exists().where(Consensus.item_id == j.item_id, Consensus.method == "adjudicated"))):
        raise LeaseError(f"item {j.item_id} has been adjudicated; its judgements can no longer be edited")
    return j


def edit_submitted(db: Database, judgement_id: int, user_id: int, answers: dict[str, Any], *,
                   now: datetime | None = None) -> int:
    """Replace the answers of one's own submitted, not yet reviewed judgement (after self-QC)."""
    now = now or datetime.now(UTC)
    with db.write_session() as session:
        j = editable_judgement(session, judgement_id, user_id)
        proj = session.get(Project, j.project_id)
        assert proj is not None
        spec = load_project_spec(session, proj)
        responses = list(session.scalars(select(Response).where(Response.item_id == j.item_id).order_by(Response.position)))
        issues = spec.check_answers(answers, len(responses), response_texts=[r.content for r in responses])
        if issues:
            raise AnswersRejected(issues)
        old = dict(j.answers)
        j.answers = to_stored_answers(spec, answers, responses)
        j.updated_at = now
        record_history(session, j, action="edit", by=user_id, reason=None, old_status=j.status.value, old_value=old)
        sync_answers(session, [j], spec)
        return j.id
