"""`assay init` and `assay project ...`: project definitions."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from assay.cli._common import console, db_from, fail, friendly_errors
from assay.spec import TEMPLATES, load_spec, template_path
from assay.store.projects import (
    create_project,
    get_project,
    list_projects,
    load_project_spec,
    summarize,
    update_spec,
)

app = typer.Typer(help="Create, list, show and validate projects.", no_args_is_help=True)


@friendly_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write the project file.")] = Path("."),
    template: Annotated[str, typer.Option("--template", "-t", help="Template name (see --list).")] = "stem-rubric",
    list_templates: Annotated[bool, typer.Option("--list", help="List the templates and exit.")] = False,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Start a new project from a template: writes DIRECTORY/<template>.yaml to edit and then create.

    Example: assay init my-eval --template pairwise-preference
    """
    if list_templates:
        for name, description in TEMPLATES.items():
            console.print(f"[bold]{name}[/]  {description}")
        return
    if template not in TEMPLATES:
        fail(f"unknown template {template!r}; expected one of {', '.join(TEMPLATES)}")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{template}.yaml"
    if target.exists() and not force:
        fail(f"{target} already exists (use --force to overwrite)")
    shutil.copyfile(template_path(template), target)
    console.print(f"Wrote {target}. Edit it, then:\n  assay project validate {target}\n  assay project create {target}")


@app.command(epilog="Example: assay project create stem-rubric.yaml")
@friendly_errors
def create(
    ctx: typer.Context,
    spec_file: Annotated[Path, typer.Argument(help="The project YAML file.", exists=True, dir_okay=False)],
    update: Annotated[bool, typer.Option("--update", help="If the project exists, save this as its next spec version.")] = False,
) -> None:
    """Create a project from its YAML file (or, with --update, save a new version of its spec)."""
    spec = load_spec(spec_file)
    db = db_from(ctx)
    with db.write_session() as session:
        existing = [p for p in list_projects(session) if p.slug == spec.slug]
        if existing and update:
            version = update_spec(session, existing[0], spec)
            console.print(f"Project [bold]{spec.slug}[/] is at spec version {version}.")
            return
        create_project(session, spec)
    console.print(f"Created project [bold]{spec.slug}[/] ({spec.name}) with {len(spec.questions)} questions.")


@app.command("list", epilog="Example: assay project list")
@friendly_errors
def list_(ctx: typer.Context) -> None:
    """List projects with their item, response and judgement counts."""
    db = db_from(ctx)
    table = Table("project", "name", "spec", "items", "responses", "submitted", "drafts")
    with db.session() as session:
        for p in list_projects(session):
            s = summarize(session, p)
            table.add_row(s.slug, s.name, f"v{s.spec_version}", str(s.items), str(s.responses),
                          str(s.judgements_submitted), str(s.judgements_draft))
    console.print(table)


@app.command(epilog="Example: assay project show stem-rubric --json")
@friendly_errors
def show(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Project slug.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary and spec as JSON.")] = False,
) -> None:
    """Show a project: counts, questions, distribution settings."""
    db = db_from(ctx)
    with db.session() as session:
        project = get_project(session, slug)
        spec = load_project_spec(session, project)
        s = summarize(session, project)
    if as_json:
        out = {"summary": s.__dict__, "spec": spec.to_json_dict()}
        console.print_json(orjson.dumps(out).decode())
        return
    console.print(f"[bold]{s.slug}[/] — {s.name} (spec v{s.spec_version}, guidelines v{spec.guidelines.version})")
    console.print(f"items {s.items}, responses {s.responses}, judgements submitted {s.judgements_submitted}, drafts {s.judgements_draft}")
    table = Table("question", "kind", "per response", "required", "title")
    for q in spec.questions:
        table.add_row(q.key, q.kind.value, "yes" if q.per_response else "", "yes" if q.required else "", q.title)
    console.print(table)
    d = spec.distribution
    console.print(f"overlap {d.overlap}, gold rate {d.gold_rate:.0%}, lease {d.lease_minutes} min, languages {', '.join(spec.languages)}")


@app.command(epilog="Example: assay project validate stem-rubric.yaml")
@friendly_errors
def validate(spec_file: Annotated[Path, typer.Argument(help="The project YAML file.", exists=True, dir_okay=False)]) -> None:
    """Check a project YAML file; every problem is reported with its line and YAML path."""
    spec = load_spec(spec_file)
    console.print(f"{spec_file}: OK — project [bold]{spec.slug}[/], {len(spec.questions)} questions, "
                  f"{len(spec.casebook.cases)} casebook cases, guidelines v{spec.guidelines.version}")
