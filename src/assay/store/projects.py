"""Projects and their spec versions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assay.spec import ProjectSpec
from assay.store._models import Item, Judgement, JudgementStatus, Project, Response, SpecVersion


class ProjectNotFound(LookupError):
    def __init__(self, slug: str, known: list[str]) -> None:
        hint = f"; known projects: {', '.join(known)}" if known else "; there are no projects yet (assay project create)"
        super().__init__(f"no project {slug!r}{hint}")


class ProjectExists(ValueError):
    pass


def create_project(session: Session, spec: ProjectSpec, *, created_by: int | None = None) -> Project:
    if session.scalar(select(Project.id).where(Project.slug == spec.slug)) is not None:
        raise ProjectExists(f"project {spec.slug!r} already exists; use --update to save a new spec version")
    project = Project(slug=spec.slug, name=spec.name, description=spec.description, current_spec_version=1)
    session.add(project)
    session.flush()
    session.add(_version_row(project.id, 1, spec, created_by))
    return project


def update_spec(session: Session, project: Project, spec: ProjectSpec, *, created_by: int | None = None) -> int:
    """Save `spec` as the project's next version if it differs from the current one; return the version."""
    if spec.slug != project.slug:
        raise ValueError(f"spec slug {spec.slug!r} does not match project {project.slug!r}")
    current = current_spec_row(session, project)
    if current.spec_hash == spec.spec_hash():
        return current.version
    version = current.version + 1
    session.add(_version_row(project.id, version, spec, created_by))
    project.current_spec_version = version
    project.name = spec.name
    project.description = spec.description
    return version


def _version_row(project_id: int, version: int, spec: ProjectSpec, created_by: int | None) -> SpecVersion:
    return SpecVersion(
        project_id=project_id,
        version=version,
        spec=spec.to_json_dict(),
        spec_hash=spec.spec_hash(),
        guidelines_version=spec.guidelines.version,
        casebook_version=spec.casebook.version,
        created_by=created_by,
    )


def get_project(session: Session, slug: str) -> Project:
    project = session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise ProjectNotFound(slug, list(session.scalars(select(Project.slug).order_by(Project.slug))))
    return project


def current_spec_row(session: Session, project: Project) -> SpecVersion:
    row = session.scalar(
        select(SpecVersion).where(
            SpecVersion.project_id == project.id, SpecVersion.version == project.current_spec_version
        )
    )
    assert row is not None, "a project always has its current spec version"
    return row


# Spec versions never change once saved, so a parsed spec can be shared by its hash: every API
# request needs the spec, and validating it again each time cost more than the request's queries.
_SPECS: dict[str, ProjectSpec] = {}
_SPECS_MAX = 256


def load_project_spec(session: Session, project: Project) -> ProjectSpec:
    row = current_spec_row(session, project)
    spec = _SPECS.get(row.spec_hash)
    if spec is None:
        spec = ProjectSpec.model_validate(row.spec)
        if len(_SPECS) >= _SPECS_MAX:
            _SPECS.clear()
        _SPECS[row.spec_hash] = spec
    return spec


@dataclass(frozen=True)
class ProjectSummary:
    slug: str
    name: str
    spec_version: int
    items: int
    responses: int
    judgements_submitted: int
    judgements_draft: int


def summarize(session: Session, project: Project) -> ProjectSummary:
    def count(stmt: object) -> int:
        return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]

    per_status = dict(
        session.execute(
            select(Judgement.status, func.count()).where(Judgement.project_id == project.id).group_by(Judgement.status)
        ).all()
    )
    return ProjectSummary(
        slug=project.slug,
        name=project.name,
        spec_version=project.current_spec_version,
        items=count(select(func.count()).select_from(Item).where(Item.project_id == project.id)),
        responses=count(select(func.count()).select_from(Response).where(Response.project_id == project.id)),
        judgements_submitted=int(per_status.get(JudgementStatus.submitted, 0)),
        judgements_draft=int(per_status.get(JudgementStatus.draft, 0)),
    )


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).order_by(Project.slug)))
