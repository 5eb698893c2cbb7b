"""The workspace in real Chromium (Debian's `chromium`, driven by Playwright): an annotator logs in and
completes a task of every question kind with the keyboard only; untrusted content stays inert; a
reviewer rejects; the annotator reworks it from the inbox; the manager sees the progress; the
Chinese UI renders."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assay.store import Judgement, JudgementStatus, User, open_database
from assay.web import create_app
from assay.work import add_user
from tests.web.conftest import PASSWORD, World, build_world, serve_in_thread

pytestmark = [pytest.mark.slow, pytest.mark.browser]
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, World]]:
    db = open_database(f"sqlite:///{tmp_path / 'browser.db'}")
    world = build_world(db, tmp_path)
    with db.write_session() as s:
        add_user(s, "zh.user", "annotator", org="Lab", password=PASSWORD, locale="zh")
    with serve_in_thread(create_app(db)) as url:
        yield url, world
    db.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); scripts/test installs it")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.wait_for_selector("input[name=username]:focus")  # autofocus: no click needed
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")


def _do_task_with_keyboard(page: Any) -> None:
    """Answer every question of the all-kinds project using only the keyboard, then submit."""
    page.wait_for_selector("fieldset.q.active")
    plain = page.evaluate("document.querySelector('pre.plain[data-letter=A]').dataset.text")
    k = page.keyboard
    k.press("4")                       # accuracy (A): 4
    k.press("j")                       # -> problems (A): mark a span by typing its text
    k.press("m")
    page.wait_for_selector("#find-dialog[open]")
    k.type(plain[:6])
    k.press("Enter")
    page.wait_for_selector("fieldset.q.picking")
    k.press("2")                       # label 2: factual_error
    k.press("j")                       # -> accuracy (B): 2
    k.press("2")
    k.press("j")                       # -> problems (B): none
    k.press("j")                       # -> verdict: option 1
    k.press("1")
    k.press("j")                       # -> compare: A is better
    k.press("a")
    k.press("j")                       # -> rank: select row 2 (B), move it up
    k.press("2")
    k.press("u")
    k.press("j")                       # -> text: write, leave the box
    k.press("e")
    k.type("A is right; B guesses.")
    k.press("Escape")
    with page.expect_navigation():
        k.press("Control+Enter")


def test_annotator_reviewer_manager_in_chromium(server: tuple[str, World], browser: Any) -> None:
    base, world = server
    dialogs: list[str] = []
    stray: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: stray.append(r.url) if not r.url.startswith(base) or r.url.endswith("/x") else None)

    _login(page, base, "annotator")
    page.goto(f"{base}/p/{world.slug}/work")
    done = 0
    while "/task/" in page.url:
        _do_task_with_keyboard(page)
        done += 1
        assert done <= 4
    assert done == 4, "the annotator should get all four items (overlap 2)"
    assert not dialogs, f"content opened a dialog: {dialogs}"
    assert not stray, f"content made requests: {stray}"

    with world.db.session() as s:
        uid = s.scalar(select(User.id).where(User.username == "annotator"))
        rows = list(s.scalars(select(Judgement).where(Judgement.user_id == uid)))
    assert len(rows) == 4 and all(j.status == JudgementStatus.submitted for j in rows)
    j = rows[0]
    spans_a = next(iter(j.answers["issues"].values()))
    assert j.answers["verdict"] == "good" and j.answers["pref"]["winner"] == "A"
    assert j.answers["order"] == ["B", "A"] and j.answers["why"] == "A is right; B guesses."
    assert [s["label"] for s in spans_a] == ["factual_error"] and spans_a[0]["start"] == 0
    assert sorted(j.answers["accuracy"].values()) == [2, 4]
    assert all((r.time_spent_ms or 0) > 0 for r in rows)

    # A reviewer rejects the first one with a comment.
    reviewer = browser.new_page()
    _login(reviewer, base, "reviewer")
    reviewer.goto(f"{base}/p/{world.slug}/review/{j.id}")
    reviewer.fill("textarea[name=comment]", "Response B's sum is wrong; explain why in more detail.")
    with reviewer.expect_navigation():
        reviewer.click("button[value=reject]")

    # The annotator sees it in the inbox and reworks it.
    page.goto(f"{base}/inbox")
    assert "explain why in more detail" in page.text_content("main")
    with page.expect_navigation():
        page.click("text=Rework this task")
    page.wait_for_selector("fieldset.q.active")
    assert page.input_value("fieldset#q-why textarea") == "A is right; B guesses."
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.keyboard.press("End")
    page.keyboard.type(" B adds 1 to the right answer.")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    with world.db.session() as s:
        again = s.get(Judgement, j.id)
        assert again is not None and again.status == JudgementStatus.submitted
        assert again.answers["why"].endswith("B adds 1 to the right answer.")

    # The manager sees the progress.
    manager = browser.new_page()
    _login(manager, base, "manager")
    manager.goto(f"{base}/p/{world.slug}/manage")
    row = manager.text_content("tr[data-user=annotator] td.submitted")
    assert row is not None and row.strip() == "4"


def test_chinese_ui_renders(server: tuple[str, World], browser: Any) -> None:
    base, _world = server
    page = browser.new_page()
    _login(page, base, "zh.user")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    nav = page.text_content("header nav") or ""
    assert "项目" in nav and "Projects" not in nav
    assert re.search(r"[\u4e00-\u9fff]", page.text_content("main") or "")
