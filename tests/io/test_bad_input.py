"""The bad-input corpus: every case gets a precise error (file, line or row, field) and the database is
left exactly as it was. The traps from ARCHITECTURE.md that are *valid* input import correctly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from assay.io import ImportFailed, import_file
from assay.io.containers import open_writer
from assay.store import Item, Response

from .helpers import counts, make_project

GOOD = b'{"id": "g1", "prompt": "fine", "response": "ok"}\n'

# (name, file bytes, location number, field or None, fragment of the message)
BAD_JSONL: list[tuple[str, bytes, int, str | None, str]] = [
    ("truncated", GOOD + b'{"id": "x", "prompt": "cut\n', 2, None, "JSON"),
    ("huge-int", GOOD + b'{"id": "x", "prompt": "p", "n": 123456789012345678901234567890}\n', 2, None, "64"),
    ("lone-surrogate", GOOD + b'{"id": "x", "prompt": "bad \\ud800 here"}\n', 2, None, "surrogate"),
    ("raw-control-char", GOOD + b'{"id": "x", "prompt": "tab\x01inside"}\n', 2, None, "control"),
    ("not-an-object", GOOD + b'["a", "list"]\n', 2, None, "object"),
    ("invalid-utf8", GOOD + b'{"id": "x", "prompt": "\xff\xfe"}\n', 2, None, "UTF-8"),
    ("empty-prompt", GOOD + b'{"id": "x", "prompt": "   "}\n', 2, "prompt", "required"),
    ("prompt-wrong-type", GOOD + b'{"id": "x", "prompt": {"text": "p"}}\n', 2, "prompt", "expected text"),
    ("bad-role", b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}\n'
     b'{"messages": [{"role": "robot", "content": "q"}]}\n', 2, "messages[0].role", "unknown role 'robot'"),
    ("sharegpt-role", b'{"conversations": [{"from": "human", "value": "q"}]}\n'
     b'{"conversations": [{"from": "bot", "value": "q"}]}\n', 2, "conversations[0].from", "unknown role 'bot'"),
    ("unknown-domain", GOOD + b'{"id": "x", "prompt": "p", "domain": "Astrology"}\n', 2, "domain", "Astrology"),
    ("responses-not-list", GOOD + b'{"id": "x", "prompt": "p", "responses": 5}\n', 2, "responses", "expected a list"),
    ("response-no-content", GOOD + b'{"id": "x", "prompt": "p", "responses": [{"model": "m"}]}\n', 2,
     "responses[0].content", "required"),
    ("gold-unknown-question", GOOD + b'{"id": "x", "prompt": "p", "gold": {"nope": 1}}\n', 2, "gold.nope", "nope"),
    ("gold-bad-value", GOOD + b'{"id": "x", "prompt": "p", "gold": {"verdict": "maybe"}}\n', 2, "gold.verdict", ""),
    ("blank-lines-count", GOOD + b"\n\n" + b'{"id": "x"}\n', 4, "prompt", "required"),
]


@pytest.mark.parametrize(("name", "content", "number", "field", "fragment"), BAD_JSONL, ids=[c[0] for c in BAD_JSONL])
def test_bad_jsonl(db, tmp_path: Path, name: str, content: bytes, number: int, field: str | None, fragment: str) -> None:
    slug = make_project(db)
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(content)
    before = counts(db)
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    report = exc.value.report
    assert [i.number for i in report.issues] == [number], report.issue_lines()
    issue = report.issues[0]
    if field is not None:
        assert issue.field == field, report.issue_lines()
    assert fragment.lower() in issue.message.lower(), report.issue_lines()
    assert report.issue_lines()[0].startswith(f"{path}:line {number}:")
    assert counts(db) == before


def test_bad_csv_rows(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "bad.csv"
    # Row 2's cell spans three physical lines; the bad record after it starts on line 5.
    path.write_text('id,prompt,domain\na,"multi\nline\ncell",STEM\nb,,STEM\nc,ok,Cooking\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    lines = exc.value.report.issue_lines()
    assert lines == [
        f"{path}:line 5: field 'prompt': is required and missing or empty",
        f"{path}:line 6: field 'domain': " + exc.value.report.issues[1].message,
    ]
    assert "Cooking" in exc.value.report.issues[1].message
    assert counts(db)["items"] == 0


def test_csv_wrong_cell_count(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "ragged.csv"
    path.write_text("id,prompt\na,ok\nb,ok,extra\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    (issue,) = exc.value.report.issues
    assert issue.number == 3
    assert counts(db)["items"] == 0


def test_bad_xlsx_row_names_excel_row(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "bad.xlsx"
    with open_writer(path, "xlsx", columns=["id", "prompt", "domain"]) as w:
        w.write_many([{"id": "a", "prompt": "ok", "domain": "STEM"}, {"id": "b", "prompt": "", "domain": "STEM"}])
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    assert exc.value.report.issue_lines() == [f"{path}:row 3: field 'prompt': is required and missing or empty"]


def test_bad_parquet_row(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "prompt": ["ok", None, "ok"]}), path)
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    assert exc.value.report.issue_lines() == [f"{path}:row 2: field 'prompt': is required and missing or empty"]


def test_bad_json_array_element(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "bad.json"
    path.write_text('[{"id": "a", "prompt": "ok"}, {"id": "b"}, {"id": "c", "prompt": "ok"}]', encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    assert exc.value.report.issue_lines() == [f"{path}:element 2: field 'prompt': is required and missing or empty"]


def test_every_bad_record_is_reported_not_just_the_first(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d"}\n' % i if i % 3 == 0 else b'{"id": "%d", "prompt": "p%d"}\n' % (i, i) for i in range(30)))
    with pytest.raises(ImportFailed) as exc:
        import_file(db, slug, path)
    assert [i.number for i in exc.value.report.issues] == [i + 1 for i in range(30) if i % 3 == 0]


# ---- traps that are valid input and must import exactly ------------------------------------------


def _one_item(db: Any) -> tuple[Item, list[Response]]:
    with db.session() as s:
        item = s.scalars(select(Item)).one()
        return item, list(s.scalars(select(Response)))


def test_bom_crlf_and_line_separator_inside_strings(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "traps.jsonl"
    text = '{"id": "u", "prompt": "first\u2028second\u2029third", "response": "ok"}'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\r\n")
    import_file(db, slug, path)
    item, _ = _one_item(db)
    assert item.external_id == "u" and item.prompt == "first\u2028second\u2029third"


def test_csv_bom_multiline_and_empty_strings(db, tmp_path: Path) -> None:
    slug = make_project(db)
    path = tmp_path / "traps.csv"
    path.write_bytes('\ufeffid,prompt,reference\n"x","line 1\r\nline 2 with ""quotes""",""\n'.encode())
    import_file(db, slug, path)
    item, _ = _one_item(db)
    assert item.external_id == "x"
    assert item.prompt == 'line 1\r\nline 2 with "quotes"'
    assert item.reference is None, "an empty cell is missing, not the text 'nan'"
