"""The access matrix: every route of the app, called as every kind of person, against the expected
allow / deny. A route added without an entry here fails the test, so nothing ships unreviewed.

"Allowed" means the request got past the access checks (it may still be refused as invalid: the
bodies sent are deliberately wrong after the access check, so that 409/422 show access was granted
without changing much). "Denied" is 401, 403, 404 or a redirect to the login page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assay.judge import judge_project, make_execute
from assay.models import OFFLINE_ENDPOINT
from assay.store import Item, Judgement
from assay.work.distribution import lease_next, submit
from tests.web.conftest import World, csrf_of

ACTORS = ("anon", "admin", "manager", "reviewer", "annotator", "annotator2", "outsider", "vmanager", "vannotator")
LOGGED_IN = set(ACTORS) - {"anon"}
MEMBERS = {"reviewer", "annotator", "annotator2", "vmanager", "vannotator"}
VISIBLE = MEMBERS | {"admin", "manager"}
LAB_STAFF = {"admin", "manager"}
STAFF = LAB_STAFF | {"vmanager"}
REVIEWERS = {"admin", "manager", "reviewer", "vmanager"}
LAB_REVIEWERS = {"admin", "manager", "reviewer"}
OWNER = {"annotator"}
PUBLIC = set(ACTORS)

# "METHOD path" -> who may use it. None: not access-controlled, tested in test_ui_auth.
EXPECTED: dict[str, set[str] | None] = {
    "GET /api/openapi.json": PUBLIC,
    "GET /api/docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /static/pygments.css": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": None,
    "GET /api/projects": LOGGED_IN,
    "GET /api/projects/{slug}": VISIBLE,
    "POST /api/projects/{slug}/tasks/next": MEMBERS,
    "PUT /api/assignments/{assignment_id}/draft": OWNER,
    "POST /api/assignments/{assignment_id}/submit": OWNER,
    "POST /api/assignments/{assignment_id}/skip": OWNER,
    "POST /api/projects": LAB_STAFF,
    "POST /api/projects/{slug}/imports": LAB_STAFF,
    "GET /api/projects/{slug}/export": LAB_STAFF,
    "GET /api/projects/{slug}/exports": LAB_STAFF,
    "GET /api/projects/{slug}/judgements": REVIEWERS,
    "GET /api/projects/{slug}/review-queue": REVIEWERS,
    "POST /api/judgements/{judgement_id}/reviews": LAB_REVIEWERS,
    "GET /api/me/inbox": LOGGED_IN,
    "GET /api/items/{item_id}/judgements": REVIEWERS,
    "PUT /api/items/{item_id}/final": LAB_REVIEWERS,
    "GET /api/projects/{slug}/me/history": VISIBLE,
    "PUT /api/judgements/{judgement_id}": OWNER,
    "POST /api/projects/{slug}/visibility": VISIBLE,
    "GET /settings": LOGGED_IN,
    "POST /settings": LOGGED_IN,
    "GET /": LOGGED_IN,
    "GET /p/{slug}/work": MEMBERS,
    "GET /p/{slug}/task/{assignment_id}": OWNER,
    "GET /p/{slug}/history": VISIBLE,
    "GET /p/{slug}/history/{judgement_id}": OWNER,
    "GET /inbox": LOGGED_IN,
    "GET /p/{slug}/review": REVIEWERS,
    "GET /p/{slug}/review/{judgement_id}": LAB_REVIEWERS,
    "POST /p/{slug}/review/{judgement_id}": LAB_REVIEWERS,
    "GET /p/{slug}/items/{item_id}/adjudicate": LAB_REVIEWERS,
    "POST /p/{slug}/items/{item_id}/adjudicate": LAB_REVIEWERS,
    "GET /p/{slug}/manage": STAFF,
    "POST /p/{slug}/manage/import": LAB_STAFF,
    "POST /logout": LOGGED_IN,
    "GET /api/projects/{slug}/quality": REVIEWERS,
    "GET /api/projects/{slug}/scorecards": REVIEWERS,
    "GET /api/projects/{slug}/calibration": REVIEWERS,
    "POST /api/projects/{slug}/consensus": LAB_STAFF,
    "GET /p/{slug}/quality": REVIEWERS,
    "GET /api/projects/{slug}/models/leaderboard": LAB_REVIEWERS,
    "GET /api/projects/{slug}/models/scores": LAB_REVIEWERS,
    "GET /api/projects/{slug}/models/compare": LAB_REVIEWERS,
    "GET /api/projects/{slug}/models/failures": LAB_REVIEWERS,
    "GET /api/projects/{slug}/judges/calibration": LAB_REVIEWERS,
    "GET /api/projects/{slug}/runs": LAB_REVIEWERS,
    "GET /api/runs/{run_id}": LAB_REVIEWERS,
    "POST /api/projects/{slug}/judge-runs": LAB_STAFF,
    "POST /api/projects/{slug}/generate-runs": LAB_STAFF,
    "POST /api/projects/{slug}/result-imports": LAB_STAFF,
    "GET /p/{slug}/models": LAB_REVIEWERS,
    "GET /p/{slug}/models/compare": LAB_REVIEWERS,
}
# Query strings that make a call valid once access is granted.
QUERIES: dict[str, str] = {
    "GET /api/projects/{slug}/exports": "?as=preference&schema=openai-dpo",
    "GET /api/projects/{slug}/models/compare": "?a=m-a&b=m-b",
    "GET /p/{slug}/models/compare": "?a=m-a&b=m-b",
}

# Bodies that pass the access check and then fail validation (or do something harmless).
JSON_BODIES: dict[str, Any] = {
    "PUT /api/assignments/{assignment_id}/draft": {"answers": {}},
    "POST /api/assignments/{assignment_id}/submit": {"answers": {}},
    "POST /api/assignments/{assignment_id}/skip": {"reason": "testing access"},
    "POST /api/judgements/{judgement_id}/reviews": {"verdict": "reject"},
    "PUT /api/items/{item_id}/final": {"answers": {"no_such_question": 1}},
    "PUT /api/judgements/{judgement_id}": {"answers": {}},
    "POST /api/projects/{slug}/visibility": {"answers": {}, "responses": 2},
    "POST /api/projects/{slug}/consensus": {"method": "no-such-method"},
    "POST /api/projects/{slug}/judge-runs": {"judge": "no-such-endpoint"},
    "POST /api/projects/{slug}/generate-runs": {"model": "no-such-endpoint"},
}
FORM_BODIES: dict[str, dict[str, str]] = {
    "POST /settings": {"key_help": "5"},
    "POST /p/{slug}/review/{judgement_id}": {"verdict": "reject"},
    "POST /p/{slug}/items/{item_id}/adjudicate": {"answers": "[]"},
    "POST /logout": {},
}


def app_routes(app: Any) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, through included routers; the static mount is not a route."""
    def walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for r in routes:
            if hasattr(r, "original_router"):
                yield from walk(r.original_router.routes, prefix + getattr(r.include_context, "prefix", ""))
            elif hasattr(r, "methods") and r.methods:
                for m in sorted(r.methods - {"HEAD"}):
                    yield m, prefix + r.path
    yield from walk(list(app.routes), "")


def test_every_route_is_in_the_matrix(world: World) -> None:
    found = {f"{m} {p}" for m, p in app_routes(world.client.app)}
    assert found == set(EXPECTED), (f"routes without an entry: {sorted(found - set(EXPECTED))}; "
                                    f"entries without a route: {sorted(set(EXPECTED) - found)}")


def _denied(r: Any) -> bool:
    if r.status_code in (401, 403, 404):
        return True
    # Pages send strangers to "/login?next=..."; a successful logout lands on plain "/login".
    return r.status_code in (302, 303, 307) and r.headers.get("location", "").startswith("/login?next=")


def test_access_matrix(world: World) -> None:
    slug = world.slug
    # The annotator has submitted one item (the judgement) and holds a lease on another (the assignment).
    with world.db.session() as s:
        uid = s.scalar(select(Judgement.user_id).limit(1))
    first = lease_next(world.db, slug, _uid(world, "annotator"))
    assert first is not None and uid is None
    answers = {"accuracy": {"A": 3, "B": 4}, "issues": {"A": [], "B": []}, "verdict": "good",
               "pref": {"winner": "A", "strength": None}, "order": ["A", "B"], "why": "Because A is right."}
    jid = submit(world.db, first.assignment_id, _uid(world, "annotator"), answers)
    lease = lease_next(world.db, slug, _uid(world, "annotator"))
    assert lease is not None
    with world.db.session() as s:
        item_id = s.scalar(select(Item.id).where(Item.id == first.item_id))
    run = judge_project(world.db, slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    params = {"slug": slug, "assignment_id": str(lease.assignment_id), "judgement_id": str(jid), "item_id": str(item_id),
              "run_id": str(run.run_id)}

    clients = {a: TestClient(world.client.app) if a == "anon" else world.login(a) for a in ACTORS}
    csrf = {a: csrf_of(clients[a].get("/settings").text) for a in LOGGED_IN}
    routes = sorted(app_routes(world.client.app), key=lambda mp: (mp[1] == "/logout", mp))
    wrong: list[str] = []
    for method, path in routes:
        key = f"{method} {path}"
        allowed = EXPECTED[key]
        if allowed is None:
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path) + QUERIES.get(key, "")
        for actor in ACTORS:
            r = _call(clients[actor], method, url, key, csrf.get(actor, ""))
            denied = _denied(r)
            if denied == (actor in allowed):
                wrong.append(f"{key} as {actor}: {r.status_code} ({'denied' if denied else 'allowed'}, "
                             f"expected {'allowed' if actor in allowed else 'denied'}) {r.text[:120]!r}")
    assert not wrong, "\n".join(wrong)


def _uid(world: World, username: str) -> int:
    from assay.store import User

    with world.db.session() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        assert uid is not None
        return uid


def _call(c: TestClient, method: str, url: str, key: str, csrf: str) -> Any:
    headers = {"X-CSRF-Token": csrf, "Accept": "text/html" if not url.startswith("/api") else "application/json"}
    if key == "POST /api/projects":
        return c.post(url, content="slug: [", headers={**headers, "Content-Type": "application/yaml"})
    if key == "POST /api/projects/{slug}/imports":
        return c.post(url, files={"file": ("bad.jsonl", b"{not json\n")}, headers=headers)
    if key == "POST /api/projects/{slug}/result-imports":
        return c.post(url, files={"file": ("bad.json", b"{not json")}, data={"schema": "inspect"}, headers=headers)
    if key == "POST /p/{slug}/manage/import":
        return c.post(url, data={"csrf": csrf}, files={"file": ("bad.jsonl", b"{not json\n")}, headers=headers,
                      follow_redirects=False)
    if key in JSON_BODIES:
        return c.request(method, url, json=JSON_BODIES[key], headers=headers, follow_redirects=False)
    if key in FORM_BODIES:
        return c.request(method, url, data={"csrf": csrf, **FORM_BODIES[key]}, headers=headers, follow_redirects=False)
    return c.request(method, url, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("actor", ["annotator2", "vannotator"])
def test_annotators_never_see_gold_or_others_answers(world: World, actor: str) -> None:
    """Blind by default: another annotator's task page carries no one else's answers."""
    c = world.login(actor)
    r = c.get(f"/p/{world.slug}/work", follow_redirects=True)
    assert r.status_code == 200
    assert "is_gold" not in r.text and '"gold"' not in r.text
