"""Inspect AI logs: golden logs written by Inspect itself (tests/evals/imports/golden/make_inspect_logs.py,
mockllm models), read without Inspect."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assay.evals.imports import BadRecord, EvalImportError, EvalRecord, open_results, value_to_float
from assay.evals.imports._zip import read_entry
from tests.evals.imports.helpers import INSPECT_A, INSPECT_B


def _records(path: Path) -> list[EvalRecord]:
    with open_results("inspect", path) as log:
        out = list(log.records())
    assert all(isinstance(r, EvalRecord) for r in out), [r for r in out if isinstance(r, BadRecord)]
    return out


def _header(path: Path) -> dict:
    if path.suffix == ".eval":
        with zipfile.ZipFile(path) as z:
            return json.loads(read_entry(z, z.getinfo("header.json")))
    return json.loads(path.read_text())


@pytest.mark.parametrize(("value", "expected"), [
    ("C", 1.0), ("I", 0.0), ("P", 0.5), ("N", 0.0), (True, 1.0), (False, 0.0), (3, 3.0), (0.25, 0.25),
    ("yes", 1.0), ("False", 0.0), ("0.75", 0.75), ("-2", -2.0), ("maybe", None), ([1, 0], None), ({"a": 1}, None),
    (float("nan"), None), (None, None),
])
def test_values_follow_inspects_value_to_float(value: object, expected: float | None) -> None:
    # Inspect: C/I/P/N -> 1/0/0.5/0, yes/true and no/false, numbers and numeric strings as they are.
    # Where Inspect warns and gives 0 (unreadable), the import keeps the value and counts nothing.
    assert value_to_float(value) == expected


def test_eval_log_two_epochs_one_response_each() -> None:
    records = _records(INSPECT_A)
    assert len(records) == 8  # 4 samples x 2 epochs
    by_epoch = {(r.item.external_id, r.responses[0].response.metadata["inspect"]["epoch"]) for r in records}
    assert len(by_epoch) == 8
    ids = {r.responses[0].response.external_id for r in records}
    assert len(ids) == 8
    q2 = next(r for r in records if r.item.external_id == "inspect/arithmetic_and_facts/q2")
    # chat input: the system message becomes the system prompt, the single user turn the prompt
    assert q2.item.system == "You are a careful geography tutor."
    assert q2.item.prompt == "Which city is the capital of Australia?"
    assert q2.item.reference == "Canberra"
    assert q2.item.metadata["domain"] == "General Knowledge"
    response = q2.responses[0].response
    assert response.model == "mockllm/model-a" and response.content == "Sydney is the capital."
    scores = {s.criterion: s for s in q2.responses[0].scores}
    assert set(scores) == {"match", "includes", "model_graded_qa", "answer_shape.correct", "answer_shape.concise"}
    assert scores["model_graded_qa"].value == "I" and scores["model_graded_qa"].score == 0.0
    assert scores["model_graded_qa"].reasoning.endswith("GRADE: I")
    assert scores["answer_shape.correct"].judge == "answer_shape"
    numeric = next(r for r in records if r.item.external_id == "inspect/arithmetic_and_facts/3")
    assert numeric.item.reference == "Au\nau"  # a list target, one per line
    assert numeric.item.metadata["targets"] == ["Au", "au"]


def test_json_log_partial_credit_and_numeric_sample_id() -> None:
    records = {r.item.external_id: r for r in _records(INSPECT_B)}
    assert set(records) == {f"inspect/arithmetic_and_facts/{s}" for s in ("q1", "q2", "3", "q4")}
    q1 = {s.criterion: s for s in records["inspect/arithmetic_and_facts/q1"].responses[0].scores}
    assert (q1["model_graded_qa"].value, q1["model_graded_qa"].score) == ("P", 0.5)
    assert records["inspect/arithmetic_and_facts/q4"].item.prompt == "写出“你好”的英文。"


@pytest.mark.parametrize("path", [INSPECT_A, INSPECT_B], ids=["eval", "json"])
def test_means_match_inspects_own_results(path: Path) -> None:
    """Cross-check against the tool: every scorer's mean over samples (epochs averaged per sample, as
    Inspect's default mean reducer does) equals the metric Inspect wrote in the log's results."""
    records = _records(path)
    per_sample: dict[str, dict[str, list[float]]] = {}
    for r in records:
        for s in r.responses[0].scores:
            per_sample.setdefault(s.criterion, {}).setdefault(r.item.external_id or "", []).append(s.score or 0.0)
    ours = {c: sum(sum(v) / len(v) for v in by.values()) / len(by) for c, by in per_sample.items()}
    theirs = {}
    for score in _header(path)["results"]["scores"]:
        metric = score["metrics"].get("accuracy") or score["metrics"]["mean"]
        name = score["name"] if score["scorer"] == score["name"] else f"{score['scorer']}.{score['name']}"
        theirs[name] = metric["value"]
    assert ours == pytest.approx(theirs)


def test_deflate_eval_log_reads_the_same(tmp_path: Path) -> None:
    """Older Inspect versions wrote deflate entries; the current one Zstandard. Same records either way."""
    repacked = tmp_path / "deflate.eval"
    with zipfile.ZipFile(INSPECT_A) as src, zipfile.ZipFile(repacked, "w", zipfile.ZIP_DEFLATED) as dst:
        assert {i.compress_type for i in src.infolist()} == {93}
        for info in src.infolist():
            dst.writestr(info.filename, read_entry(src, info))
    a = [(r.item.external_id, r.responses[0].response.content, [(s.criterion, s.value) for s in r.responses[0].scores])
         for r in _records(INSPECT_A)]
    b = [(r.item.external_id, r.responses[0].response.content, [(s.criterion, s.value) for s in r.responses[0].scores])
         for r in _records(repacked)]
    assert a == b


def test_corrupt_entry_is_a_located_bad_record(tmp_path: Path) -> None:
    broken = tmp_path / "broken.eval"
    shutil.copy(INSPECT_A, broken)
    with zipfile.ZipFile(broken) as z:
        info = z.getinfo("samples/q2_epoch_1.json")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(broken.read_bytes())
    data[start + 20 : start + 40] = b"\x00" * 20
    broken.write_bytes(bytes(data))
    with open_results("inspect", broken) as log:
        out = list(log.records())
    bad = [r for r in out if isinstance(r, BadRecord)]
    assert [b.location for b in bad] == ["entry samples/q2_epoch_1.json"]
    assert len(out) == 8


def test_not_a_log(tmp_path: Path) -> None:
    junk = tmp_path / "junk.eval"
    junk.write_bytes(b"not a zip")
    with pytest.raises(EvalImportError, match=r"junk\.eval: not an Inspect \.eval log"):
        open_results("inspect", junk)
    no_eval = tmp_path / "x.json"
    no_eval.write_text('{"version": 2, "status": "success", "samples": []}')
    with pytest.raises(EvalImportError, match=r"x\.json: field 'eval'"):
        open_results("inspect", no_eval)


def _edit_json_log(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    log = json.loads(INSPECT_B.read_text())
    edit(log)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(log))
    return out


def test_attachments_are_put_back(tmp_path: Path) -> None:
    def edit(log: dict) -> None:
        sample = log["samples"][0]
        sample["attachments"]["abc123"] = "Name the chemical symbol for gold (long form)."
        sample["input"] = "attachment://abc123"
        sample["output"]["completion"] = ""
        sample["messages"][-1]["content"] = [{"type": "reasoning", "reasoning": "Gold is Au."},
                                             {"type": "text", "text": "Au"}]
    records = _records(_edit_json_log(tmp_path, edit))
    first = records[0]
    assert first.item.prompt == "Name the chemical symbol for gold (long form)."
    assert first.responses[0].response.content == "Au"
    assert first.responses[0].response.metadata["reasoning"] == "Gold is Au."


def test_bad_sample_names_location_and_field(tmp_path: Path) -> None:
    def edit(log: dict) -> None:
        del log["samples"][2]["id"]
        log["samples"][3]["scores"]["match"] = "C"
    with open_results("inspect", _edit_json_log(tmp_path, edit)) as log:
        bad = [r for r in log.records() if isinstance(r, BadRecord)]
    assert [(b.location, b.field) for b in bad] == [("sample 3", "id"), ("sample 4", "scores.match")]


def test_errored_sample_keeps_the_item_without_a_response(tmp_path: Path) -> None:
    def edit(log: dict) -> None:
        sample = log["samples"][1]
        sample["output"] = {"model": "model-b", "choices": [], "completion": ""}
        sample["messages"] = sample["messages"][:1]
        sample["scores"] = None
        sample["error"] = {"message": "RuntimeError: sandbox died", "traceback": "", "traceback_ansi": ""}
    records = _records(_edit_json_log(tmp_path, edit))
    assert [len(r.responses) for r in records] == [1, 0, 1, 1]
