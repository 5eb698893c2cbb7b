"""The annotator's pages: projects, the task page, my history and the inbox.

The task page is rendered on the server; `task.js` adds the keyboard, autosave and submit, calling
the same JSON API as the SDK (with the session cookie and the CSRF header).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from assay.store import Assignment, AssignmentStatus, Judgement, JudgementStatus, Project, ProjectMember
from assay.store.projects import summarize
from assay.web.api._deps import DB
from assay.web.api.projects import sees_all_projects, visible_project
from assay.web.ui._base import Viewer, Who, load_user, page, redirect, require
from assay.web.ui._i18n import translator
from assay.web.ui.shortcuts import ACTIONS, effective
from assay.web.ui.task_view import TaskView, build_view, task_config
from assay.work.distribution import LeaseError, NotAMember, lease_next
from assay.work.history import editable_judgement, my_history
from assay.work.review import inbox

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB, who: Who) -> Response:
    with db.session() as session:
        user = load_user(session, who)
        stmt = select(Project).order_by(Project.name)
        if not sees_all_projects(session, user):
            stmt = stmt.join(ProjectMember, ProjectMember.project_id == Project.id).where(ProjectMember.user_id == who.id)
        projects = list(session.scalars(stmt))
        mine = dict(session.execute(
            select(Judgement.project_id, func.count()).where(
                Judgement.user_id == who.id, Judgement.status == JudgementStatus.submitted)
            .group_by(Judgement.project_id)).all())
        member_of = set(session.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == who.id)))
        cards = [{"summary": summarize(session, p) if who.is_staff else None, "project": p,
                  "mine": mine.get(p.id, 0), "member": p.id in member_of} for p in projects]
    return page(request, "home.html", who, cards=cards)


@router.get("/p/{slug}/work")
def start_work(request: Request, slug: str, db: DB, who: Who) -> Response:
    with db.session() as session:
        visible_project(session, load_user(session, who), slug)
    try:
        lease = lease_next(db, slug, who.id)
    except NotAMember:
        _ = translator(who.locale)
        return page(request, "error.html", who, status_code=403, title=_("Not a member"),
                    message=_("You are not a member of this project; ask its manager to add you."))
    if lease is None:
        return page(request, "done.html", who, slug=slug)
    return redirect(f"/p/{slug}/task/{lease.assignment_id}")


@router.get("/p/{slug}/task/{assignment_id}", response_class=HTMLResponse)
def task_page(request: Request, slug: str, assignment_id: int, db: DB, who: Who) -> Response:
    _ = translator(who.locale)
    with db.session() as session:
        project = visible_project(session, load_user(session, who), slug)
        a = session.get(Assignment, assignment_id)
        require(a is not None and a.user_id == who.id and a.project_id == project.id)
        assert a is not None
        if a.status != AssignmentStatus.leased:
            j = session.scalar(select(Judgement.id).where(Judgement.item_id == a.item_id, Judgement.user_id == who.id))
            if a.status == AssignmentStatus.submitted and j is not None:
                return redirect(f"/p/{slug}/history/{j}")
            return page(request, "error.html", who, status_code=409, title=_("This task is closed"),
                        message=_("The lease on this task ended. Take the next task instead."))
        view = build_view(session, project, a.item_id, who.id, mode="task", target_id=a.id, _=_,
                          expires_at=a.expires_at)
    return _task_response(request, who, view)


@router.get("/p/{slug}/history", response_class=HTMLResponse)
def history_page(request: Request, slug: str, db: DB, who: Who) -> Response:
    with db.session() as session:
        project = visible_project(session, load_user(session, who), slug)
    return page(request, "history.html", who, project=project, entries=my_history(db, slug, who.id))


@router.get("/p/{slug}/history/{judgement_id}", response_class=HTMLResponse)
def edit_page(request: Request, slug: str, judgement_id: int, db: DB, who: Who) -> Response:
    _ = translator(who.locale)
    with db.session() as session:
        project = visible_project(session, load_user(session, who), slug)
        j = session.get(Judgement, judgement_id)
        require(j is not None and j.user_id == who.id and j.project_id == project.id)
        try:
            editable_judgement(session, judgement_id, who.id)
        except LeaseError as e:
            return page(request, "error.html", who, status_code=409, title=_("No longer editable"), message=str(e))
        assert j is not None
        view = build_view(session, project, j.item_id, who.id, mode="edit", target_id=j.id, _=_)
    return _task_response(request, who, view)


def _task_response(request: Request, who: Viewer, view: TaskView) -> Response:
    _ = translator(who.locale)
    keys = effective(who.shortcuts)
    return page(request, "task.html", who, view=view, config=task_config(view, who.shortcuts, _, who.csrf),
                keys=keys, actions=ACTIONS)


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, db: DB, who: Who) -> Response:
    entries = inbox(db, who.id)
    with db.session() as session:
        links: dict[int, str] = {}
        for e in entries:
            j = session.get(Judgement, e.judgement_id)
            if j is None:
                continue
            project = session.get(Project, j.project_id)
            a = session.scalar(select(Assignment).where(Assignment.item_id == j.item_id, Assignment.user_id == who.id))
            if project is not None and a is not None and a.status == AssignmentStatus.leased:
                links[e.review_id] = f"/p/{project.slug}/task/{a.id}"
    return page(request, "inbox.html", who, entries=entries, links=links)
