"""Managing projects over the API: create from a spec, upload data, read judgements in long form.

The same validation as the CLI: a spec error lists every problem with its YAML line and path; an
upload with a bad record imports nothing and reports each bad record with its line and field.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, HTTPException, Query, UploadFile, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile as StarletteUpload

from assay.io import ImportFailed, export_project, import_file
from assay.io.containers import ContainerError
from assay.io.schemas import MappingError, SchemaError
from assay.spec import SpecError, parse_spec
from assay.store import Item, Judgement, JudgementAnswer, JudgementStatus, Response, Role, User
from assay.store.projects import ProjectExists, create_project
from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import ProjectOut, _out, sees_all_projects, visible_project
from assay.work.review import scope_org

router = APIRouter(tags=["manage"])
MANAGERS = (Role.admin, Role.manager)
READERS = (Role.admin, Role.manager, Role.reviewer)


def _require(user: User, roles: tuple[Role, ...]) -> None:
    if user.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"needs role {' or '.join(r.value for r in roles)}")


@router.post("/projects", response_model=ProjectOut, status_code=201, summary="Create a project from its YAML spec")
def create(db: DB, user: CurrentUser, spec_yaml: Annotated[str, Body(media_type="application/yaml")]) -> ProjectOut:
    with db.session() as session:
        if not sees_all_projects(session, user):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins and the lab's managers create projects")
    try:
        spec = parse_spec(spec_yaml, source="spec.yaml")
    except SpecError as e:
        raise HTTPException(422, [str(i) for i in e.issues]) from None
    try:
        with db.write_session() as session:
            project = create_project(session, spec, created_by=user.id)
            return _out(session, project)
    except ProjectExists as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None


class ImportOut(BaseModel):
    records: int
    record_schema: str = Field(description="The record schema used (detected unless given).")
    items_added: int
    items_existing: int
    responses_added: int
    judgements_added: int
    judgements_updated: int
    rejected: int
    issues: list[str] = Field(description="The first bad records: 'file:line N: field: message'.")
    prep: dict[str, Any] = Field(default_factory=dict, description="What the preparation steps did, if any ran.")


@router.post("/projects/{slug}/imports", response_model=ImportOut, summary="Import a data file (all or nothing)")
async def upload(
    slug: str,
    db: DB,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="JSONL, JSON, CSV, TSV, Parquet or XLSX.")],
    schema: Annotated[str | None, Form()] = None,
    skip_invalid: Annotated[bool, Form()] = False,
    redact_pii: Annotated[bool, Form(description="Replace PII with typed placeholders before storing.")] = False,
    detect_language: Annotated[bool, Form(description="Fill in missing item languages.")] = False,
    drop_duplicates: Annotated[bool, Form(description="Leave out repeated prompts of the file.")] = False,
    check_math: Annotated[bool, Form(description="Check maths answers against the reference.")] = False,
) -> ImportOut:
    _require(user, MANAGERS)
    with db.session() as session:
        visible_project(session, user, slug)
        if not sees_all_projects(session, user):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins and the lab's managers import data")
    prep = None
    if redact_pii or detect_language or drop_duplicates or check_math:
        from assay.prep import ImportPrep

        prep = ImportPrep(redact_pii=redact_pii, detect_language=detect_language, drop_duplicates=drop_duplicates,
                          check_math=check_math)
    return await import_upload(db, slug, user.id, file, schema=schema, skip_invalid=skip_invalid, prep=prep)


async def import_upload(db: Any, slug: str, user_id: int, file: StarletteUpload, *, schema: str | None,
                        skip_invalid: bool, prep: Any = None) -> ImportOut:
    """Import an uploaded file as the CLI would; 422 with every bad record's line and field."""
    name = Path(file.filename or "upload.jsonl").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            while chunk := await file.read(1 << 20):
                out.write(chunk)
        try:
            report = import_file(db, slug, path, schema=schema or None, skip_invalid=skip_invalid,
                                 rejects_path=Path(tmp) / "rejects.jsonl", created_by=user_id, prep=prep)
        except ImportFailed as e:
            raise HTTPException(422, {"message": str(e), "issues": e.report.issue_lines(100)}) from None
        except (ContainerError, SchemaError, MappingError) as e:
            raise HTTPException(422, str(e)) from None
    return ImportOut(
        records=report.records, record_schema=report.schema, items_added=report.items_added,
        items_existing=report.items_existing, responses_added=report.responses_added,
        judgements_added=report.judgements_added, judgements_updated=report.judgements_updated,
        rejected=report.rejected, issues=report.issue_lines(100), prep=report.prep,
    )


@router.get("/projects/{slug}/export", summary="Download the project's data (wide or long form)",
            response_class=FileResponse)
def export(
    slug: str,
    db: DB,
    user: CurrentUser,
    form: Annotated[Literal["wide", "long"], Query(description="wide: a row per item; long: a row per answer.")] = "wide",
    container: Annotated[Literal["jsonl", "json", "csv", "tsv", "parquet", "xlsx"], Query()] = "jsonl",
    include_drafts: bool = False,
) -> FileResponse:
    with db.session() as session:
        if not sees_all_projects(session, user):
            # A vendor's people must not download the lab's (or other vendors') judgements.
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins and the lab's managers export")
        visible_project(session, user, slug)
    tmp = tempfile.mkdtemp(prefix="assay-export-")
    path = Path(tmp) / f"{slug}-{form}.{container}"
    export_project(db, slug, path, form=form, container=container, include_drafts=include_drafts,
                   xlsx_overflow="split")
    return FileResponse(path, filename=path.name, background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))


class AnswerRow(BaseModel):
    item: str = Field(description="The item's external id, else its content hash.")
    annotator: str
    question: str
    response: str | None = Field(description="Response letter for per-response questions.")
    value: Any
    submitted_at: str | None


class AnswerPage(BaseModel):
    rows: list[AnswerRow]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null at the end.")


@router.get("/projects/{slug}/judgements", response_model=AnswerPage, summary="Submitted answers, long form")
def judgements(
    slug: str,
    db: DB,
    user: CurrentUser,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 10_000,
) -> AnswerPage:
    _require(user, READERS)
    with db.session() as session:
        project = visible_project(session, user, slug)
        scope = scope_org(session, user)  # a vendor's people read their own organization's work only
        rows = session.execute(
            select(JudgementAnswer, Item.external_id, Item.content_hash, User.username, Judgement.submitted_at)
            .join(Judgement, Judgement.id == JudgementAnswer.judgement_id)
            .join(Item, Item.id == JudgementAnswer.item_id)
            .join(User, User.id == JudgementAnswer.user_id)
            .where(JudgementAnswer.project_id == project.id, JudgementAnswer.id > cursor,
                   Judgement.status == JudgementStatus.submitted,
                   *([User.org_id == scope] if scope is not None else []))
            .order_by(JudgementAnswer.id)
            .limit(limit)
        ).all()
        letters = _letters(session, {a.response_id for a, *_ in rows if a.response_id is not None})
        out = [
            AnswerRow(item=ext or h, annotator=name, question=a.question,
                      response=letters.get(a.response_id) if a.response_id else None, value=a.value,
                      submitted_at=at.isoformat() if at else None)
            for a, ext, h, name, at in rows
        ]
        return AnswerPage(rows=out, next_cursor=rows[-1][0].id if len(rows) == limit else None)


def _letters(session: Any, response_ids: set[int]) -> dict[int, str]:
    if not response_ids:
        return {}
    items = select(Response.item_id).where(Response.id.in_(response_ids)).scalar_subquery()
    out: dict[int, str] = {}
    current, index = None, 0
    for rid, item_id in session.execute(
        select(Response.id, Response.item_id).where(Response.item_id.in_(items)).order_by(Response.item_id, Response.position)
    ):
        index = index + 1 if item_id == current else 0
        current = item_id
        out[rid] = chr(ord("A") + index)
    return out
