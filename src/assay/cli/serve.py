"""`assay serve`: the web app and API on this machine's database."""

from __future__ import annotations

from typing import Annotated

import typer

from assay.cli._common import console, db_from, friendly_errors


@friendly_errors
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the Assay API (OpenAPI docs at /api/docs).

    Example: assay serve --port 8000
    """
    import uvicorn

    from assay.web import create_app

    app = create_app(db_from(ctx))
    console.print(f"Assay on http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
