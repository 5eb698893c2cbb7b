"""Self-QC helpers the task page calls while the annotator works (no state is changed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assay.spec._question import MAX_RESPONSES
from assay.store.projects import load_project_spec
from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import visible_project

router = APIRouter(tags=["tasks"])


class VisibilityIn(BaseModel):
    answers: dict[str, Any] = Field(description="Answers so far, by question key (per-response by letter).")
    responses: int = Field(ge=0, le=MAX_RESPONSES, description="How many responses the task shows.")


class Hidden(BaseModel):
    question: str
    response: str | None


class VisibilityOut(BaseModel):
    hidden: list[Hidden] = Field(description="Questions that `shown_when` hides under these answers.")


@router.post("/projects/{slug}/visibility", response_model=VisibilityOut,
             summary="Which questions the project's conditions hide, given answers so far")
def visibility(slug: str, body: VisibilityIn, db: DB, user: CurrentUser) -> VisibilityOut:
    with db.session() as session:
        spec = load_project_spec(session, visible_project(session, user, slug))
    hidden = spec.hidden_questions(body.answers, body.responses)
    return VisibilityOut(hidden=[Hidden(question=k, response=r) for k, r in hidden])
