"""Projects as the API shows them: admins and lab managers see all; others the projects they work on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from assay.store import Organization, OrgKind, Project, ProjectMember, Role, User
from assay.store.projects import ProjectNotFound, get_project, load_project_spec, summarize
from assay.web.api._deps import DB, CurrentUser

router = APIRouter(tags=["projects"])


class ProjectOut(BaseModel):
    slug: str = Field(description="Stable identifier used in URLs and the CLI.")
    name: str
    spec_version: int = Field(description="Current version of the project spec.")
    items: int
    responses: int
    judgements_submitted: int


class ProjectDetail(ProjectOut):
    spec: dict[str, Any] = Field(description="The project spec (questions, layout, guidelines, casebook...).")


def sees_all_projects(session: Any, user: User) -> bool:
    if user.role == Role.admin:
        return True
    if user.role != Role.manager:
        return False
    org = session.get(Organization, user.org_id)
    return org is not None and org.kind == OrgKind.lab


def visible_project(session: Any, user: User, slug: str) -> Project:
    """The project, if this user may see it; 404 otherwise (not 403: do not confirm it exists)."""
    try:
        project = get_project(session, slug)
    except ProjectNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no project {slug!r}") from None
    if sees_all_projects(session, user):
        return project
    member = session.scalar(
        select(ProjectMember.id).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user.id)
    )
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no project {slug!r}")
    return project


def _out(session: Any, project: Project) -> ProjectOut:
    s = summarize(session, project)
    return ProjectOut(slug=s.slug, name=s.name, spec_version=s.spec_version, items=s.items, responses=s.responses,
                      judgements_submitted=s.judgements_submitted)


@router.get("/projects", response_model=list[ProjectOut], summary="Projects you can see")
def list_projects(db: DB, user: CurrentUser) -> list[ProjectOut]:
    with db.session() as session:
        stmt = select(Project).order_by(Project.slug)
        if not sees_all_projects(session, user):
            stmt = stmt.join(ProjectMember, ProjectMember.project_id == Project.id).where(ProjectMember.user_id == user.id)
        return [_out(session, p) for p in session.scalars(stmt)]


@router.get("/projects/{slug}", response_model=ProjectDetail, summary="One project with its spec")
def get_one(slug: str, db: DB, user: CurrentUser) -> ProjectDetail:
    with db.session() as session:
        project = visible_project(session, user, slug)
        spec = load_project_spec(session, project)
        return ProjectDetail(**_out(session, project).model_dump(), spec=spec.to_json_dict())
