"""`assay demo`: a working workspace in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from assay.cli._common import console, friendly_errors
from assay.config import DB_FILENAME
from assay.demo.workspace import DEMO_PASSWORD, DEMO_USERS, build_demo
from assay.store import open_database


@friendly_errors
def demo(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Option("--dir", help="Demo workspace folder (holds assay.db and the sample data files).")] = Path("assay-demo"),
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the web app afterwards (default) or only build the workspace.")] = True,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Create (or reuse) the demo workspace: four example projects with a few hundred items, and demo
    users; then serve the web app and print where to log in.

    Example: assay demo --dir /tmp/assay-demo --port 8000
    """
    url = ctx.ensure_object(dict).get("db_url") or str(directory / DB_FILENAME)
    db = open_database(url)
    with console.status("building the demo workspace") as status:
        summary = build_demo(db, directory, progress=lambda slug: status.update(f"importing {slug}"))
    table = Table("project", "items", "responses", "judgements", title="Demo projects")
    for slug, (items, responses, judgements) in summary.counts.items():
        table.add_row(slug, str(items), str(responses), str(judgements))
    console.print(table)
    users = Table("username", "role", "organisation", title=f"Demo users (password: {DEMO_PASSWORD})")
    for u in DEMO_USERS:
        users.add_row(u.username, u.role.value, u.org)
    console.print(users)
    state = "Created" if summary.projects_added else "Reused"
    console.print(f"{state} the demo workspace in {directory.resolve()} (database {summary.database}).")
    console.print(f"Sample import files: {directory / 'data'}")
    console.print(f"Try: assay --db {directory / DB_FILENAME} project show stem-rubric")
    if not serve:
        return
    import uvicorn

    from assay.web import create_app

    app = create_app(db)
    console.print(f"\n[bold]Open http://{host}:{port}/ and log in as [green]annotator[/green] "
                  f"with password [green]{DEMO_PASSWORD}[/green][/bold] (or manager, reviewer, li.wei for Chinese). "
                  "Press Ctrl+C to stop.")
    uvicorn.run(app, host=host, port=port, log_level="warning")
