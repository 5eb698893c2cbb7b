"""Reading records from any container, errors that name file, line and field, and the HTML report."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from assay.prep import (
    PrepInputError,
    PrepRecord,
    RecordSet,
    TargetMixError,
    build_report,
    load_target_mix,
    read_file,
    render_html,
)


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def test_reads_schemas_and_containers(tmp_path: Path) -> None:
    chat = _jsonl(tmp_path / "chat.jsonl", [
        {"messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "hi"},
                      {"role": "assistant", "content": "hello"}], "domain": "STEM", "difficulty": "hard"},
    ])
    rs = read_file(chat)
    assert rs.schema == "openai_chat" and rs.location == "line"
    rec = rs.records[0]
    assert rec.prompt == "hi" and rec.responses == ["hello"] and rec.domain == "STEM"
    assert rec.get("difficulty") == "hard" and rs.where(0) == f"{chat}:line 1"
    csv = tmp_path / "data.csv"
    csv.write_text("prompt,response,language\nWhat is 2+2?,4,en\n\"multi\nline\",ok,zh\n", encoding="utf-8")
    rs = read_file(csv)
    assert [r.prompt for r in rs.records] == ["What is 2+2?", "multi\nline"]
    assert [r.number for r in rs.records] == [2, 3] and rs.records[1].language == "zh"


def test_text_field_skips_schema_detection(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "bench.jsonl", [{"question": "Q1", "meta": {"level": 3}}, {"question": "Q2"}])
    rs = read_file(path, text_field="question")
    assert [r.prompt for r in rs.records] == ["Q1", "Q2"] and rs.records[0].get("meta.level") == 3


def test_bad_records_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "ok"}\n{"prompt": {"not": "text"}}\n{not json\n{"prompt": "fine"}\n', encoding="utf-8")
    with pytest.raises(PrepInputError) as err:
        read_file(path)
    message = str(err.value)
    assert f"{path}:line 2: field 'prompt'" in message
    assert f"{path}:line 3:" in message
    path2 = _jsonl(tmp_path / "b.jsonl", [{"question": "Q1"}, {"question": {"x": 1}}, {"other": 1}])
    with pytest.raises(PrepInputError) as err:
        read_file(path2, text_field="question")
    assert f"{path2}:line 2: field 'question': expected text" in str(err.value)
    assert f"{path2}:line 3: field 'question': is missing" in str(err.value)


def test_target_mix_validation(tmp_path: Path) -> None:
    good = tmp_path / "mix.yaml"
    good.write_text("domain: {STEM: 0.6, Humanities: 0.4}\nlanguage: {en: 0.5, zh: 0.5}\n", encoding="utf-8")
    assert load_target_mix(good)["domain"] == {"STEM": 0.6, "Humanities": 0.4}
    bad_sum = tmp_path / "sum.yaml"
    bad_sum.write_text("domain: {STEM: 0.6, Humanities: 0.6}\n", encoding="utf-8")
    with pytest.raises(TargetMixError, match=r"sum.yaml: field 'domain': shares sum to 1.2"):
        load_target_mix(bad_sum)
    bad_value = tmp_path / "value.json"
    bad_value.write_text('{"domain": {"STEM": "lots"}}', encoding="utf-8")
    with pytest.raises(TargetMixError, match=r"field 'domain.STEM': share must be a number"):
        load_target_mix(bad_value)
    broken = tmp_path / "broken.yaml"
    broken.write_text("domain: {STEM: 0.5\n", encoding="utf-8")
    with pytest.raises(TargetMixError, match=r"broken.yaml:line \d+"):
        load_target_mix(broken)


def test_html_report_is_self_contained_and_escapes_data() -> None:
    evil = '<script>alert("x")</script>'
    recs = [PrepRecord(i + 1, f"question number {i} about physics and chemistry and more", domain="STEM",
                       language="en") for i in range(8)]
    recs.append(PrepRecord(9, "question number 0 about physics and chemistry and more", domain=evil, language="zh"))
    recs.append(PrepRecord(10, "Mail me at someone@example.com " + evil, domain="Humanities", language="en"))
    report = build_report(RecordSet("data.jsonl", "line", recs),
                          target_mix={"domain": {"STEM": 0.5, "Humanities": 0.5}, "language": {"en": 1.0}})
    html = render_html(report)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "someone@example.com" not in html and "[EMAIL]" in html
    assert html.count("<svg") >= 6
    assert report.dedup.exact_clusters == 1 and report.pii.records_with_pii == 1
    stem = next(r for r in report.mix if r.field == "domain" and r.value == "STEM")
    assert stem.actual == pytest.approx(0.8) and stem.records == 8 and stem.target == 0.5
    assert any(r.value == evil and r.target == 0.0 for r in report.mix)
