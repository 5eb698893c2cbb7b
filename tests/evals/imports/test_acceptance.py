"""Acceptance (issue 5): an Inspect log and an lm-eval samples file import through `assay import` and
appear in `assay eval scores`, `assay eval compare` and the leaderboard (`--pointwise`)."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from assay.cli import app
from assay.store import open_database
from tests.evals.imports.helpers import INSPECT_A, INSPECT_B, INSPECT_RUN, LM_GSM8K, make_project

runner = CliRunner()


def _run(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_inspect_and_lm_eval_imports_appear_in_the_evaluation(tmp_path: Path) -> None:
    url = str(tmp_path / "accept.db")
    make_project(open_database(url))
    out = _run(url, "import", "bench-evals", str(INSPECT_A), "--schema", "inspect")
    assert "40 new scores" in out and INSPECT_RUN in out
    _run(url, "import", "bench-evals", str(INSPECT_B), "--schema", "inspect")
    out = _run(url, "import", "bench-evals", str(LM_GSM8K), "--schema", "lm-eval")
    assert "lm-eval: gsm8k" in out
    again = _run(url, "import", "bench-evals", str(INSPECT_A))  # .eval: Inspect without --schema
    assert "0 new items (4 already present), 0 new responses (8 already present)" in again

    scores = orjson.loads(_run(url, "eval", "scores", "bench-evals", "--source", INSPECT_RUN, "--json"))
    graded = {r["model"]: r for r in scores["rows"] if r["criterion"] == "model_graded_qa"}
    assert graded["mockllm/model-a"]["mean"] == 0.75 and graded["mockllm/model-b"]["mean"] == 0.625
    assert graded["mockllm/model-a"]["mean_low"] <= 0.75 <= graded["mockllm/model-a"]["mean_high"]

    lm = orjson.loads(_run(url, "eval", "scores", "bench-evals", "--source", "lm-eval: gsm8k", "--json"))
    assert {(r["model"], r["criterion"], round(r["mean"], 4)) for r in lm["rows"]} == {
        ("Qwen/Qwen2.5-0.5B-Instruct", "exact_match,strict-match", 0.3333),
        ("Qwen/Qwen2.5-0.5B-Instruct", "exact_match,flexible-extract", 0.6667)}

    compare = orjson.loads(_run(url, "eval", "compare", "bench-evals", "mockllm/model-a", "mockllm/model-b",
                                "--source", INSPECT_RUN, "--json"))
    paired = {e["criterion"]: e["paired"] for e in compare["criteria"]}
    assert paired["model_graded_qa"]["mean_difference"] == -0.125 and paired["match"]["n"] == 4

    board = orjson.loads(_run(url, "eval", "leaderboard", "bench-evals", "--source", INSPECT_RUN, "--pointwise",
                              "--criterion", "model_graded_qa", "--json"))
    [entry] = board["criteria"]
    assert [r["model"] for r in entry["leaderboard"]] == ["mockllm/model-a", "mockllm/model-b"]
    assert [r["position"] for r in entry["leaderboard"]] == [1, 2]
    assert [r["rank"] for r in entry["leaderboard"]] == [1, 1]  # 4 items: the intervals overlap, a shared rank
    assert [r["mean"] for r in entry["leaderboard"]] == [0.75, 0.625]
    assert entry["leaderboard"][0]["ci_low"] <= entry["leaderboard"][0]["mean"] <= entry["leaderboard"][0]["ci_high"]
    text = _run(url, "eval", "leaderboard", "bench-evals", "--source", "lm-eval: gsm8k", "--pointwise")
    assert "Qwen/Qwen2.5-0.5B-Instruct" in text

    plain = runner.invoke(app, ["--db", url, "eval", "leaderboard", "bench-evals", "--source", INSPECT_RUN])
    assert plain.exit_code == 1 and "--pointwise ranks by them" in plain.output


def test_cli_reports_bad_records_and_imports_nothing(tmp_path: Path) -> None:
    url = str(tmp_path / "bad.db")
    make_project(open_database(url))
    lines = LM_GSM8K.read_text().splitlines()
    samples = tmp_path / LM_GSM8K.name
    samples.write_text("\n".join([lines[0], "{oops", lines[1]]) + "\n")
    result = runner.invoke(app, ["--db", url, "import", "bench-evals", str(samples), "--schema", "lm-eval",
                                 "--results", str(LM_GSM8K.with_name(LM_GSM8K.name.replace("samples_gsm8k", "results")
                                                                    .replace(".jsonl", ".json")))])
    assert result.exit_code == 1
    assert f"{samples}:line 2:" in result.output and "nothing was imported" in result.output
    result = runner.invoke(app, ["--db", url, "import", "bench-evals", str(samples), "--schema", "inspect",
                                 "--skip-invalid"])
    assert result.exit_code == 2 and "takes no" in result.output
