"""Importing into a project: idempotent, all or nothing, one run per tool and task, lineage recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from assay.evals.imports import EvalImportFailed, import_results
from assay.evals.project import EvalOptions, load_eval_data, model_scores
from assay.store import Database, ImportRun, JudgeVerdict, ModelRun, Response, RunKind, RunStatus
from assay.store.projects import ProjectNotFound
from tests.evals.imports.helpers import (
    BATCH_IN,
    BATCH_OUT,
    INSPECT_A,
    INSPECT_B,
    INSPECT_RUN,
    LM_GSM8K,
    PROMPTFOO,
    counts,
    make_project,
)


def test_reimport_adds_nothing_and_reuses_the_run(db: Database) -> None:
    slug = make_project(db)
    first = import_results(db, slug, INSPECT_A, schema="inspect")
    assert (first.items_added, first.responses_added, first.verdicts_added) == (4, 8, 40)
    assert first.committed and first.run == INSPECT_RUN
    before = counts(db)
    again = import_results(db, slug, INSPECT_A, schema="inspect")
    assert (again.items_added, again.responses_added, again.verdicts_added) == (0, 0, 0)
    assert (again.items_existing, again.responses_existing, again.verdicts_existing) == (4, 8, 40)
    assert counts(db) == before
    other = import_results(db, slug, INSPECT_B, schema="inspect")
    assert (other.items_added, other.items_existing, other.responses_added, other.verdicts_added) == (0, 4, 4, 20)
    with db.session() as s:
        [run] = s.scalars(select(ModelRun)).all()
        assert (run.kind, run.name, run.status) == (RunKind.imported, INSPECT_RUN, RunStatus.finished)
        files = run.config["files"]
        assert [f["source"] for f in files] == [INSPECT_A.name, INSPECT_B.name]
        assert {f["model"] for f in files} == {"mockllm/model-a", "mockllm/model-b"}
        assert all(len(f["sha256"]) == 64 for f in files)
        [verdict] = [v for v in s.scalars(select(JudgeVerdict).where(JudgeVerdict.question == "model_graded_qa"))
                     if v.value == "P"]
        assert (verdict.score, verdict.judge, verdict.other_response_id) == (0.5, "model_graded_qa", 0)
        lineage = s.scalars(select(ImportRun).order_by(ImportRun.id)).all()
        assert [(i.schema, i.container, i.records) for i in lineage] == [
            ("inspect", "eval", 8), ("inspect", "eval", 8), ("inspect", "json", 4)]
        assert {r.import_id for r in s.scalars(select(Response))} == {lineage[0].id, lineage[2].id}


def test_a_bad_record_imports_nothing(db: Database, tmp_path: Path) -> None:
    slug = make_project(db)
    log = json.loads(INSPECT_B.read_text())
    log["samples"][3]["scores"]["match"] = "C"
    del log["samples"][1]["input"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(log))
    with pytest.raises(EvalImportFailed) as caught:
        import_results(db, slug, bad, schema="inspect")
    assert caught.value.issues == [
        f"{bad}:sample 2: field 'input': expected text or a non-empty list of chat messages",
        f"{bad}:sample 4: field 'scores.match': expected a score object with a value",
    ]
    assert counts(db) == (0, 0, 0, 0)
    with db.session() as s:
        assert s.scalars(select(ImportRun)).all() == []


def test_dry_run_writes_nothing(db: Database) -> None:
    slug = make_project(db)
    report = import_results(db, slug, LM_GSM8K, schema="lm-eval", dry_run=True)
    assert (report.items_added, report.responses_added, report.verdicts_added) == (3, 3, 6)
    assert not report.committed
    assert counts(db) == (0, 0, 0, 0)


def test_unknown_project_and_schema(db: Database) -> None:
    with pytest.raises(ProjectNotFound):
        import_results(db, "nope", INSPECT_A, schema="inspect")
    make_project(db)
    with pytest.raises(ValueError, match="unknown results schema 'helm'"):
        import_results(db, "bench-evals", INSPECT_A, schema="helm")
    with pytest.raises(ValueError, match="--results goes with --schema lm-eval"):
        import_results(db, "bench-evals", INSPECT_A, schema="inspect", results=LM_GSM8K)


def test_batch_responses_join_items_by_prompt(db: Database) -> None:
    slug = make_project(db)
    report = import_results(db, slug, BATCH_OUT, schema="openai-batch", batch_input=BATCH_IN)
    assert (report.items_added, report.responses_added, report.without_response, report.run) == (4, 3, 1, None)
    assert "line 2: custom_id 'req-3'" in report.notes[0]
    assert counts(db)[3] == 0  # no scores, no run
    again = import_results(db, slug, BATCH_OUT, schema="openai-batch", batch_input=BATCH_IN)
    assert (again.items_added, again.items_existing, again.responses_added) == (0, 4, 0)


def test_promptfoo_scores_per_provider(db: Database) -> None:
    slug = make_project(db)
    import_results(db, slug, PROMPTFOO, schema="promptfoo")
    with db.session() as s:
        data = load_eval_data(s, slug)
    rows = model_scores(data, EvalOptions(source="promptfoo: Concise QA regression", criterion="pass", n_boot=0))["rows"]
    assert {(r["model"], r["n_items"], r["mean"]) for r in rows} == {("gpt-4o-mini", 3, 1.0),
                                                                     ("ollama:chat:llama3.1:8b", 2, 0.0)}


def test_batches_find_what_earlier_batches_wrote(db: Database, tmp_path: Path) -> None:
    """lm-eval writes every doc once per filter, all docs of one filter first: with 1,500 docs the second
    filter's lines of a doc arrive batches after its first, and must find its item and response."""
    slug = make_project(db)
    template = json.loads(LM_GSM8K.read_text().splitlines()[1])
    samples = tmp_path / LM_GSM8K.name
    with samples.open("w") as f:
        for flt in ("strict-match", "flexible-extract"):
            for doc_id in range(1500):
                line = dict(template, doc_id=doc_id, filter=flt, doc={"question": f"What is {doc_id} + 1?"},
                            resps=[[f"It is {doc_id + 1}."]], exact_match=float(doc_id % 3 == 0))
                f.write(json.dumps(line) + "\n")
    (tmp_path / LM_GSM8K.name.replace("samples_gsm8k", "results").replace(".jsonl", ".json")).write_text(
        LM_GSM8K.with_name(LM_GSM8K.name.replace("samples_gsm8k", "results").replace(".jsonl", ".json")).read_text())
    report = import_results(db, slug, samples, schema="lm-eval")
    assert (report.records, report.items_added, report.responses_added, report.verdicts_added) == (3000, 1500, 1500, 3000)
    assert report.items_existing == 0
    assert report.responses_existing == 0
    again = import_results(db, slug, samples, schema="lm-eval")
    assert (again.items_added, again.responses_added, again.verdicts_added, again.verdicts_existing) == (0, 0, 0, 3000)
    assert (again.items_existing, again.responses_existing) == (1500, 1500)
    with db.session() as s:
        data = load_eval_data(s, slug)
    rows = model_scores(data, EvalOptions(source="lm-eval: gsm8k", n_boot=0))["rows"]
    assert {r["criterion"]: round(r["mean"], 4) for r in rows} == {"exact_match,strict-match": 0.3333,
                                                                   "exact_match,flexible-extract": 0.3333}


def test_two_models_one_task_one_source_ranked(db: Database, tmp_path: Path) -> None:
    """Two lm-eval runs (two models, two results files) of the same task fill one run; the pointwise
    leaderboard separates a model that got every doc right from one that got none."""
    from assay.evals.project import model_leaderboard

    slug = make_project(db)
    template = json.loads(LM_GSM8K.read_text().splitlines()[1])
    results = json.loads(LM_GSM8K.with_name(
        LM_GSM8K.name.replace("samples_gsm8k", "results").replace(".jsonl", ".json")).read_text())
    for date, model, right in (("2026-04-01T09-00-00.000001", "org/strong", 1.0), ("2026-04-02T09-00-00.000001", "org/weak", 0.0)):
        (tmp_path / f"results_{date}.json").write_text(json.dumps(dict(results, model_name=model)))
        with (tmp_path / f"samples_gsm8k_{date}.jsonl").open("w") as f:
            for doc_id in range(30):
                f.write(json.dumps(dict(template, doc_id=doc_id, filter="none", doc={"question": f"{doc_id} + 1?"},
                                        exact_match=right)) + "\n")
        import_results(db, slug, tmp_path / f"samples_gsm8k_{date}.jsonl", schema="lm-eval")
    with db.session() as s:
        [run] = s.scalars(select(ModelRun)).all()
        assert [f["model"] for f in run.config["files"]] == ["org/strong", "org/weak"]
        data = load_eval_data(s, slug)
    board = model_leaderboard(data, EvalOptions(source="lm-eval: gsm8k", n_boot=200), pointwise=True)
    [entry] = board["criteria"]
    assert (entry["criterion"], entry["n_items"]) == ("exact_match", 30)
    assert [(r["model"], r["position"], r["rank"], r["mean"]) for r in entry["leaderboard"]] == [
        ("org/strong", 1, 1, 1.0), ("org/weak", 2, 2, 0.0)]
