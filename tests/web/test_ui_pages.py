"""The server-rendered pages through the real app: task page, history, inbox, review, manager pages."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from assay.store import Judgement, JudgementStatus
from tests.web.conftest import World, csrf_of

GOOD = {"accuracy": {"A": 4, "B": 2}, "issues": {"A": [], "B": []}, "verdict": "good",
        "pref": {"winner": "A", "strength": None}, "order": ["A", "B"], "why": "A adds correctly."}


def _task(world: World, user: str) -> tuple[object, str, dict]:
    c = world.login(user)
    r = c.get(f"/p/{world.slug}/work", follow_redirects=True)
    assert r.status_code == 200 and "/task/" in str(r.url)
    config = json.loads(re.search(r'<script type="application/json" id="task-config">(.*?)</script>', r.text, re.S).group(1))
    return c, r.text, config


def test_task_page_has_every_question_kind_and_no_secrets(world: World) -> None:
    c, html, config = _task(world, "annotator")
    for block in ("q-accuracy-A", "q-accuracy-B", "q-issues-A", "q-verdict", "q-pref", "q-order", "q-why"):
        assert f'id="{block}"' in html
    assert config["responses"] == ["A", "B"] and config["mode"] == "task"
    assert "m-a" not in html and "m-b" not in html  # model names hidden (layout default)
    assert "Content-Security-Policy" in c.get("/").headers  # type: ignore[attr-defined]


def test_untrusted_content_is_inert(world: World) -> None:
    """Item i0's response A is a script/event-handler/javascript: payload; whoever gets it sees text."""
    for user in ("annotator", "annotator2", "reviewer", "vannotator"):
        c = world.login(user)
        for _ in range(4):
            r = c.get(f"/p/{world.slug}/work", follow_redirects=True)
            if "/task/" not in str(r.url):
                break
            html = r.text
            body = html.split("<main>", 1)[1]
            assert "<script>alert" not in body and "<svg" not in body
            assert not re.search(r"<[^>]+\son\w+\s*=", body), "an event handler attribute reached the page"
            assert not re.search(r'<a\s[^>]*href\s*=\s*"\s*javascript:', body, re.I)
            if "alert(2)" in body:  # this is the payload item: it is shown, as text
                assert "&lt;script&gt;" in body
            config_json = re.search(r'id="task-config">(.*?)</script>', html, re.S).group(1)
            assert "</script" not in config_json.lower()
            aid = int(str(r.url).rsplit("/", 1)[1])
            token = csrf_of(html)
            c.post(f"/api/assignments/{aid}/skip", json={"reason": "next"}, headers={"X-CSRF-Token": token})


def test_submit_through_the_cookie_api_then_edit_from_history(world: World) -> None:
    c, _html, config = _task(world, "annotator")
    headers = {"X-CSRF-Token": config["csrf"]}
    aid = config["target"]
    bad = c.post(f"/api/assignments/{aid}/submit", json={"answers": {**GOOD, "why": "no"}}, headers=headers)
    assert bad.status_code == 422 and any(d["question"] == "why" for d in bad.json()["detail"])
    r = c.post(f"/api/assignments/{aid}/submit", json={"answers": GOOD, "time_spent_ms": 12345}, headers=headers)
    assert r.status_code == 200
    jid = r.json()["judgement_id"]
    history = c.get(f"/p/{world.slug}/history").text
    assert f"/p/{world.slug}/history/{jid}" in history and "12 s" in history
    edit = c.get(f"/p/{world.slug}/history/{jid}")
    assert edit.status_code == 200 and '"mode": "edit"' in edit.text
    changed = {**GOOD, "verdict": "bad"}
    assert c.put(f"/api/judgements/{jid}", json={"answers": changed}, headers=headers).status_code == 200
    with world.db.session() as s:
        j = s.get(Judgement, jid)
        assert j is not None and j.answers["verdict"] == "bad" and j.status == JudgementStatus.submitted
        assert j.time_spent_ms == 12345


def test_consistency_rule_asks_for_confirmation(world: World) -> None:
    c, html, config = _task(world, "annotator")
    headers = {"X-CSRF-Token": config["csrf"]}
    aid = config["target"]
    # Find the item's response A text to mark a valid span in it.
    text = re.search(r'<pre class="plain" data-letter="A" hidden>\n(.*?)</pre>', html, re.S).group(1)
    import html as htmlmod

    quote = htmlmod.unescape(text)[:3]
    answers = {**GOOD, "accuracy": {"A": 5, "B": 2},
               "issues": {"A": [{"start": 0, "end": 3, "label": "hallucination", "quote": quote}], "B": []}}
    r = c.post(f"/api/assignments/{aid}/submit", json={"answers": answers}, headers=headers)
    assert r.status_code == 422
    assert r.json()["detail"] == [{"question": "accuracy", "response": "A",
                                   "message": "Top accuracy with a hallucination?", "confirm": True}]
    r = c.post(f"/api/assignments/{aid}/submit", json={"answers": answers, "confirm": True}, headers=headers)
    assert r.status_code == 200, r.text


def test_review_reject_reaches_the_inbox_and_reopens_the_task(world: World) -> None:
    c, _html, config = _task(world, "annotator")
    aid = config["target"]
    jid = c.post(f"/api/assignments/{aid}/submit", json={"answers": GOOD}, headers={"X-CSRF-Token": config["csrf"]}).json()["judgement_id"]
    rv = world.login("reviewer")
    queue = rv.get(f"/p/{world.slug}/review").text
    assert f"/p/{world.slug}/review/{jid}" in queue
    page = rv.get(f"/p/{world.slug}/review/{jid}").text
    assert "A adds correctly." in page
    no_comment = rv.post(f"/p/{world.slug}/review/{jid}", data={"csrf": csrf_of(page), "verdict": "reject"})
    assert "comment" in no_comment.text
    r = rv.post(f"/p/{world.slug}/review/{jid}", data={"csrf": csrf_of(page), "verdict": "reject",
                                                         "comment": "Response B is not 'Maybe'; say why."},
                follow_redirects=False)
    assert r.status_code == 303
    inbox = c.get("/inbox").text  # type: ignore[attr-defined]
    assert "say why" in inbox and f"/p/{world.slug}/task/{aid}" in inbox
    rework = c.get(f"/p/{world.slug}/task/{aid}").text  # type: ignore[attr-defined]
    assert "A adds correctly." in rework  # the draft comes back for rework


def test_adjudication_sets_final_answers(world: World) -> None:
    for user in ("annotator", "annotator2"):
        c, _html, config = _task(world, user)
        answers = {**GOOD, "verdict": "good" if user == "annotator" else "bad"}
        r = c.post(f"/api/assignments/{config['target']}/submit", json={"answers": answers},
                   headers={"X-CSRF-Token": config["csrf"]})
        assert r.status_code == 200
    with world.db.session() as s:
        item_id = s.scalar(select(Judgement.item_id).limit(1))
    rv = world.login("reviewer")
    page = rv.get(f"/p/{world.slug}/items/{item_id}/adjudicate").text
    assert "annotator" in page and "annotator2" in page
    r = rv.post(f"/p/{world.slug}/items/{item_id}/adjudicate",
                data={"csrf": csrf_of(page), "answers": '{"verdict": "bad"}', "reason": "B is wrong"},
                follow_redirects=True)
    assert r.status_code == 200 and "Final answers" in r.text


def test_manager_sees_progress_and_vendor_manager_only_their_people(world: World) -> None:
    for user in ("annotator", "vannotator"):
        c, _html, config = _task(world, user)
        c.post(f"/api/assignments/{config['target']}/submit", json={"answers": GOOD},
               headers={"X-CSRF-Token": config["csrf"]})
    lab = world.login("manager").get(f"/p/{world.slug}/manage").text
    assert 'data-user="annotator"' in lab and 'data-user="vannotator"' in lab
    assert 'id="import"' in lab and 'id="export"' in lab
    vendor = world.login("vmanager").get(f"/p/{world.slug}/manage").text
    assert 'data-user="vannotator"' in vendor and 'data-user="annotator"' not in vendor
    assert 'id="import"' not in vendor


def test_browser_import_reports_bad_lines_and_imports_nothing(world: World) -> None:
    m = world.login("manager")
    page = m.get(f"/p/{world.slug}/manage").text
    bad = b'{"id": "n1", "prompt": "ok", "responses": ["a", "b"]}\n{not json\n'
    r = m.post(f"/p/{world.slug}/manage/import", data={"csrf": csrf_of(page)}, files={"file": ("new.jsonl", bad)})
    assert r.status_code == 422 and "new.jsonl" in r.text and "line 2" in r.text
    good = b'{"id": "n1", "prompt": "ok", "responses": ["a", "b"]}\n'
    r = m.post(f"/p/{world.slug}/manage/import", data={"csrf": csrf_of(page)}, files={"file": ("new.jsonl", good)})
    assert r.status_code == 200 and "Imported 1 records" in r.text
    export = m.get(f"/api/projects/{world.slug}/export?form=wide&container=csv")
    assert export.status_code == 200 and b"n1" in export.content


def test_chinese_ui(world: World) -> None:
    c = world.login("annotator")
    token = csrf_of(c.get("/settings").text)
    c.post("/settings", data={"csrf": token, "locale": "zh"})
    home = c.get("/").text
    assert 'lang="zh-Hans"' in home and "项目" in home and ">Projects<" not in home


def test_judge_suggestions_only_when_the_project_shows_them_and_is_not_blind(world: World) -> None:
    """A judge's verdicts appear under the questions, marked as a model's, only with
    judge.show_suggestions and a project that is not blind."""
    from assay.judge import judge_project, make_execute
    from assay.models import OFFLINE_ENDPOINT
    from assay.spec import ProjectSpec
    from assay.store import Project
    from assay.store.projects import load_project_spec, update_spec

    judge_project(world.db, world.slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    _, html, _ = _task(world, "annotator")
    assert "Model suggestion" not in html  # default: off
    with world.db.write_session() as s:
        project = s.scalars(select(Project).where(Project.slug == world.slug)).one()
        spec = load_project_spec(s, project).model_dump()
        spec["judge"]["show_suggestions"] = True
        update_spec(s, project, ProjectSpec.model_validate(spec))
    _, html, _ = _task(world, "annotator2")
    assert "Model suggestion" not in html  # still blind (the default)
    with world.db.write_session() as s:
        project = s.scalars(select(Project).where(Project.slug == world.slug)).one()
        spec = load_project_spec(s, project).model_dump()
        spec["distribution"]["blind"] = False
        update_spec(s, project, ProjectSpec.model_validate(spec))
    _, html, _ = _task(world, "vannotator")
    assert html.count('class="suggestion"') >= 3  # two ratings and the pair at least
    assert "Heuristic judge" in html and "not a person" in html
    # The same through the API, on the same (resumed) lease.
    task = world.client.post(f"/api/projects/{world.slug}/tasks/next",
                             headers={"Authorization": f"Bearer {world.tokens['vannotator']}"}).json()
    by_key = {(x["question"], x["letter"]): x for x in task["suggestions"]}
    assert {("accuracy", "A"), ("accuracy", "B"), ("pref", None)} <= set(by_key)
    assert by_key[("accuracy", "A")]["judge"] == "judge offline"
