"""Log in, log out, and personal settings (language, keyboard shortcuts)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assay.web.api._deps import DB, SESSION_COOKIE
from assay.web.ui._base import MaybeWho, Who, check_csrf, load_user, page, redirect, safe_next
from assay.web.ui._i18n import LOCALES, normalize_locale
from assay.web.ui.shortcuts import ACTIONS, parse_shortcuts
from assay.work.sessions import SESSION_LIFETIME, LoginFailed, log_in, log_out

router = APIRouter(include_in_schema=False)

# Before login there is no session to hold a CSRF token, so the login form uses a double-submit
# cookie: a random value set with the form, which the POST must echo in a field.
LOGIN_CSRF_COOKIE = "assay_login_csrf"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, who: MaybeWho, next: str = "/") -> Response:
    if who is not None:
        return redirect(safe_next(next))
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", None, next=safe_next(next), login_csrf=token, error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        max_age=3600)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, db: DB) -> Response:
    form = await request.form()
    sent, expected = str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    next_url = safe_next(str(form.get("next", "/")))
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the login form expired; reload the page and try again")
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    failed: LoginFailed | None = None
    with db.write_session() as session:
        try:
            opened = log_in(session, username, password)
        except LoginFailed as e:
            failed = e  # caught inside the transaction, so the failure count is committed
    if failed is not None:
        code = status.HTTP_429_TOO_MANY_REQUESTS if failed.retry_after else status.HTTP_401_UNAUTHORIZED
        response = page(request, "login.html", None, status_code=code, next=next_url, login_csrf=expected,
                        error=str(failed), retry_after=failed.retry_after, username=username)
        if failed.retry_after:
            response.headers["Retry-After"] = str(failed.retry_after)
        return response
    done = redirect(next_url)
    done.set_cookie(SESSION_COOKIE, opened.token, httponly=True, samesite="lax", secure=_secure(request),
                        max_age=int(SESSION_LIFETIME.total_seconds()), path="/")
    done.delete_cookie(LOGIN_CSRF_COOKIE)
    return done


@router.post("/logout")
async def logout(request: Request, db: DB, who: Who) -> RedirectResponse:
    await check_csrf(request, who)
    with db.write_session() as session:
        log_out(session, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/settings", response_class=HTMLResponse)
def settings_form(request: Request, who: Who, saved: bool = False) -> Response:
    return page(request, "settings.html", who, actions=ACTIONS, errors=[], saved=saved)


@router.post("/settings", response_class=HTMLResponse)
async def save_settings(request: Request, db: DB, who: Who) -> Response:
    form = await check_csrf(request, who)
    locale = normalize_locale(str(form.get("locale", who.locale)))
    shortcuts, errors = parse_shortcuts({a.name: str(form.get(f"key_{a.name}", "")) for a in ACTIONS})
    if errors:
        return page(request, "settings.html", who, status_code=422, actions=ACTIONS, errors=errors, saved=False)
    with db.write_session() as session:
        user = load_user(session, who)
        user.locale = locale if locale in LOCALES else user.locale
        user.shortcuts = shortcuts or None
    return redirect("/settings?saved=1")
