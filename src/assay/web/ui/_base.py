"""What every page shares: the signed-in user, CSRF checks, templates, translation and redirects.

Pages are rendered on the server with Jinja2 (autoescaping on); content from items and model
responses goes through `assay.web.render`, which escapes raw HTML and sanitises the result, so a
template never marks untrusted text safe by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from assay import __version__
from assay.store import Database, Organization, OrgKind, Role, User
from assay.web.api._deps import SESSION_COOKIE, get_db
from assay.web.ui._i18n import LOCALES, Translate, normalize_locale, translator
from assay.work.sessions import session_for

CSRF_FIELD = "csrf"


@dataclass
class Viewer:
    """The signed-in person as pages need them (detached from any database session)."""

    id: int
    username: str
    display_name: str
    role: Role
    org_id: int
    org_name: str
    org_is_vendor: bool
    locale: str
    shortcuts: dict[str, str]
    csrf: str

    @property
    def is_staff(self) -> bool:
        """Managers and admins: project set-up, progress, import and export."""
        return self.role in (Role.admin, Role.manager)

    @property
    def reviews(self) -> bool:
        return self.role in (Role.admin, Role.manager, Role.reviewer)


class LoginRequired(Exception):
    """Raised by `viewer` when no valid session is present; answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def _viewer(request: Request, db: Database) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with db.session() as session:
        found = session_for(session, token)
        if found is None:
            return None
        user, web_session = found
        org = session.get(Organization, user.org_id)
        assert org is not None
        return Viewer(
            id=user.id, username=user.username, display_name=user.display_name or user.username,
            role=Role(user.role), org_id=org.id, org_name=org.name, org_is_vendor=org.kind == OrgKind.vendor,
            locale=normalize_locale(user.locale), shortcuts=dict(user.shortcuts or {}), csrf=web_session.csrf_token,
        )


def viewer(request: Request, db: Annotated[Database, Depends(get_db)]) -> Viewer:
    """Dependency: the signed-in person, else a redirect to the login page."""
    found = _viewer(request, db)
    if found is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return found


def optional_viewer(request: Request, db: Annotated[Database, Depends(get_db)]) -> Viewer | None:
    return _viewer(request, db)


async def check_csrf(request: Request, who: Viewer) -> dict[str, Any]:
    """The submitted form, after checking its CSRF field against the session's token."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD, ""))
    if not secrets.compare_digest(sent.encode(), who.csrf.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token; reload the page and try again")
    return dict(form)


def require(condition: bool) -> None:
    """Pages a role may not use answer 404: they do not confirm that the thing exists."""
    if not condition:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")


def safe_next(url: str | None) -> str:
    """Only same-site paths, so a login link cannot bounce the user to another site."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")


_env = Environment(
    loader=FileSystemLoader(str(files("assay.web").joinpath("templates"))),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(request: Request, template: str, who: Viewer | None, *, status_code: int = 200,
         locale: str | None = None, **context: Any) -> HTMLResponse:
    """Render a page in the viewer's language."""
    lang = locale or (who.locale if who else normalize_locale(request.headers.get("accept-language")))
    _: Translate = translator(lang)
    html = _env.get_template(template).render(
        request=request, who=who, _=_, lang=lang, locales=LOCALES, version=__version__, csrf_field=CSRF_FIELD,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


# Content Security Policy: scripts and styles only from this server, no inline script, nothing
# framed, no plugins. Model output is sanitised anyway; this is the second lock on the door.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def load_user(session: Session, who: Viewer) -> User:
    user = session.get(User, who.id)
    assert user is not None
    return user


Who = Annotated[Viewer, Depends(viewer)]
MaybeWho = Annotated[Viewer | None, Depends(optional_viewer)]
