"""Browser login: passwords, session cookies, CSRF, throttling, logout, password reset."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assay.cli import app as cli
from assay.store import User
from tests.web.conftest import PASSWORD, World, csrf_of


def _login(c: TestClient, username: str, password: str, next_url: str = "/") -> object:
    token = csrf_of(c.get("/login").text)
    return c.post("/login", data={"username": username, "password": password, "csrf": token, "next": next_url},
                  follow_redirects=False)


def test_pages_need_login_and_redirect_back(world: World) -> None:
    c = TestClient(world.client.app)
    r = c.get(f"/p/{world.slug}/history", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/login?next=/p/{world.slug}/history"
    r = _login(c, "annotator", PASSWORD, next_url=f"/p/{world.slug}/history")
    assert r.status_code == 303 and r.headers["location"] == f"/p/{world.slug}/history"  # type: ignore[attr-defined]
    assert c.get(f"/p/{world.slug}/history").status_code == 200


def test_session_cookie_is_httponly_and_samesite(world: World) -> None:
    c = TestClient(world.client.app)
    r = _login(c, "annotator", PASSWORD)
    cookie = r.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "assay_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert PASSWORD not in cookie


def test_wrong_password_and_unknown_user_look_the_same(world: World) -> None:
    c = TestClient(world.client.app)
    a, b = _login(c, "annotator", "nope-nope"), _login(c, "nobody", "nope-nope")
    assert a.status_code == b.status_code == 401  # type: ignore[attr-defined]
    assert "wrong username or password" in a.text and "wrong username or password" in b.text  # type: ignore[attr-defined]


def test_login_form_needs_its_csrf_token(world: World) -> None:
    c = TestClient(world.client.app)
    c.get("/login")
    r = c.post("/login", data={"username": "annotator", "password": PASSWORD, "csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    fresh = TestClient(world.client.app)  # no cookie at all: a cross-site form post
    r = fresh.post("/login", data={"username": "annotator", "password": PASSWORD, "csrf": ""}, follow_redirects=False)
    assert r.status_code == 403


def test_throttling_locks_the_account_even_for_the_right_password(world: World) -> None:
    c = TestClient(world.client.app)
    for _ in range(5):
        assert _login(c, "annotator", "wrong-password").status_code in (401, 429)  # type: ignore[attr-defined]
    r = _login(c, "annotator", PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    # An admin's password reset unlocks it.
    with world.db.session() as s:
        assert s.query(User).filter_by(username="annotator").one().locked_until is not None
    result = CliRunner().invoke(cli, ["--db", world.db.url, "user", "passwd", "annotator", "--password-stdin"],
                                input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert _login(c, "annotator", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_open_redirects_are_refused(world: World) -> None:
    c = TestClient(world.client.app)
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = _login(TestClient(world.client.app), "annotator", PASSWORD, next_url=evil)
        assert r.headers["location"] == "/"  # type: ignore[attr-defined]
    assert c is not None


def test_logout_needs_csrf_and_ends_the_session(world: World) -> None:
    c = world.login("annotator")
    page = c.get("/").text
    assert c.post("/logout", data={"csrf": "forged"}, follow_redirects=False).status_code == 403
    assert c.get("/", follow_redirects=False).status_code == 200
    cookie = c.cookies.get("assay_session")
    assert c.post("/logout", data={"csrf": csrf_of(page)}, follow_redirects=False).status_code == 303
    stale = TestClient(world.client.app, cookies={"assay_session": cookie or ""})
    assert stale.get("/", follow_redirects=False).status_code == 303


def test_password_reset_ends_browser_sessions(world: World) -> None:
    c = world.login("annotator")
    assert c.get("/", follow_redirects=False).status_code == 200
    result = CliRunner().invoke(cli, ["--db", world.db.url, "user", "passwd", "annotator", "--password-stdin"],
                                input="a-new-password-1\n")
    assert result.exit_code == 0 and "ended 1" in result.output
    assert c.get("/", follow_redirects=False).status_code == 303


def test_api_with_cookie_needs_the_csrf_header(world: World) -> None:
    c = world.login("annotator")
    assert c.get("/api/projects").status_code == 200  # reading needs no token
    body = {"answers": {}, "responses": 2}
    assert c.post(f"/api/projects/{world.slug}/visibility", json=body).status_code == 403
    token = csrf_of(c.get("/").text)
    r = c.post(f"/api/projects/{world.slug}/visibility", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json() == {"hidden": []}


def test_settings_language_and_shortcuts(world: World) -> None:
    c = world.login("annotator")
    token = csrf_of(c.get("/settings").text)
    r = c.post("/settings", data={"csrf": token, "locale": "zh", "key_submit": "Ctrl+s", "key_skip": ""},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get("/settings").text
    assert 'lang="zh-Hans"' in page and 'value="Ctrl+s"' in page
    clash = c.post("/settings", data={"csrf": token, "locale": "zh", "key_submit": "a"})
    assert clash.status_code == 422 and re.search("prefer_a", clash.text)
    assert c.post("/settings", data={"csrf": token, "key_help": "5"}).status_code == 422
