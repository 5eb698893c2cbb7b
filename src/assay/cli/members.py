"""`assay member ...`: who works on a project, with which skills."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from assay.cli._common import console, db_from, fail, friendly_errors
from assay.store.projects import get_project
from assay.work import get_user
from assay.work.members import add_member, list_members

app = typer.Typer(help="Add project members and their skills (routing matches items to them).", no_args_is_help=True)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@app.command(epilog="Example: assay member add stem-rubric li.wei --domains STEM,Reasoning --languages zh,en")
@friendly_errors
def add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project slug.")],
    username: Annotated[str, typer.Argument(help="An existing user (assay user add).")],
    domains: Annotated[str, typer.Option("--domains", help="Comma-separated domains this person handles (empty: any).")] = "",
    languages: Annotated[str, typer.Option("--languages", help="Comma-separated language codes (empty: any).")] = "",
) -> None:
    """Add a user to a project, or update their skills."""
    db = db_from(ctx)
    with db.write_session() as session:
        proj = get_project(session, project)
        user = get_user(session, username)
        if user is None:
            fail(f"no user {username!r} (add them with: assay user add {username})")
        from assay.store.projects import load_project_spec

        spec = load_project_spec(session, proj)
        canonical = [spec.canonical_domain(d)[0] for d in _split(domains)]
        add_member(session, proj, user, domains=canonical, languages=_split(languages))
    console.print(f"{username} works on {project}" + (f" ({', '.join(canonical)})" if canonical else ""))


@app.command("list", epilog="Example: assay member list stem-rubric")
@friendly_errors
def list_(ctx: typer.Context, project: Annotated[str, typer.Argument(help="Project slug.")]) -> None:
    """List a project's members and their skills."""
    db = db_from(ctx)
    table = Table("username", "role", "domains", "languages", "active")
    with db.session() as session:
        for member, user in list_members(session, get_project(session, project)):
            table.add_row(user.username, user.role.value, ", ".join(member.domains) or "any",
                          ", ".join(member.languages) or "any", "yes" if member.active else "no")
    console.print(table)
