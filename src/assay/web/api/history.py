"""An annotator's own submitted work over the API: list it, and edit it while it is editable."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import visible_project
from assay.web.api.tasks import AnswersIn, SubmitOut, _lease_errors, ask_confirmation
from assay.work.history import edit_submitted, my_history

router = APIRouter(tags=["tasks"])


class HistoryOut(BaseModel):
    judgement_id: int
    item_id: int
    external_id: str | None
    status: str
    submitted_at: datetime | None
    time_spent_ms: int | None
    editable: bool


@router.get("/projects/{slug}/me/history", response_model=list[HistoryOut], summary="Your submitted work")
def get_history(slug: str, db: DB, user: CurrentUser) -> list[HistoryOut]:
    with db.session() as session:
        visible_project(session, user, slug)
    return [HistoryOut(**e.__dict__) for e in my_history(db, slug, user.id)]


@router.put("/judgements/{judgement_id}", response_model=SubmitOut,
            summary="Edit your submitted judgement (until it is reviewed)")
def put_judgement(judgement_id: int, body: AnswersIn, db: DB, user: CurrentUser) -> SubmitOut:
    if not body.confirm:
        ask_confirmation(db, user.id, body.answers, judgement_id=judgement_id)
    return SubmitOut(judgement_id=_lease_errors(edit_submitted, db, judgement_id, user.id, body.answers))
