"""lm-evaluation-harness samples files with their results file (golden files written from lm-eval 0.4's
evaluator.py and loggers/evaluation_tracker.py: per-filter lines, gen_args_<i>/arg_<j> arguments,
stringified resps)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assay.evals.imports import BadRecord, EvalImportError, EvalRecord, open_results
from tests.evals.imports.helpers import DATE, LM_ARC, LM_GSM8K, LM_RESULTS


def _records(path: Path, results: Path | None = None) -> list[EvalRecord]:
    with open_results("lm-eval", path, results=results) as source:
        out = list(source.records())
    assert all(isinstance(r, EvalRecord) for r in out), out
    return out


def test_results_file_found_beside_and_model_named() -> None:
    with open_results("lm-eval", LM_GSM8K) as source:
        assert source.run_name == "lm-eval: gsm8k"
        assert source.describe()["model"] == "Qwen/Qwen2.5-0.5B-Instruct"
        assert source.describe()["n_shot"] == 1


def test_generated_answers_under_two_filters() -> None:
    records = _records(LM_GSM8K)
    assert len(records) == 6  # 3 docs x 2 filters
    first = records[0]
    assert first.item.external_id == "lm-eval/gsm8k/0"
    assert first.item.prompt.startswith("Natalia sold clips")
    assert first.item.reference.endswith("#### 72")
    assert first.item.metadata["lm_eval"]["doc"]["answer"].endswith("#### 72")
    response = first.responses[0].response
    assert response.content.startswith("Natalia sold 48/2 = 24 clips in May.")
    # the same doc under the other filter: the same response, another criterion
    again = records[3]
    assert again.item.external_id == first.item.external_id
    assert again.responses[0].response.external_id == response.external_id
    [strict] = first.responses[0].scores
    [flexible] = again.responses[0].scores
    assert (strict.criterion, strict.score, strict.judge) == ("exact_match,strict-match", 0.0, "exact_match")
    assert (flexible.criterion, flexible.score) == ("exact_match,flexible-extract", 1.0)
    assert strict.reasoning == "extracted answer (strict-match): [invalid]"


def test_multiple_choice_answer_is_the_most_likely_choice() -> None:
    records = _records(LM_ARC)
    first, second = records[0], records[1]
    assert first.item.reference == "Planetary days will become shorter."  # gold index 2 as its text
    assert first.responses[0].response.content == "Planetary days will become shorter."
    assert second.responses[0].response.content == "building materials will be cheaper"
    assert second.responses[0].response.metadata["lm_eval"]["choice"] == 3
    assert {s.criterion: s.score for s in second.responses[0].scores} == {"acc": 0.0, "acc_norm": 0.0}


@pytest.mark.parametrize("path", [LM_GSM8K, LM_ARC], ids=["gsm8k", "arc_easy"])
def test_means_match_the_results_file(path: Path) -> None:
    """Cross-check against the tool: the mean of each metric over docs equals lm-eval's aggregate."""
    records = _records(path)
    sums: dict[str, list[float]] = {}
    for r in records:
        for s in r.responses[0].scores:
            sums.setdefault(s.criterion, []).append(s.score or 0.0)
    task = "gsm8k" if path == LM_GSM8K else "arc_easy"
    aggregate = json.loads(LM_RESULTS.read_text())["results"][task]
    for criterion, values in sums.items():
        key = criterion if "," in criterion else f"{criterion},none"
        assert sum(values) / len(values) == pytest.approx(aggregate[key])


def test_old_list_arguments_and_chat_context_without_a_prompt_field(tmp_path: Path) -> None:
    line = json.loads(LM_GSM8K.read_text().splitlines()[1])
    line["doc"] = {"numbers": [1, 2], "answer": "3"}  # no prompt field: the context is the prompt
    context = json.dumps([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "1 + 2?"}])
    line["arguments"] = [[context, {"until": ["\n"]}]]  # lm-eval before 0.4.3
    samples = tmp_path / f"samples_gsm8k_{DATE}.jsonl"
    samples.write_text(json.dumps(line) + "\n")
    shutil.copy(LM_RESULTS, tmp_path / LM_RESULTS.name)
    [record] = _records(samples)
    assert (record.item.system, record.item.prompt) == ("Be brief.", "1 + 2?")


def test_missing_results_file(tmp_path: Path) -> None:
    alone = tmp_path / LM_GSM8K.name
    shutil.copy(LM_GSM8K, alone)
    with pytest.raises(EvalImportError, match="give it with --results FILE"):
        open_results("lm-eval", alone)
    renamed = tmp_path / "gsm8k.jsonl"
    shutil.copy(LM_GSM8K, renamed)
    with pytest.raises(EvalImportError, match="tasks arc_easy, gsm8k"):
        open_results("lm-eval", renamed, results=LM_RESULTS)


def test_bad_lines_are_located(tmp_path: Path) -> None:
    lines = LM_GSM8K.read_text().splitlines()
    broken = json.loads(lines[1])
    del broken["doc"]
    wrong = json.loads(lines[2])
    wrong["metrics"] = ["exact_match", "f1"]
    samples = tmp_path / f"samples_gsm8k_{DATE}.jsonl"
    samples.write_text("\n".join([lines[0], json.dumps(broken), json.dumps(wrong), "{not json"]) + "\n")
    with open_results("lm-eval", samples, results=LM_RESULTS) as source:
        bad = [(b.location, b.field) for b in source.records() if isinstance(b, BadRecord)]
    assert bad[:2] == [("line 2", "doc"), ("line 3", "metrics")]
    assert bad[2][0] == "line 4"
