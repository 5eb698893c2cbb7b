"""Large files parse in a second process: same results, same errors, same all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from assay.io import ImportFailed, import_file
from assay.io._parse_worker import ParseWorker
from assay.io.containers import ContainerError
from assay.store import Item, Response

from .helpers import counts, make_project, pair_records, write_jsonl


def _snapshot(db: Any) -> tuple[list[Any], list[Any]]:
    with db.session() as s:
        items = sorted(((i.external_id or "", i.prompt, i.domain, i.content_hash, i.meta) for i in s.scalars(select(Item))), key=repr)
        responses = sorted(
            (ext or "", r.position, r.model, r.content, r.content_hash)
            for r, ext in s.execute(select(Response, Item.external_id).join(Item, Item.id == Response.item_id))
        )
    return items, responses


def test_parallel_and_in_process_give_the_same_data(db, make_db, tmp_path: Path) -> None:
    recs = pair_records(2500)
    recs[7]["metadata"] = {"k": [1, 2]}
    recs.append({"prompt": "no id, same text", "response": "x"})
    recs.append({"prompt": "no id, same text", "response": "y"})
    path = write_jsonl(tmp_path / "big.jsonl", recs)
    slug = make_project(db)
    report = import_file(db, slug, path, parallel=True)
    assert (report.records, report.items_added, report.responses_added) == (2502, 2501, 5002)
    reference = make_db("sqlite")
    make_project(reference)
    import_file(reference, slug, path, parallel=False)
    assert _snapshot(db) == _snapshot(reference)
    again = import_file(db, slug, path, parallel=True)
    assert (again.items_added, again.responses_added, again.items_existing) == (0, 0, 2502)


def test_parallel_reports_every_bad_record_and_imports_nothing(db, tmp_path: Path) -> None:
    slug = make_project(db)
    lines = [orjson.dumps(r) for r in pair_records(3000)]
    lines[1200] = b'{"id": "bad", "prompt": "p", "domain": "Astrology"}'
    lines[2999] = b"{not json"
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path, parallel=True)
    report = exc.value.report
    assert [(i.number, i.field) for i in report.issues] == [(1201, "domain"), (3000, None)]
    assert report.records == 3000
    assert counts(db)["items"] == 0

    rejects = tmp_path / "rejects.jsonl"
    ok = import_file(db, slug, path, parallel=True, skip_invalid=True, rejects_path=rejects)
    assert ok.items_added == 2998 and ok.rejected == 2
    rows = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert [r["line"] for r in rows] == [1201, 3000]
    assert rows[0]["record"]["id"] == "bad"


def test_parallel_worker_failure_rolls_back(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slug = make_project(db)
    path = write_jsonl(tmp_path / "ok.jsonl", pair_records(100))
    real_init = ParseWorker.__init__

    def broken(self: ParseWorker, _path: Path, **kw: Any) -> None:
        real_init(self, tmp_path / "vanished.jsonl", **kw)

    monkeypatch.setattr(ParseWorker, "__init__", broken)
    with pytest.raises(ContainerError, match=r"vanished\.jsonl"):
        import_file(db, slug, path, parallel=True)
    assert counts(db)["items"] == 0


@pytest.mark.parametrize("container", ["csv", "parquet", "xlsx"])
def test_parallel_other_containers(make_db, tmp_path: Path, container: str) -> None:
    from assay.io.containers import open_writer

    db = make_db("sqlite")
    slug = make_project(db)
    records = [{"id": f"i{i}", "prompt": f"p {i}\nline two", "response": f"r {i}", "model": "m"} for i in range(500)]
    path = tmp_path / f"data.{container}"
    with open_writer(path, container, columns=["id", "prompt", "response", "model"]) as w:
        w.write_many(records)
    report = import_file(db, slug, path, parallel=True)
    assert (report.items_added, report.responses_added) == (500, 500)
    with db.session() as s:
        assert s.scalar(select(Item.prompt).where(Item.external_id == "i499")) == "p 499\nline two"
