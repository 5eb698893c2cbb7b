"""Export: every container and form, round trips through import, Excel's cell limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assay.io import export_project, import_file
from assay.io.containers import ContainerError, open_source
from assay.store import Item, Judgement, Response

from .helpers import counts, make_project, pair_records, write_jsonl

CONTAINERS = ["jsonl", "json", "csv", "tsv", "parquet", "xlsx"]

JUDGEMENTS = [
    {"item": "it-0", "annotator": "ann1", "question": "accuracy", "response": "A", "value": 4},
    {"item": "it-0", "annotator": "ann1", "question": "accuracy", "response": "B", "value": 2},
    {"item": "it-0", "annotator": "ann1", "question": "pref", "value": {"winner": "A", "strength": None}},
    {"item": "it-1", "annotator": "ann2", "question": "verdict", "value": "bad"},
    {"item": "it-1", "annotator": "ann2", "question": "rationale", "value": "Line one\nline two, \"quoted\", 中文"},
]


def _loaded(db: Any, tmp_path: Path) -> str:
    slug = make_project(db)
    recs = pair_records(3)
    recs[0]["metadata"] = {"source": "unit", "tags": ["a", "b"]}
    recs[1]["prompt"] = "Multi-line\nprompt with $\\LaTeX$ and \u2028 separator"
    import_file(db, slug, write_jsonl(tmp_path / "items.jsonl", recs))
    import_file(db, slug, write_jsonl(tmp_path / "j.jsonl", JUDGEMENTS))
    return slug


def _snapshot(db: Any) -> dict[str, Any]:
    with db.session() as s:
        items = {
            i.external_id: (i.prompt, i.domain, i.language, i.meta, i.content_hash)
            for i in s.scalars(select(Item))
        }
        responses = sorted(
            (ext, r.position, r.model, r.content)
            for r, ext in s.execute(select(Response, Item.external_id).join(Item, Item.id == Response.item_id))
        )
        answers = sorted(
            (ext, len(j.answers), sorted(j.answers)) for j, ext in s.execute(select(Judgement, Item.external_id).join(Item))
        )
    return {"items": items, "responses": responses, "answers": answers}


@pytest.mark.parametrize("container", CONTAINERS)
def test_wide_round_trip(make_db, tmp_path: Path, container: str) -> None:
    src = make_db("sqlite")
    slug = _loaded(src, tmp_path)
    out = tmp_path / f"wide.{container}"
    report = export_project(src, slug, out, form="wide")
    assert (report.rows, report.items) == (3, 3)

    dst = make_db("sqlite")
    make_project(dst)
    back = import_file(dst, slug, out)
    assert back.schema == "responses"
    original, copied = _snapshot(src), _snapshot(dst)
    assert copied["items"] == original["items"]
    assert copied["responses"] == original["responses"]


@pytest.mark.parametrize("container", CONTAINERS)
def test_long_round_trip(make_db, tmp_path: Path, container: str) -> None:
    src = make_db("sqlite")
    slug = _loaded(src, tmp_path)
    out = tmp_path / f"long.{container}"
    report = export_project(src, slug, out, form="long")
    assert report.rows == len(JUDGEMENTS)

    dst = make_db("sqlite")
    make_project(dst)
    import_file(dst, slug, tmp_path / "items.jsonl")
    back = import_file(dst, slug, out)
    assert back.schema == "judgements" and back.answers == len(JUDGEMENTS)
    assert _snapshot(dst)["answers"] == _snapshot(src)["answers"]
    with src.session() as s1, dst.session() as s2:
        def by_item(s: Any) -> dict[str, Any]:
            return {
                (ext, j.user_id): j.answers
                for j, ext in s.execute(select(Judgement, Item.external_id).join(Item))
            }
        # Per-response answers are keyed by database ids, which differ; compare the values in position order.
        def norm(d: dict[Any, Any]) -> list[Any]:
            return sorted(
                (k[0], q, sorted(v.values()) if isinstance(v, dict) and q == "accuracy" else v)
                for k, a in d.items() for q, v in a.items()
            )
        assert norm(by_item(s1)) == norm(by_item(s2))


def test_long_export_columns(db, tmp_path: Path) -> None:
    slug = _loaded(db, tmp_path)
    out = tmp_path / "long.jsonl"
    export_project(db, slug, out, form="long")
    with open_source(out) as src:
        rows = [r.data for r in src]
    acc = [r for r in rows if r and r["question"] == "accuracy"]
    assert sorted((r["response"], r["model"], r["value"]) for r in acc) == [("A", "m-a", 4), ("B", "m-b", 2)]
    assert all(r["annotator"] == "ann1" and r["item"] == "it-0" and r["status"] == "submitted" for r in acc)


def test_export_refuses_to_truncate_excel_cells(db, tmp_path: Path) -> None:
    slug = make_project(db)
    long_text = "x" * 40_000
    import_file(db, slug, write_jsonl(tmp_path / "i.jsonl", [{"id": "big", "prompt": long_text}]))
    out = tmp_path / "big.xlsx"
    with pytest.raises(ContainerError) as exc:
        export_project(db, slug, out)
    assert "32,767" in str(exc.value) or "32767" in str(exc.value)
    assert not out.exists(), "nothing half-written"
    export_project(db, slug, out, xlsx_overflow="split")
    with open_source(out) as src:
        (row,) = [r.data for r in src]
    assert row is not None and row["prompt"] == long_text


def test_export_of_unknown_project(db, tmp_path: Path) -> None:
    from assay.store.projects import ProjectNotFound

    with pytest.raises(ProjectNotFound):
        export_project(db, "nope", tmp_path / "x.jsonl")
    assert counts(db)["items"] == 0
