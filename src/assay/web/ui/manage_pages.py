"""Manager pages: project overview (progress, people, organizations), members, distribution
settings, and import / export from the browser."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from assay.store.projects import load_project_spec
from assay.web.api._deps import DB
from assay.web.api.manage import import_upload
from assay.web.api.projects import sees_all_projects, visible_project
from assay.web.ui._base import Viewer, Who, check_csrf, load_user, page, require
from assay.work.members import list_members
from assay.work.progress import project_progress

router = APIRouter(include_in_schema=False)


def _overview(request: Request, slug: str, db: DB, who: Viewer, *, report: object = None,
              import_error: object = None, status_code: int = 200) -> Response:
    require(who.is_staff)
    with db.session() as session:
        user = load_user(session, who)
        project = visible_project(session, user, slug)
        lab = sees_all_projects(session, user)
        spec = load_project_spec(session, project)
        members = [(m, u) for m, u in list_members(session, project) if lab or u.org_id == who.org_id]
        members_out = [{"username": u.username, "role": u.role.value, "domains": m.domains, "languages": m.languages,
                        "active": getattr(m, "active", True)} for m, u in members]
    progress = project_progress(db, slug, org_id=None if lab else who.org_id)
    return page(request, "manage.html", who, status_code=status_code, project=project, spec=spec, lab=lab,
                progress=progress, members=members_out, report=report, import_error=import_error)


@router.get("/p/{slug}/manage", response_class=HTMLResponse)
def overview(request: Request, slug: str, db: DB, who: Who) -> Response:
    return _overview(request, slug, db, who)


@router.post("/p/{slug}/manage/import", response_class=HTMLResponse)
async def import_page(request: Request, slug: str, db: DB, who: Who) -> Response:
    require(who.is_staff)
    form = await check_csrf(request, who)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _overview(request, slug, db, who, import_error="choose a file to upload", status_code=422)
    with db.session() as session:
        user = load_user(session, who)
        visible_project(session, user, slug)
        require(sees_all_projects(session, user))  # vendors do not load data into the lab's projects
    try:
        report = await import_upload(db, slug, who.id, upload, schema=str(form.get("schema", "")) or None,
                                     skip_invalid=form.get("skip_invalid") == "on")
    except HTTPException as e:
        return _overview(request, slug, db, who, import_error=e.detail, status_code=422)
    return _overview(request, slug, db, who, report=report)
