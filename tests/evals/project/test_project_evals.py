"""Model evaluation over a stored project: evidence read from people's judgements and judge runs, the
leaderboard and comparisons on it, judge calibration, the HTML report."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest

from assay.evals.project import (
    HUMANS,
    EvalOptions,
    calibrate_judges,
    compare_models,
    family_of,
    load_eval_data,
    model_failures,
    model_leaderboard,
    model_scores,
)
from assay.evals.project.report import build_report
from assay.io import import_file
from assay.judge import judge_project, make_execute
from assay.models import OFFLINE_ENDPOINT
from assay.spec import parse_spec
from assay.store import Database
from assay.store.projects import create_project

SPEC = """
slug: arena
name: Arena
layout: {fields: [prompt], responses: 2, show_model_names: false}
distribution: {overlap: 3}
questions:
  - {key: pref, kind: compare, title: Which is better}
  - {key: order, kind: rank, title: Rank}
  - {key: quality, kind: rating, title: Quality, per_response: true, scale: {min: 1, max: 5}}
  - {key: problems, kind: span, title: Problems, required: false}
"""
MODELS = ("strong", "middle", "<script>weak</script>")
N_ITEMS = 60


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


@pytest.fixture
def arena(db: Database, tmp_path: Path) -> Database:
    """60 items, each a pair of two of three models; the stronger model's answer is longer. Three
    people compare, rank and rate them, preferring the stronger one 85% of the time; two of three
    flag the weak model's answers as hallucinations."""
    rng = random.Random(7)
    spec = parse_spec(SPEC)
    with db.write_session() as s:
        create_project(s, spec)
    items, labels = [], []
    strength = {m: i for i, m in enumerate(reversed(MODELS))}
    for i in range(N_ITEMS):
        a, b = rng.sample(MODELS, 2)
        text = {m: f"Answer from {m}. " + "More detail. " * (2 + 6 * strength[m]) for m in (a, b)}
        items.append({"id": f"i{i}", "prompt": f"Question {i}?", "domain": "STEM" if i % 2 else "Humanities",
                      "responses": [{"model": a, "content": text[a]}, {"model": b, "content": text[b]}]})
        better = "A" if strength[a] > strength[b] else "B"
        worse = "B" if better == "A" else "A"
        for person in ("ann", "bob", "cat"):
            pick = better if rng.random() < 0.85 else worse
            labels.append({"item": f"i{i}", "annotator": person, "question": "pref", "value": pick})
            labels.append({"item": f"i{i}", "annotator": person, "question": "order",
                           "value": f"{pick}>{'B' if pick == 'A' else 'A'}"})
            for letter, model in (("A", a), ("B", b)):
                score = min(5, max(1, 2 + strength[model] + rng.choice((-1, 0, 0, 1))))
                labels.append({"item": f"i{i}", "annotator": person, "question": "quality", "response": letter,
                               "value": score})
                flagged = model == MODELS[2] and person != "cat"
                spans = [{"start": 0, "end": 6, "label": "hallucination"}] if flagged else []
                labels.append({"item": f"i{i}", "annotator": person, "question": "problems", "response": letter,
                               "value": spans})
    import_file(db, spec.slug, _write(tmp_path / "items.jsonl", items))
    import_file(db, spec.slug, _write(tmp_path / "labels.jsonl", labels), schema="judgements")
    judge_project(db, spec.slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    return db


def test_evidence_from_people_and_the_judge(arena: Database) -> None:
    with arena.session() as s:
        data = load_eval_data(s, "arena")
    assert data.sources == [HUMANS, "judge offline"]
    people = data.battles[data.battles["source"] == HUMANS]
    # One battle per compare answer and one per ranked pair: 60 items × 3 people × 2 questions.
    assert len(people) == N_ITEMS * 3 * 2 and set(people["criterion"]) == {"pref", "order"}
    judge = data.battles[data.battles["source"] == "judge offline"]
    assert len(judge) == N_ITEMS  # both orders combined into one battle per pair
    # The offline judge prefers the longer answer, which is always the stronger model's here.
    stronger = {m: i for i, m in enumerate(reversed(MODELS))}
    assert all(stronger[w] == max(stronger[a], stronger[b]) for w, a, b in zip(judge["winner"], judge["left"],
                                                                             judge["right"], strict=True))
    scores = data.scores[data.scores["source"] == HUMANS]
    assert len(scores) == N_ITEMS * 2 and scores["value"].between(1, 5).all()


def test_leaderboard_orders_the_models(arena: Database) -> None:
    with arena.session() as s:
        data = load_eval_data(s, "arena")
    board = model_leaderboard(data, EvalOptions(n_boot=200, criterion="pref"))
    (entry,) = board["criteria"]
    assert [r["model"] for r in entry["leaderboard"]] == list(MODELS)
    top = entry["leaderboard"][0]
    assert top["ci_low"] < top["rating"] < top["ci_high"]
    judged = model_leaderboard(data, EvalOptions(n_boot=0, source="judge offline"))
    assert [r["model"] for r in judged["criteria"][0]["leaderboard"]] == list(MODELS)
    with pytest.raises(ValueError, match="no source 'nobody'"):
        model_leaderboard(data, EvalOptions(source="nobody"))


def test_scores_comparison_and_failures(arena: Database) -> None:
    with arena.session() as s:
        data = load_eval_data(s, "arena")
    table = model_scores(data, EvalOptions(n_boot=100, threshold=4), by=("model", "criterion", "domain"))
    means = {(r["model"], r["domain"]): r["mean"] for r in table["rows"]}
    assert means[("strong", "STEM")] > means[("middle", "STEM")] > means[(MODELS[2], "STEM")]
    result = compare_models(data, "middle", "strong", EvalOptions(threshold=4))
    kinds = {e["kind"]: e for e in result["criteria"] if e["criterion"] == "pref" or e["kind"] == "scores"}
    assert kinds["battles"]["win_rate_b"] > 0.7 and kinds["battles"]["p_value"] < 0.05
    with pytest.raises(ValueError, match="no model 'gpt-9'"):
        compare_models(data, "gpt-9", "strong", EvalOptions())
    failures = model_failures(data, EvalOptions(n_boot=100))
    rate = {(r["model"], r["failure_type"]): r["rate"] for r in failures["rows"]}
    # Two of three people flagged every weak answer: at least half, so every one counts.
    assert rate[(MODELS[2], "hallucination")] == 1.0 and rate[("strong", "hallucination")] == 0.0


def test_judge_calibration(arena: Database) -> None:
    with arena.session() as s:
        data = load_eval_data(s, "arena")
        result = calibrate_judges(s, data, n_boot=100)
    (judge,) = result["judges"]
    by_question = {q["question"]: q for q in judge["questions"]}
    pref = by_question["pref"]
    assert pref["position_bias"]["n_pairs"] == N_ITEMS and pref["position_bias"]["flip_rate"] == 0.0
    # The people prefer the stronger (longer) answer ~85% of the time; the judge always does.
    assert pref["length_bias"]["judge_rate"] == 1.0 and 0.6 < pref["length_bias"]["human_rate"] < 1.0
    assert pref["agreement"]["accuracy"] > 0.8
    assert set(pref["coverage"]) >= {"curve", "threshold", "coverage"}
    assert "agreement" in by_question["quality"] and by_question["quality"]["n_units"] == N_ITEMS * 2


def test_family_names() -> None:
    assert family_of("Qwen/Qwen2.5-7B-Instruct") == "qwen"
    assert family_of("gpt-4o-mini") == "gpt" and family_of("claude-3-5-sonnet") == "claude"
    assert family_of(None) is None and family_of("7b") == "b"


def test_report_escapes_model_names(arena: Database) -> None:
    with arena.session() as s:
        html = build_report(s, "arena", EvalOptions(n_boot=50))
    assert "<script>" not in html and "&lt;script&gt;weak&lt;/script&gt;" in html
    assert "Judges against people" in html and html.count("<svg") >= 3


def test_a_panel_of_judges_is_a_source(arena: Database) -> None:
    from assay.evals.project import PANEL
    from assay.judge import JudgeOptions
    from assay.models import Endpoint

    # A second judge: the same heuristic under another name (a different run configuration).
    second = Endpoint(name="second", provider="offline", model="second-judge")
    judge_project(arena, "arena", second, options=JudgeOptions(name="second judge"),
                  execute=make_execute(use_cache=False))
    with arena.session() as s:
        data = load_eval_data(s, "arena")
        assert data.sources == [HUMANS, "judge offline", "second judge", PANEL]
        panel = data.battles[data.battles["source"] == PANEL]
        assert len(panel) == N_ITEMS  # one per pair, whatever the number of judges
        result = calibrate_judges(s, data, n_boot=20)
        assert [j["judge"] for j in result["judges"]] == ["judge offline", "second judge"] and "panel" in result
        with pytest.raises(ValueError, match="not a judge run"):
            calibrate_judges(s, data, [PANEL])
    board = model_leaderboard(data, EvalOptions(source=PANEL, n_boot=0, criterion="pref"))
    assert [r["model"] for r in board["criteria"][0]["leaderboard"]] == list(MODELS)
