"""A small world for the browser-facing tests: one project with every question kind, people of every
role in the lab and in a vendor, and a few items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assay.io import import_file
from assay.spec import parse_spec
from assay.store import Database, OrgKind
from assay.store.projects import create_project
from assay.web import create_app
from assay.work import add_user
from assay.work.members import add_member
from assay.work.tokens import create_token
from tests.servers import uvicorn_in_thread

PASSWORD = "correct horse battery"
ALL_KINDS = """
slug: all-kinds
name: Every kind
layout: {fields: [prompt], responses: 2}
distribution: {overlap: 2, review_first_n: 5}
questions:
  - {key: accuracy, kind: rating, title: Accuracy, per_response: true, scale: {min: 1, max: 5}}
  - {key: issues, kind: span, title: Problems, required: false}
  - key: verdict
    kind: choice
    title: Verdict
    options: [good, bad]
  - {key: pref, kind: compare, title: "Which is better?"}
  - {key: order, kind: rank, title: Rank them}
  - {key: why, kind: text, title: "Why?", min_length: 5}
consistency:
  - when: 'accuracy == 5 and "hallucination" in issues'
    message: Top accuracy with a hallucination?
"""
# (username, role, organization kind, member of the project)
PEOPLE = [
    ("admin", "admin", "lab", False),
    ("manager", "manager", "lab", False),
    ("reviewer", "reviewer", "lab", True),
    ("annotator", "annotator", "lab", True),
    ("annotator2", "annotator", "lab", True),
    ("outsider", "annotator", "lab", False),
    ("vmanager", "manager", "vendor", True),
    ("vannotator", "annotator", "vendor", True),
]
EVIL = ('<script>alert("x")</script><img src=x onerror="alert(1)">'
        '[click](javascript:alert(2)) <a href="javascript:alert(3)">a</a> <svg onload=alert(4)></svg>')


@dataclass
class World:
    db: Database
    client: TestClient
    slug: str
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, username: str, client: TestClient | None = None) -> TestClient:
        """A new client logged in as `username` (cookies kept in the client)."""
        c = client or TestClient(self.client.app)
        form = c.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token, form.text
        r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf": token.group(1), "next": "/"},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        return c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(r'"csrf": "([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


@pytest.fixture
def world(db: Database, tmp_path: Path) -> World:
    return build_world(db, tmp_path)


def build_world(db: Database, tmp_path: Path) -> World:
    spec = parse_spec(ALL_KINDS)
    tokens: dict[str, str] = {}
    with db.write_session() as s:
        project = create_project(s, spec)
        for name, role, org, member in PEOPLE:
            vendor = org == "vendor"
            user = add_user(s, name, role, org="Vendor Co" if vendor else "Lab",
                            org_kind=OrgKind.vendor if vendor else OrgKind.lab, password=PASSWORD)
            if member:
                add_member(s, project, user)
            tokens[name] = create_token(s, user, "test")
    recs = [
        {"id": f"i{i}", "prompt": f"Question {i}: what is {i} + {i}?",
         "responses": [{"model": "m-a", "content": f"It is **{2 * i}**. $x^2$" if i else EVIL},
                       {"model": "m-b", "content": f"Maybe {2 * i + 1}."}]}
        for i in range(4)
    ]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    import_file(db, spec.slug, path)
    return World(db=db, client=TestClient(create_app(db)), slug=spec.slug, tokens=tokens)


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """A real uvicorn server for `app` on a free port, in a thread; yields its base URL.

    For clients that need real HTTP (the SDK's httpx client, the browser) rather than TestClient."""
    with uvicorn_in_thread(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")) as url:
        yield url
