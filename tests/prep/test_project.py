"""Prep on a stored project: reading items with their responses, and storing maths checks all or nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from assay.io import import_file
from assay.prep import CHECK_KEY, check_math, find_duplicates, read_project, write_response_checks
from assay.store import Database, Response


@pytest.fixture
def loaded(db: Database, project: str, tmp_path: Path) -> str:
    rows = [
        {"id": "a", "prompt": "What is 6 times 7?", "responses": ["Answer: 42", "I think 41"], "reference": "42",
         "domain": "STEM", "language": "en", "metadata": {"difficulty": "easy"}},
        {"id": "b", "prompt": "what is 6 times 7 ?", "responses": [r"\boxed{42}"], "reference": "42", "domain": "STEM",
         "language": "en"},
    ]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    import_file(db, project, path)
    return project


def test_reads_items_with_responses_in_order(db: Database, loaded: str) -> None:
    records = read_project(db, loaded)
    assert records.origin == f"project {loaded}" and records.location == "item"
    a, b = records.records
    assert b.responses == [r"\boxed{42}"]
    assert (a.id, a.prompt, a.responses, a.reference) == ("a", "What is 6 times 7?", ["Answer: 42", "I think 41"], "42")
    assert a.get("difficulty") == "easy" and len(a.response_ids or []) == 2
    assert records.where(0) == f"project {loaded}:item {a.number}"
    assert find_duplicates(records).duplicates == 1  # "6 times 7 ?" normalises differently, but near-identical


def test_math_checks_are_stored_and_other_checks_kept(db: Database, loaded: str) -> None:
    records = read_project(db, loaded)
    first = records.records[0].response_ids[0]  # type: ignore[index]
    write_response_checks(db, loaded, "other_check", {first: {"ok": True}})
    report = check_math(records)
    assert write_response_checks(db, loaded, CHECK_KEY, report.stored_values()) == 3
    with db.session() as session:
        metas = {rid: meta for rid, meta in session.execute(select(Response.id, Response.meta))}
    assert metas[first]["checks"]["other_check"] == {"ok": True}
    assert sorted(m["checks"][CHECK_KEY]["status"] for m in metas.values()) == ["correct", "correct", "incorrect"]


def test_a_bad_id_stores_nothing(db: Database, loaded: str) -> None:
    records = read_project(db, loaded)
    good = records.records[0].response_ids[0]  # type: ignore[index]
    with pytest.raises(ValueError, match="do not belong"):
        write_response_checks(db, loaded, CHECK_KEY, {good: {"status": "correct"}, 10**9: {"status": "correct"}})
    with db.session() as session:
        metas = session.scalars(select(Response.meta)).all()
    assert all(CHECK_KEY not in ((m or {}).get("checks") or {}) for m in metas)
