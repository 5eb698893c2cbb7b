"""Project membership: who works on a project, and the skills routing matches against."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assay.store._models import Project, ProjectMember, User


def add_member(
    session: Session,
    project: Project,
    user: User,
    *,
    domains: Sequence[str] = (),
    languages: Sequence[str] = (),
) -> ProjectMember:
    """Add `user` to `project` (or update their skills if already a member)."""
    member = session.scalar(
        select(ProjectMember).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user.id)
    )
    if member is None:
        member = ProjectMember(project_id=project.id, user_id=user.id)
        session.add(member)
    member.domains = list(domains)
    member.languages = list(languages)
    member.active = True
    session.flush()
    return member


def get_member(session: Session, project_id: int, user_id: int) -> ProjectMember | None:
    return session.scalar(
        select(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user_id, ProjectMember.active.is_(True)
        )
    )


def list_members(session: Session, project: Project) -> list[tuple[ProjectMember, User]]:
    rows = session.execute(
        select(ProjectMember, User)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project.id)
        .order_by(User.username)
    ).all()
    return [(m, u) for m, u in rows]
