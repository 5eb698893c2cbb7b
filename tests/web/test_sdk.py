"""`assay.Client` against the real app: create a project, import, annotate, read judgements as pandas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from assay import AssayAPIError, Client
from assay.spec import template_path
from assay.store import Database, OrgKind
from assay.web import create_app
from assay.work import add_user
from assay.work.tokens import create_token
from tests.web.conftest import serve_in_thread


@pytest.fixture
def setup(db: Database) -> Iterator[dict[str, Any]]:
    with db.write_session() as s:
        tokens = {
            "manager": create_token(s, add_user(s, "mgr", "manager", org="Lab")),
            "annotator": create_token(s, add_user(s, "ann", "annotator", org="Lab")),
            "vendor": create_token(s, add_user(s, "vmgr", "manager", org="Vendor", org_kind=OrgKind.vendor)),
        }
    # A real server: the SDK speaks httpx over the network, as it will for users.
    with serve_in_thread(create_app(db)) as url:
        yield {"url": url, "tokens": tokens}


def client(setup: dict[str, Any], who: str) -> Client:
    return Client(setup["url"], token=setup["tokens"][who])


def test_sdk_round_trip(setup: dict[str, Any], tmp_path: Path) -> None:
    mgr = client(setup, "manager")
    created = mgr.create_project(template_path("stem-rubric").read_text(encoding="utf-8"))
    assert created["slug"] == "stem-rubric"
    with pytest.raises(AssayAPIError) as dup:
        mgr.create_project(template_path("stem-rubric").read_text(encoding="utf-8"))
    assert dup.value.status == 409

    items = tmp_path / "items.jsonl"
    items.write_bytes(b"".join(
        orjson.dumps({"id": f"q{i}", "prompt": f"What is {i}+{i}?", "response": str(2 * i), "domain": "STEM"}) + b"\n"
        for i in range(4)
    ))
    report = mgr.import_file("stem-rubric", items)
    assert (report["items_added"], report["responses_added"], report["record_schema"]) == (4, 4, "responses")
    assert mgr.import_file("stem-rubric", items)["items_added"] == 0

    history = tmp_path / "history.csv"
    history.write_text(
        "item,annotator,question,response,value\n"
        "q0,ann,correctness,A,5\nq0,ann,final_answer_correct,A,yes\nq1,li,correctness,A,2\n",
        encoding="utf-8",
    )
    assert mgr.import_file("stem-rubric", history)["judgements_added"] == 2

    df = mgr.judgements("stem-rubric", page_size=2)
    assert list(df.columns) == ["item", "annotator", "question", "response", "value", "submitted_at"]
    assert len(df) == 3
    assert sorted(df[df.question == "correctness"].value.tolist()) == [2, 5]
    assert set(df.response) == {"A"}


def test_sdk_errors_are_clear(setup: dict[str, Any], tmp_path: Path) -> None:
    mgr = client(setup, "manager")
    with pytest.raises(AssayAPIError) as bad_spec:
        mgr.create_project("slug: x-y\nname: X\nquestions:\n  - key: a\n    kind: rating\n    title: A\n    scale: {min: 3, max: 1}\n")
    assert bad_spec.value.status == 422 and any("questions[0].scale" in str(i) for i in bad_spec.value.detail)

    mgr.create_project(template_path("stem-rubric").read_text(encoding="utf-8"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "prompt": "ok"}\n{"id": "b", "prompt": "ok", "domain": "Astrology"}\n', encoding="utf-8")
    with pytest.raises(AssayAPIError) as failed:
        mgr.import_file("stem-rubric", bad)
    assert failed.value.status == 422
    assert failed.value.detail["issues"] == [failed.value.detail["issues"][0]]
    assert ":line 2: field 'domain'" in failed.value.detail["issues"][0]
    assert mgr.project("stem-rubric")["items"] == 0, "nothing half-imported"

    ann = client(setup, "annotator")
    with pytest.raises(AssayAPIError) as denied:
        ann.create_project(template_path("sft-writing").read_text(encoding="utf-8"))
    assert denied.value.status == 403
    vendor = client(setup, "vendor")
    with pytest.raises(AssayAPIError) as hidden:
        vendor.judgements("stem-rubric")
    assert hidden.value.status == 404
    with pytest.raises(ValueError, match="token"):
        Client("http://testserver", token="")
