"""Reviewer pages: the queue, one judgement to accept / reject / correct, and adjudication."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from assay.store import Consensus, Item, Judgement, User
from assay.store.projects import load_project_spec
from assay.web.api._deps import DB
from assay.web.api.projects import visible_project
from assay.web.ui._base import Viewer, Who, check_csrf, load_user, page, redirect, require
from assay.web.ui._i18n import translator
from assay.web.ui.task_view import build_view
from assay.work.review import (
    ReviewError,
    adjudicate,
    item_judgements,
    judgement_author_org,
    review,
    review_queue,
    scope_org,
)

router = APIRouter(include_in_schema=False)


def _scope(db: Any, who: Viewer, slug: str) -> tuple[Any, int | None]:
    require(who.reviews)
    with db.session() as session:
        user = load_user(session, who)
        project = visible_project(session, user, slug)
        return project, scope_org(session, user)


@router.get("/p/{slug}/review", response_class=HTMLResponse)
def queue_page(request: Request, slug: str, db: DB, who: Who) -> Response:
    project, scope = _scope(db, who, slug)
    return page(request, "review_queue.html", who, project=project, entries=review_queue(db, slug, org_id=scope))


def _judgement_in_scope(db: Any, who: Viewer, slug: str, judgement_id: int) -> tuple[Any, Judgement, str]:
    project, scope = _scope(db, who, slug)
    with db.session() as session:
        j = session.get(Judgement, judgement_id)
        require(j is not None and j.project_id == project.id)
        require(scope is None or judgement_author_org(session, judgement_id) == scope)
        assert j is not None
        author = session.get(User, j.user_id)
        session.expunge(j)
        return project, j, author.username if author else "?"


@router.get("/p/{slug}/review/{judgement_id}", response_class=HTMLResponse)
def review_page(request: Request, slug: str, judgement_id: int, db: DB, who: Who, error: str | None = None) -> Response:
    project, j, author = _judgement_in_scope(db, who, slug, judgement_id)
    _ = translator(who.locale)
    with db.session() as session:
        view = build_view(session, project, j.item_id, j.user_id, mode="review", target_id=j.id, _=_)
    return page(request, "review_item.html", who, project=project, judgement=j, author=author, view=view,
                answers_json=json.dumps(view.answers, ensure_ascii=False, indent=1), error=error)


@router.post("/p/{slug}/review/{judgement_id}", response_class=HTMLResponse)
async def post_review(request: Request, slug: str, judgement_id: int, db: DB, who: Who) -> Response:
    _judgement_in_scope(db, who, slug, judgement_id)
    form = await check_csrf(request, who)
    verdict = str(form.get("verdict", ""))
    comment = str(form.get("comment", "")).strip() or None
    corrected: dict[str, Any] | None = None
    try:
        if verdict == "correct":
            corrected = json.loads(str(form.get("corrected", "")) or "{}")
            if not isinstance(corrected, dict):
                raise ReviewError("corrected answers must be a JSON object by question key")
        review(db, judgement_id, who.id, verdict, comment=comment, corrected=corrected)
    except (ReviewError, ValueError) as e:
        request.scope["method"] = "GET"
        return review_page(request, slug, judgement_id, db, who, error=str(e))
    return redirect(f"/p/{slug}/review")


@router.get("/p/{slug}/items/{item_id}/adjudicate", response_class=HTMLResponse)
def adjudicate_page(request: Request, slug: str, item_id: int, db: DB, who: Who, error: str | None = None) -> Response:
    project, scope = _scope(db, who, slug)
    require(scope is None)  # final answers are the lab's call; a vendor reviews its own people's work
    _ = translator(who.locale)
    with db.session() as session:
        item = session.get(Item, item_id)
        require(item is not None and item.project_id == project.id)
        spec = load_project_spec(session, project)
        view = build_view(session, project, item_id, -1, mode="adjudicate", target_id=item_id, _=_)
        final = {(c.question, c.response_id): c.value for c in session.scalars(
            select(Consensus).where(Consensus.item_id == item_id))}
    judgements = item_judgements(db, item_id, org_id=scope)
    return page(request, "adjudicate.html", who, project=project, view=view, spec=spec, judgements=judgements,
                final=final, error=error)


@router.post("/p/{slug}/items/{item_id}/adjudicate", response_class=HTMLResponse)
async def post_adjudicate(request: Request, slug: str, item_id: int, db: DB, who: Who) -> Response:
    project, scope = _scope(db, who, slug)
    require(scope is None)
    form = await check_csrf(request, who)
    try:
        answers = json.loads(str(form.get("answers", "")) or "{}")
        if not isinstance(answers, dict):
            raise ReviewError("final answers must be a JSON object by question key")
        with db.session() as session:
            item = session.get(Item, item_id)
            require(item is not None and item.project_id == project.id)
        adjudicate(db, item_id, who.id, answers, reason=str(form.get("reason", "")).strip() or None)
    except (ReviewError, ValueError) as e:
        return adjudicate_page(request, slug, item_id, db, who, error=str(e))
    return redirect(f"/p/{slug}/items/{item_id}/adjudicate")
