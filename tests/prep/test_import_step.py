"""Preparation as a step of `assay import`: PII redacted before anything is stored, languages filled
in, repeated prompts left out, maths answers checked — and the import report says what happened."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import select
from typer.testing import CliRunner

from assay.cli import app
from assay.io import import_file
from assay.prep import CHECK_KEY, ImportPrep
from assay.spec import parse_spec
from assay.store import Item, Response, open_database
from assay.store.projects import create_project

SPEC = """
slug: prepped
name: Prepped
layout: {fields: [prompt, reference], responses: 1}
questions:
  - {key: ok, kind: choice, title: Right, options: ["yes", "no"]}
"""
RECORDS = [
    {"id": "a", "prompt": "Write to jane.doe@example.com about card 4111 1111 1111 1111.",
     "response": "Done: mailed jane.doe@example.com.", "reference": "ok"},
    {"id": "b", "prompt": "What is 2 + 3? Reply with the number.", "response": "2 + 3 = 5, so the answer is \\boxed{5}.",
     "reference": "5"},
    {"id": "c", "prompt": "WHAT IS 2 + 3?   Reply with the number.", "response": "It is 6.", "reference": "5"},
    {"id": "d", "prompt": "请用一句话介绍长城。", "response": "长城是中国古代的军事防御工程。"},
]


def _setup(tmp_path: Path) -> tuple[str, Path]:
    db_path = tmp_path / "prep.db"
    db = open_database(str(db_path))
    with db.write_session() as s:
        create_project(s, parse_spec(SPEC))
    db.dispose()
    data = tmp_path / "raw.jsonl"
    data.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in RECORDS))
    return str(db_path), data


def test_import_with_every_step(tmp_path: Path) -> None:
    db_path, data = _setup(tmp_path)
    result = CliRunner().invoke(app, ["--db", db_path, "import", "prepped", str(data), "--redact-pii",
                                      "--detect-language", "--drop-duplicates", "--check-math"])
    assert result.exit_code == 0, result.output
    assert "duplicates dropped: 1" in result.output and "'email': 2" in result.output
    db = open_database(db_path)
    with db.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item))}
        responses = {r.item_id: r for r in s.scalars(select(Response))}
    assert set(items) == {"a", "b", "d"}, "c repeats b once case and spacing are folded"
    a = items["a"]
    assert "jane.doe@example.com" not in (a.prompt or "") and "[EMAIL]" in (a.prompt or "")
    assert "4111" not in (a.prompt or "") and "[CARD]" in (a.prompt or "")
    assert "[EMAIL]" in responses[a.id].content and "example.com" not in responses[a.id].content
    assert items["d"].language == "zh" and items["b"].language == "en"
    check = responses[items["b"].id].meta["checks"][CHECK_KEY]
    assert check["status"] == "correct" and check["extracted"] == "5"


def test_nothing_changes_without_steps_and_a_dry_run_stores_nothing(tmp_path: Path) -> None:
    db_path, data = _setup(tmp_path)
    db = open_database(db_path)
    prep = ImportPrep(redact_pii=True)
    report = import_file(db, "prepped", data, prep=prep, dry_run=True)
    assert report.prep["pii_redacted"] == {"email": 2, "card": 1} and report.items_added == 4
    with db.session() as s:
        assert s.scalars(select(Item)).first() is None
    plain = import_file(db, "prepped", data)
    assert plain.prep == {} and plain.items_added == 4
    with db.session() as s:
        prompt = s.scalar(select(Item.prompt).where(Item.external_id == "a"))
    assert prompt is not None and "jane.doe@example.com" in prompt


def test_the_steps_through_the_sdk(tmp_path: Path) -> None:
    from assay import Client
    from assay.web import create_app
    from assay.work import add_user
    from assay.work.tokens import create_token
    from tests.web.conftest import serve_in_thread

    db_path, data = _setup(tmp_path)
    db = open_database(db_path)
    with db.write_session() as s:
        token = create_token(s, add_user(s, "mgr", "manager", org="Lab"), "sdk")
    with serve_in_thread(create_app(db)) as url:
        report = Client(url, token=token).import_file("prepped", data, redact_pii=True, drop_duplicates=True)
    assert report["items_added"] == 3 and report["prep"]["duplicates_dropped"] == 1
    assert report["prep"]["pii_redacted"] == {"email": 2, "card": 1}
    with db.session() as s:
        prompt = s.scalar(select(Item.prompt).where(Item.external_id == "a"))
    assert prompt is not None and "[EMAIL]" in prompt


def test_the_maths_check_shows_on_the_task_page_when_the_reference_does(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from assay.store.projects import get_project
    from assay.web import create_app
    from assay.work import add_user
    from assay.work.members import add_member
    from tests.web.conftest import PASSWORD, csrf_of

    db_path, data = _setup(tmp_path)
    db = open_database(db_path)
    import_file(db, "prepped", data, prep=ImportPrep(check_math=True))
    with db.write_session() as s:
        add_member(s, get_project(s, "prepped"), add_user(s, "ann", "annotator", org="Lab", password=PASSWORD))
    c = TestClient(create_app(db))
    c.post("/login", data={"username": "ann", "password": PASSWORD, "csrf": csrf_of(c.get("/login").text), "next": "/"})
    page = c.get("/p/prepped/work", follow_redirects=True)
    assert "/task/" in str(page.url) and "Automatic maths check" in page.text
