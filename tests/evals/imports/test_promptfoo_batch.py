"""promptfoo result exports and OpenAI Batch API output files (golden files in the shapes promptfoo's
writeOutput and OpenAI's batch endpoint produce)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.evals.imports import BadRecord, EvalImportError, EvalRecord, open_results
from tests.evals.imports.helpers import BATCH_IN, BATCH_OUT, PROMPTFOO, PROMPTFOO_JSONL


def _records(schema: str, path: Path, **kw: Path) -> list[EvalRecord]:
    with open_results(schema, path, **kw) as source:
        out = list(source.records())
    assert all(isinstance(r, EvalRecord) for r in out), out
    return out


def test_promptfoo_results_json() -> None:
    with open_results("promptfoo", PROMPTFOO) as source:
        assert source.run_name == "promptfoo: Concise QA regression"
        records = list(source.records())
    assert len(records) == 6
    first = records[0]
    assert isinstance(first, EvalRecord)
    assert first.item.prompt.endswith("Question: What is the boiling point of water at sea level in Celsius?")
    assert first.item.metadata["vars"] == {"q": "What is the boiling point of water at sea level in Celsius?"}
    assert first.item.metadata["test"] == "boiling point"
    [scored] = first.responses
    assert scored.response.model == "gpt-4o-mini"  # the label wins over the id
    scores = {s.criterion: s for s in scored.scores}
    assert set(scores) == {"pass", "score", "contains", "accuracy"}
    assert (scores["accuracy"].value, scores["accuracy"].score, scores["accuracy"].judge) == (True, 0.9, "llm-rubric")
    assert scores["score"].score == pytest.approx(0.95)
    second = records[1]
    assert isinstance(second, EvalRecord)
    assert second.responses[0].response.model == "ollama:chat:llama3.1:8b"  # no label: the id
    assert {s.criterion: s.score for s in second.responses[0].scores}["pass"] == 0.0
    errored = records[5]
    assert isinstance(errored, EvalRecord) and errored.responses == []  # a failed call: no response, no verdicts


def test_promptfoo_jsonl_same_results() -> None:
    a = [(r.item.prompt, [(x.response.content, [(s.criterion, s.score) for s in x.scores]) for x in r.responses])
         for r in _records("promptfoo", PROMPTFOO)]
    b = [(r.item.prompt, [(x.response.content, [(s.criterion, s.score) for s in x.scores]) for x in r.responses])
         for r in _records("promptfoo", PROMPTFOO_JSONL)]
    assert a == b


def test_promptfoo_repeated_assertion_names_are_numbered(tmp_path: Path) -> None:
    data = json.loads(PROMPTFOO.read_text())
    first = data["results"]["results"][0]
    first["gradingResult"]["componentResults"].append(
        {"pass": False, "score": 0, "reason": "no 212", "assertion": {"type": "contains", "value": "212"}})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    criteria = [s.criterion for s in _records("promptfoo", path)[0].responses[0].scores]
    assert criteria == ["pass", "score", "contains", "accuracy", "contains #2"]


def test_promptfoo_not_results(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"description": "x", "prompts": []}')
    with pytest.raises(EvalImportError, match=r"field 'results\.results'"):
        open_results("promptfoo", path)


def test_openai_batch_prompts_from_the_input_and_failures_reported() -> None:
    with open_results("openai-batch", BATCH_OUT, batch_input=BATCH_IN) as source:
        assert source.run_name is None  # responses only
        got = list(source.records())
        notes = list(source.notes)
    records = [r for r in got if isinstance(r, EvalRecord)]
    assert len(records) == len(got) == 4
    by_id = {r.item.metadata["openai_batch"]["custom_id"]: r for r in records}
    assert set(by_id) == {"req-1", "req-2", "req-3", "req-4"}
    req2 = by_id["req-2"]
    assert (req2.item.system, req2.item.prompt) == ("You are a helpful tutor.", "Give the derivative of x^3 sin x.")
    [scored] = req2.responses
    assert scored.response.model == "gpt-4o-mini"
    assert scored.response.metadata["served_by"] == "gpt-4o-mini-2024-07-18"
    assert scored.response.content.startswith("Using the product rule")
    assert by_id["req-3"].responses == []
    assert len(notes) == 1 and "openai_batch_output.jsonl:line 2: custom_id 'req-3': HTTP 400" in notes[0]


def test_openai_batch_unknown_custom_id_and_missing_input(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    lines = BATCH_OUT.read_text().splitlines()
    stray = json.loads(lines[0])
    stray["custom_id"] = "req-99"
    out.write_text("\n".join([lines[0], json.dumps(stray)]) + "\n")
    with open_results("openai-batch", out, batch_input=BATCH_IN) as source:
        bad = [b for b in source.records() if isinstance(b, BadRecord)]
    assert [(b.location, b.field) for b in bad] == [("line 2", "custom_id")]
    assert "not in the batch input file openai_batch_input.jsonl" in bad[0].message
    with pytest.raises(ValueError, match="--batch-input"):
        open_results("openai-batch", out)
    dup = tmp_path / "in.jsonl"
    first = BATCH_IN.read_text().splitlines()[0]
    dup.write_text(f"{first}\n{first}\n")
    with pytest.raises(EvalImportError, match=r"in\.jsonl:line 2: field 'custom_id': custom_id 'req-1' is also on line 1"):
        open_results("openai-batch", out, batch_input=dup)
