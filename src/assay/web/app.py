"""Building the FastAPI application around one database."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assay import __version__
from assay.store import Database, open_database
from assay.web.api import router as api_router
from assay.web.render import pygments_css
from assay.web.ui import router as ui_router
from assay.web.ui._base import LoginRequired, login_url, optional_viewer, page, redirect
from assay.web.ui._i18n import translator


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
    app.include_router(ui_router)
    css = pygments_css()

    @app.get("/static/pygments.css", include_in_schema=False)
    def pygments() -> Response:
        return PlainTextResponse(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    app.mount("/static", StaticFiles(directory=str(files("assay.web").joinpath("static"))), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return redirect(login_url(exc.next_url))

    @app.exception_handler(StarletteHTTPException)
    async def html_errors(request: Request, exc: StarletteHTTPException) -> Response:
        # The API answers JSON; pages answer a page in the viewer's language.
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return await http_exception_handler(request, exc)
        who = optional_viewer(request, request.app.state.db)
        _ = translator(who.locale if who else "en")
        titles = {403: _("Not allowed"), 404: _("Not found")}
        return page(request, "error.html", who, status_code=exc.status_code,
                    title=titles.get(exc.status_code, _("Something went wrong")), message=str(exc.detail))

    return app
