"""The JSON API: token auth, project visibility, and the annotator's loop, through the real app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from assay.io import import_file
from assay.spec import parse_spec
from assay.store import Database
from assay.store.projects import create_project
from assay.web import create_app
from assay.work import add_user
from assay.work.members import add_member
from assay.work.tokens import create_token

SPEC = """
slug: api-test
name: API test
layout: {fields: [prompt], responses: 2, show_model_names: false}
distribution: {overlap: 1, gold_rate: 1.0}
questions:
  - {key: pref, kind: compare, title: "Which is better?"}
  - {key: acc, kind: rating, title: Accuracy, per_response: true, scale: {min: 1, max: 5}}
"""
GOOD = {"pref": "A", "acc": {"A": 5, "B": 2}}


@pytest.fixture
def world(db: Database, tmp_path: Path) -> dict[str, Any]:
    spec = parse_spec(SPEC)
    tokens = {}
    with db.write_session() as s:
        project = create_project(s, spec)
        for name, role, member in [("ann", "annotator", True), ("other", "annotator", False),
                                   ("boss", "admin", False), ("vlead", "manager", False)]:
            org = "Vendor Co" if name == "vlead" else "Lab"
            from assay.store import OrgKind

            user = add_user(s, name, role, org=org, org_kind=OrgKind.vendor if name == "vlead" else OrgKind.lab)
            if member:
                add_member(s, project, user)
            tokens[name] = create_token(s, user, "test")
    recs = [
        {"id": "q1", "prompt": "Say hi", "responses": [{"model": "secret-model-a", "content": "<script>alert(1)</script>hi"},
                                                      {"model": "secret-model-b", "content": "hello"}],
         "reference": "hi", "gold": {"pref": "A"}},
        {"id": "q2", "prompt": "Say bye", "responses": [{"model": "m1", "content": "bye"}, {"model": "m2", "content": "ciao"}]},
    ]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    import_file(db, spec.slug, path)
    client = TestClient(create_app(db))
    return {"client": client, "tokens": tokens, "slug": spec.slug}


def auth(world: dict[str, Any], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world['tokens'][who]}"}


def test_token_required_and_checked(world: dict[str, Any]) -> None:
    c = world["client"]
    assert c.get("/api/projects").status_code == 401
    assert c.get("/api/projects", headers={"Authorization": "Bearer assay_nope"}).status_code == 401
    assert c.get("/api/projects", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401
    assert c.get("/api/projects", headers=auth(world, "ann")).status_code == 200


def test_project_visibility(world: dict[str, Any]) -> None:
    c, slug = world["client"], world["slug"]
    assert [p["slug"] for p in c.get("/api/projects", headers=auth(world, "ann")).json()] == [slug]
    assert c.get("/api/projects", headers=auth(world, "other")).json() == []
    assert c.get(f"/api/projects/{slug}", headers=auth(world, "other")).status_code == 404
    assert [p["slug"] for p in c.get("/api/projects", headers=auth(world, "boss")).json()] == [slug]
    # A vendor's manager is not the lab's: no projects of the lab unless their people work on them.
    assert c.get("/api/projects", headers=auth(world, "vlead")).json() == []
    detail = c.get(f"/api/projects/{slug}", headers=auth(world, "ann")).json()
    assert detail["items"] == 2 and detail["spec"]["slug"] == slug


def test_annotator_loop(world: dict[str, Any]) -> None:
    c, slug = world["client"], world["slug"]
    r = c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann"))
    assert r.status_code == 200
    task = r.json()
    body = r.text
    # Blind and safe: no gold, no model names, no reference the layout does not show; content as data.
    assert "<script>alert(1)</script>hi" in [x["content"] for x in task["responses"]], "gold comes first here"
    assert "secret-model" not in body and "gold" not in body and "kind" not in task and task["reference"] is None
    assert [x["letter"] for x in task["responses"]] == ["A", "B"]
    assert all(x["model"] is None for x in task["responses"])
    again = c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann")).json()
    assert again["assignment_id"] == task["assignment_id"], "a live lease is resumed"

    aid = task["assignment_id"]
    d = c.put(f"/api/assignments/{aid}/draft", json={"answers": {"pref": "B"}}, headers=auth(world, "ann"))
    assert d.status_code == 200
    resumed = c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann")).json()
    assert resumed["draft"] == {"pref": {"winner": "B", "strength": None}}

    bad = c.post(f"/api/assignments/{aid}/submit", json={"answers": {"pref": "A"}}, headers=auth(world, "ann"))
    assert bad.status_code == 422
    assert any(issue["question"] == "acc" for issue in bad.json()["detail"])

    stolen = c.post(f"/api/assignments/{aid}/submit", json={"answers": GOOD}, headers=auth(world, "boss"))
    assert stolen.status_code == 404

    ok = c.post(f"/api/assignments/{aid}/submit", json={"answers": GOOD, "time_spent_ms": 4200}, headers=auth(world, "ann"))
    assert ok.status_code == 200 and ok.json()["judgement_id"] == d.json()["judgement_id"]
    twice = c.post(f"/api/assignments/{aid}/submit", json={"answers": GOOD}, headers=auth(world, "ann"))
    assert twice.status_code == 409

    second = c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann")).json()
    s = c.post(f"/api/assignments/{second['assignment_id']}/skip", json={"reason": "off-topic"}, headers=auth(world, "ann"))
    assert s.status_code == 204
    assert c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann")).status_code == 204


def test_non_members_get_no_tasks(world: dict[str, Any]) -> None:
    c, slug = world["client"], world["slug"]
    assert c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "other")).status_code == 404
    assert c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "boss")).status_code == 403


def test_openapi_documents_every_route(world: dict[str, Any]) -> None:
    spec = world["client"].get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/projects", "/api/projects/{slug}", "/api/projects/{slug}/tasks/next",
            "/api/assignments/{assignment_id}/draft", "/api/assignments/{assignment_id}/submit",
            "/api/assignments/{assignment_id}/skip"} <= paths


def test_review_over_the_api(world: dict[str, Any], db: Database) -> None:
    c, slug = world["client"], world["slug"]
    with db.write_session() as s:
        reviewer = add_user(s, "rev", "reviewer")
        from assay.store.projects import get_project

        add_member(s, get_project(s, slug), reviewer)
        world["tokens"]["rev"] = create_token(s, reviewer)
    task = c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann")).json()
    jid = c.post(f"/api/assignments/{task['assignment_id']}/submit", json={"answers": GOOD}, headers=auth(world, "ann")).json()["judgement_id"]

    assert c.get(f"/api/projects/{slug}/review-queue", headers=auth(world, "ann")).status_code == 403
    queue = c.get(f"/api/projects/{slug}/review-queue", headers=auth(world, "rev")).json()
    assert [(q["judgement_id"], q["reason"]) for q in queue] == [(jid, "new-annotator")]
    assert c.post(f"/api/judgements/{jid}/reviews", json={"verdict": "reject"}, headers=auth(world, "rev")).status_code == 422
    r = c.post(f"/api/judgements/{jid}/reviews", json={"verdict": "reject", "comment": "B is better: A is unsafe."},
               headers=auth(world, "rev"))
    assert r.status_code == 200
    box = c.get("/api/me/inbox", headers=auth(world, "ann")).json()
    assert box[0]["verdict"] == "reject" and box[0]["comment"] == "B is better: A is unsafe." and box[0]["reviewer"] == "rev"
    # The rejected task comes back to its annotator with the answers as a draft.
    back = c.post(f"/api/projects/{slug}/tasks/next", headers=auth(world, "ann")).json()
    assert back["assignment_id"] == task["assignment_id"] and back["draft"]["pref"]["winner"] == "A"

    side = c.get(f"/api/items/{task['item_id']}/judgements", headers=auth(world, "rev")).json()
    assert side[0]["annotator"] == "ann"
    final = c.put(f"/api/items/{task['item_id']}/final", json={"answers": {"pref": "B"}, "reason": "A is unsafe"},
                  headers=auth(world, "rev"))
    assert final.status_code == 200 and final.json() == {"answers_set": 1}
    assert c.put(f"/api/items/{task['item_id']}/final", json={"answers": {"pref": "B"}}, headers=auth(world, "other")).status_code == 403
    assert c.get("/api/items/999999/judgements", headers=auth(world, "rev")).status_code == 404


HIDDEN_SPEC = """
slug: hidden-meta
name: Hidden metadata
layout: {fields: [prompt, metadata], responses: 1, hidden_metadata: [answer_key]}
questions:
  - {key: ok, kind: choice, title: "OK?", options: ["yes", "no"]}
"""


def test_hidden_metadata_never_reaches_the_annotator(db: Database, tmp_path: Path) -> None:
    """Metadata keys the layout hides are absent from the JSON task and from the task page."""
    from tests.web.conftest import PASSWORD, csrf_of

    spec = parse_spec(HIDDEN_SPEC)
    with db.write_session() as s:
        project = create_project(s, spec)
        user = add_user(s, "ann", "annotator", org="Lab", password=PASSWORD)
        add_member(s, project, user)
        token = create_token(s, user, "test")
    path = tmp_path / "items.jsonl"
    path.write_bytes(orjson.dumps({"id": "x", "prompt": "Is 2 prime?", "response": "Yes.",
                                   "metadata": {"source": "<b>web</b>", "answer_key": "SECRET-yes"}}) + b"\n")
    import_file(db, spec.slug, path, schema="responses")
    c = TestClient(create_app(db))
    task = c.post(f"/api/projects/{spec.slug}/tasks/next", headers={"Authorization": f"Bearer {token}"}).json()
    assert task["metadata"] == {"source": "<b>web</b>"}

    form = c.get("/login")
    c.post("/login", data={"username": "ann", "password": PASSWORD, "csrf": csrf_of(form.text), "next": "/"})
    page = c.get(f"/p/{spec.slug}/work", follow_redirects=True)
    assert "/task/" in str(page.url)
    assert "SECRET" not in page.text and "answer_key" not in page.text
    assert "&lt;b&gt;web&lt;/b&gt;" in page.text and "<b>web</b>" not in page.text
