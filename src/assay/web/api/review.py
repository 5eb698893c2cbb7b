"""Review over the API: the queue, verdicts, the annotator's inbox, adjudication."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from assay.store import Item, Judgement, Project, Role, User
from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import visible_project
from assay.work.review import (
    ReviewError,
    adjudicate,
    inbox,
    item_judgements,
    judgement_author_org,
    review,
    review_queue,
    scope_org,
)

router = APIRouter(tags=["review"])
REVIEWERS = (Role.admin, Role.manager, Role.reviewer)


def _require_reviewer(user: User) -> None:
    if user.role not in REVIEWERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "needs role admin, manager or reviewer")


def _check_visible(db: Any, user: User, *, judgement_id: int | None = None, item_id: int | None = None) -> int | None:
    """404 unless the judgement/item belongs to a project this user can see (and, for a vendor's
    reviewer, the judgement is by their own organization). Returns the organization scope."""
    with db.session() as session:
        scope = scope_org(session, user)
        if judgement_id is not None:
            j = session.get(Judgement, judgement_id)
            item_id = j.item_id if j is not None else None
            if scope is not None and judgement_author_org(session, judgement_id) != scope:
                item_id = None
        item = session.get(Item, item_id) if item_id is not None else None
        if item is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
        project = session.get(Project, item.project_id)
        assert project is not None
        visible_project(session, user, project.slug)
        return scope


class QueueEntryOut(BaseModel):
    judgement_id: int
    item_id: int
    annotator: str
    reason: Literal["new-annotator", "low-confidence", "disagreement", "sample"]


class ReviewIn(BaseModel):
    verdict: Literal["accept", "reject", "correct"]
    comment: str | None = Field(None, max_length=10_000, description="Required to reject or correct.")
    corrected: dict[str, Any] | None = Field(None, description="Corrected answers (per-response by letter).")


class ReviewOut(BaseModel):
    review_id: int


class InboxOut(BaseModel):
    review_id: int
    judgement_id: int
    item_id: int
    verdict: str
    comment: str | None
    reviewer: str
    at: datetime


class AdjudicateIn(BaseModel):
    answers: dict[str, Any] = Field(description="Final answers by question (per-response by letter).")
    reason: str | None = None


@router.get("/projects/{slug}/review-queue", response_model=list[QueueEntryOut], summary="Work waiting for review")
def get_queue(slug: str, db: DB, user: CurrentUser) -> list[QueueEntryOut]:
    _require_reviewer(user)
    with db.session() as session:
        visible_project(session, user, slug)
        scope = scope_org(session, user)
    return [QueueEntryOut(**e.__dict__) for e in review_queue(db, slug, org_id=scope)]


@router.post("/judgements/{judgement_id}/reviews", response_model=ReviewOut, summary="Accept, reject or correct")
def post_review(judgement_id: int, body: ReviewIn, db: DB, user: CurrentUser) -> ReviewOut:
    _require_reviewer(user)
    _check_visible(db, user, judgement_id=judgement_id)
    try:
        rid = review(db, judgement_id, user.id, body.verdict, comment=body.comment, corrected=body.corrected)
    except ReviewError as e:
        raise HTTPException(422, str(e)) from None
    return ReviewOut(review_id=rid)


@router.get("/me/inbox", response_model=list[InboxOut], summary="Reviewers' feedback on your work")
def get_inbox(db: DB, user: CurrentUser) -> list[InboxOut]:
    return [InboxOut(**e.__dict__) for e in inbox(db, user.id)]


@router.get("/items/{item_id}/judgements", summary="All judgements on an item, side by side")
def get_item_judgements(item_id: int, db: DB, user: CurrentUser) -> list[dict[str, Any]]:
    _require_reviewer(user)
    scope = _check_visible(db, user, item_id=item_id)
    return item_judgements(db, item_id, org_id=scope)


@router.put("/items/{item_id}/final", summary="Adjudicate: set the item's final answers")
def put_final(item_id: int, body: AdjudicateIn, db: DB, user: CurrentUser) -> dict[str, int]:
    _require_reviewer(user)
    if _check_visible(db, user, item_id=item_id) is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "final answers are set by the lab's reviewers")
    try:
        return {"answers_set": adjudicate(db, item_id, user.id, body.answers, reason=body.reason)}
    except ReviewError as e:
        raise HTTPException(422, str(e)) from None
