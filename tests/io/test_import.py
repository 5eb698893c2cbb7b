"""Import: idempotence, all-or-nothing, --skip-invalid, every container × schema, judgements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from assay.io import ImportFailed, import_file
from assay.io.containers import open_writer
from assay.store import Item, Judgement, JudgementAnswer, JudgementHistory, Response, User

from .helpers import counts, make_project, pair_records, write_jsonl


def test_import_then_reimport_adds_nothing(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = write_jsonl(tmp_path / "pairs.jsonl", pair_records(5))
    first = import_file(db, slug, path)
    assert (first.records, first.items_added, first.responses_added) == (5, 5, 10)
    assert first.schema == "responses" and first.committed
    before = counts(db)
    second = import_file(db, slug, path)
    assert (second.items_added, second.responses_added) == (0, 0)
    assert (second.items_existing, second.responses_existing) == (5, 10)
    assert counts(db) == before


def test_items_without_ids_dedupe_by_content(db, tmp_path: Path) -> None:
    slug = make_project(db)
    recs = [{"prompt": "Same prompt", "response": "one", "model": "a"}, {"prompt": "Same prompt", "response": "two", "model": "b"}]
    report = import_file(db, slug, write_jsonl(tmp_path / "d.jsonl", recs))
    # One item, two responses: the second model's answer joins the first item.
    assert (report.items_added, report.responses_added) == (1, 2)
    with db.session() as s:
        positions = sorted(s.scalars(select(Response.position)))
    assert positions == [0, 1]
    assert import_file(db, slug, tmp_path / "d.jsonl").items_added == 0


def test_one_bad_line_imports_nothing_and_names_line_and_field(db, tmp_path: Path) -> None:
    slug = make_project(db)
    recs: list[Any] = pair_records(5)
    del recs[2]["prompt"]
    path = write_jsonl(tmp_path / "bad.jsonl", recs)
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    report = exc.value.report
    assert report.rejected == 1
    assert report.issue_lines() == [f"{path}:line 3: field 'prompt': is required and missing or empty"]
    assert counts(db)["items"] == 0


def test_skip_invalid_imports_rest_and_writes_rejects(db, tmp_path: Path) -> None:
    slug = make_project(db)
    lines = [orjson.dumps(r) for r in pair_records(4)]
    lines.insert(1, b'{"prompt": "unterminated')
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    report = import_file(db, slug, path, skip_invalid=True, rejects_path=rejects)
    assert report.items_added == 4 and report.rejected == 1 and report.rejects_path == str(rejects)
    rows = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert len(rows) == 1 and rows[0]["line"] == 2 and "JSON" in rows[0]["error"]
    assert counts(db)["items"] == 4


def test_crash_mid_import_leaves_no_partial_data(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.io import _import
    from assay.io._item_sink import ItemSink

    slug = make_project(db)
    monkeypatch.setattr(_import, "BATCH", 10)
    path = write_jsonl(tmp_path / "big.jsonl", pair_records(50))
    real_flush = ItemSink.flush
    calls = {"n": 0}

    def flaky(self: ItemSink) -> list[Any]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real_flush(self)

    monkeypatch.setattr(ItemSink, "flush", flaky)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_file(db, slug, path)
    assert counts(db)["items"] == 0 and counts(db)["responses"] == 0
    monkeypatch.setattr(ItemSink, "flush", real_flush)
    assert import_file(db, slug, path).items_added == 50


def test_domain_is_checked_against_taxonomy(db, tmp_path: Path) -> None:
    slug = make_project(db)
    recs = [
        {"id": "a", "prompt": "p1", "domain": "stem", "subdomain": "mathematics"},
        {"id": "b", "prompt": "p2", "domain": "Astrology"},
    ]
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, write_jsonl(tmp_path / "dom.jsonl", recs))
    (issue,) = exc.value.report.issues
    assert issue.number == 2 and issue.field == "domain" and "Astrology" in issue.message
    import_file(db, slug, write_jsonl(tmp_path / "dom2.jsonl", recs[:1]))
    with db.session() as s:
        item = s.scalars(select(Item)).one()
    assert (item.domain, item.subdomain) == ("STEM", "Mathematics")


# ---- every container × every item schema --------------------------------------------------------

SCHEMA_RECORDS: dict[str, list[dict[str, Any]]] = {
    "openai_chat": [
        {
            "id": "c1",
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Integrate $x^2$ from 0 to 1.\nShow work."},
                {"role": "assistant", "content": "$\\int_0^1 x^2\\,dx = \\tfrac13$"},
            ],
            "model": "m1",
        },
        {
            "id": "c2",
            "messages": [
                {"role": "user", "content": "你好，请用一句话介绍长城。"},
                {"role": "assistant", "content": "长城是中国古代的军事防御工程\u2028绵延万里。"},
                {"role": "user", "content": "它有多长？"},
                {"role": "assistant", "content": "约 21,196 公里。"},
            ],
        },
    ],
    "sharegpt": [
        {
            "id": "s1",
            "conversations": [
                {"from": "system", "value": "Be kind."},
                {"from": "human", "value": "Integrate $x^2$ from 0 to 1.\nShow work."},
                {"from": "gpt", "value": "$\\int_0^1 x^2\\,dx = \\tfrac13$"},
            ],
        },
        {"id": "s2", "conversations": [{"from": "human", "value": "写一首诗"}, {"from": "gpt", "value": "床前明月光"}]},
    ],
    "alpaca": [
        {"id": "a1", "instruction": "Integrate $x^2$ from 0 to 1.", "input": "Show work.", "output": "1/3"},
        {"id": "a2", "instruction": "翻译成英文", "input": "你好", "output": "Hello", "history": [["hi", "hello"]]},
    ],
    "responses": [
        {"id": "r1", "prompt": "Integrate $x^2$ from 0 to 1.\nShow work.", "responses": [{"model": "m1", "content": "1/3"}, {"model": "m2", "content": "1/2"}]},
        {"id": "r2", "prompt": "写一首诗", "response_a": "床前明月光", "response_b": "疑是地上霜", "model_a": "x", "model_b": "y"},
    ],
}
EXPECTED = {  # per schema: (external id, number of responses, prompt-or-None-when-chat)
    "openai_chat": [("c1", 1, "Integrate $x^2$ from 0 to 1.\nShow work."), ("c2", 1, None)],
    "sharegpt": [("s1", 1, "Integrate $x^2$ from 0 to 1.\nShow work."), ("s2", 1, "写一首诗")],
    "alpaca": [("a1", 1, "Integrate $x^2$ from 0 to 1.\n\nShow work."), ("a2", 1, None)],
    "responses": [("r1", 2, "Integrate $x^2$ from 0 to 1.\nShow work."), ("r2", 2, "写一首诗")],
}
CONTAINERS = ["jsonl", "json", "csv", "tsv", "parquet", "xlsx"]
EXT = {"jsonl": "jsonl", "json": "json", "csv": "csv", "tsv": "tsv", "parquet": "parquet", "xlsx": "xlsx"}


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("schema", sorted(SCHEMA_RECORDS))
def test_every_container_and_schema(make_db, tmp_path: Path, container: str, schema: str) -> None:
    db = make_db("sqlite")
    slug = make_project(db)
    records = SCHEMA_RECORDS[schema]
    columns = sorted({k for r in records for k in r})
    path = tmp_path / f"data.{EXT[container]}"
    with open_writer(path, container, columns=columns) as w:
        w.write_many(records)
    report = import_file(db, slug, path)
    assert report.schema == schema, f"detected {report.schema}"
    with db.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item))}
        n_resp = {ext: len(s.scalars(select(Response).where(Response.item_id == i.id)).all()) for ext, i in items.items()}
    for ext, n, prompt in EXPECTED[schema]:
        assert n_resp[ext] == n
        if prompt is not None:
            assert items[ext].prompt == prompt
        else:
            assert items[ext].messages, "multi-turn prompts keep their messages"
    assert import_file(db, slug, path).items_added == 0


def test_generic_mapping_with_nested_paths(db, tmp_path: Path) -> None:
    slug = make_project(db)
    recs = [
        {"uid": 7, "q": {"text": "What is 2+2?"}, "ans": "4", "meta": {"model": "m1", "lang": "en"}, "extra": "kept"},
    ]
    mapping = {"id": "uid", "prompt": "q.text", "response": "ans", "model": "meta.model", "language": "meta.lang"}
    import_file(db, slug, write_jsonl(tmp_path / "g.jsonl", recs), mapping=mapping)
    with db.session() as s:
        item = s.scalars(select(Item)).one()
        resp = s.scalars(select(Response)).one()
    assert (item.external_id, item.prompt, item.language) == ("7", "What is 2+2?", "en")
    assert (resp.model, resp.content) == ("m1", "4")
    assert item.meta == {"extra": "kept"}


def test_generic_mapping_errors_name_the_source_field(db, tmp_path: Path) -> None:
    slug = make_project(db)
    recs = [{"q": {"text": "ok"}}, {"q": {}}]
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, write_jsonl(tmp_path / "g.jsonl", recs), mapping={"prompt": "q.text"})
    (issue,) = exc.value.report.issues
    assert (issue.number, issue.field) == (2, "q.text")


# ---- judgements in long format ------------------------------------------------------------------


def _judgement_rows() -> list[dict[str, Any]]:
    return [
        {"item": "it-0", "annotator": "ann1", "question": "accuracy", "response": "A", "value": "4"},
        {"item": "it-0", "annotator": "ann1", "question": "accuracy", "response": "B", "value": 2},
        {"item": "it-0", "annotator": "ann1", "question": "verdict", "value": "good"},
        {"item": "it-0", "annotator": "ann2", "question": "pref", "value": "A"},
        {"item": "it-1", "annotator": "ann2", "question": "accuracy", "response": "m-b", "value": 5},
        {"item": "it-1", "annotator": "ann2", "question": "rationale", "value": "B is right: 2+2=4 only when..."},
    ]


def test_import_judgements_long_format(db, tmp_path: Path) -> None:
    slug = make_project(db)
    import_file(db, slug, write_jsonl(tmp_path / "items.jsonl", pair_records(2)))
    path = tmp_path / "history.csv"
    with open_writer(path, "csv", columns=["item", "annotator", "question", "response", "value"]) as w:
        w.write_many(_judgement_rows())
    report = import_file(db, slug, path)
    assert report.schema == "judgements"
    assert (report.judgements_added, report.answers, report.users_added) == (3, 6, 2)
    c = counts(db)
    assert (c["judgements"], c["answers"], c["history"]) == (3, 6, 3)
    with db.session() as s:
        j = s.scalars(
            select(Judgement).join(Item).join(User).where(Item.external_id == "it-0", User.username == "ann1")
        ).one()
        assert j is not None
        resp_ids = {r.position: str(r.id) for r in s.scalars(select(Response).where(Response.item_id == j.item_id))}
        assert j.answers == {"accuracy": {resp_ids[0]: 4, resp_ids[1]: 2}, "verdict": "good"}
        nums = sorted(v for v in s.scalars(select(JudgementAnswer.value_num)) if v is not None)
        assert nums == [2.0, 4.0, 5.0]
    # Idempotent: same file, nothing changes, no new history.
    again = import_file(db, slug, path)
    assert (again.judgements_added, again.judgements_updated) == (0, 0)
    assert counts(db) == c


def test_reimport_with_changed_value_updates_and_keeps_history(db, tmp_path: Path) -> None:
    slug = make_project(db)
    import_file(db, slug, write_jsonl(tmp_path / "items.jsonl", pair_records(2)))
    rows = _judgement_rows()
    import_file(db, slug, write_jsonl(tmp_path / "j1.jsonl", rows))
    rows[2]["value"] = "bad"
    report = import_file(db, slug, write_jsonl(tmp_path / "j2.jsonl", rows))
    assert report.judgements_updated == 1
    with db.session() as s:
        h = s.scalars(select(JudgementHistory).where(JudgementHistory.action == "import-update")).one()
    assert h.old_value is not None and h.new_value is not None
    assert h.old_value["verdict"] == "good" and h.new_value["verdict"] == "bad"
    assert h.reason == "imported from j2.jsonl"


@pytest.mark.parametrize(
    ("row", "field", "fragment"),
    [
        ({"item": "nope", "annotator": "a", "question": "verdict", "value": "good"}, "item", "no item 'nope'"),
        ({"item": "it-0", "annotator": "a", "question": "color", "value": "red"}, "question", "no question 'color'"),
        ({"item": "it-0", "annotator": "a", "question": "accuracy", "response": "A", "value": 9}, "value", ""),
        ({"item": "it-0", "annotator": "a", "question": "accuracy", "response": "C", "value": 3}, "response", "out of range"),
        ({"item": "it-0", "annotator": "a", "question": "accuracy", "value": 3}, "response", "say which"),
        ({"item": "it-0", "annotator": "a", "question": "verdict", "value": "meh"}, "value", ""),
        ({"item": "it-0", "annotator": "a b", "question": "verdict", "value": "good"}, "annotator", "valid username"),
    ],
)
def test_bad_judgement_rows(db, tmp_path: Path, row: dict[str, Any], field: str, fragment: str) -> None:
    slug = make_project(db)
    import_file(db, slug, write_jsonl(tmp_path / "items.jsonl", pair_records(2)))
    good = {"item": "it-1", "annotator": "z", "question": "verdict", "value": "good"}
    before = counts(db)
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, write_jsonl(tmp_path / "j.jsonl", [good, row]))
    (issue,) = exc.value.report.issues
    assert (issue.number, issue.field) == (2, field)
    assert fragment in issue.message
    assert counts(db) == before
