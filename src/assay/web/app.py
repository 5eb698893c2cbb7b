"""Building the FastAPI application around one database."""

from __future__ import annotations

from fastapi import FastAPI

from assay import __version__
from assay.store import Database, open_database
from assay.web.api import router as api_router


def create_app(db: Database | None = None) -> FastAPI:
    """The Assay web app on `db` (default: the configured database). Stateless: run as many as needed."""
    app = FastAPI(
        title="Assay",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.db = db or open_database()
    app.include_router(api_router, prefix="/api")
    return app
