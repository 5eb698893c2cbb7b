"""SFT from written answers, rewrites and best responses; KTO from choices and rating thresholds; reward data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from assay.exports import ExportError, ExportOptions, Filters, export_dataset
from assay.store import Database
from tests.exports.helpers import answer, give_review, item, jsonl, make_project, set_consensus

ANSWERS = [
    answer("t1", "ann1", "answer", "Written by ann1 for t1."), answer("t1", "ann2", "answer", "Written by ann2 for t1."),
    answer("t2", "ann1", "answer", "Written by ann1 for t2."), answer("t2", "ann2", "answer", "Written by ann2 for t2."),
    answer("t3", "ann1", "answer", "Written by ann1 for t3."),
    answer("t1", "ann1", "rewrite", "A, rewritten by ann1.", "A"),
    answer("t1", "ann1", "note", "Just a comment."),
    *[answer("t1", who, "quality", v, r) for who, r, v in (("ann1", "A", 4), ("ann2", "A", 5), ("ann1", "B", 2),
                                                            ("ann2", "B", 2))],
    *[answer("t2", "ann1", "quality", 3, r) for r in "AB"],
    *[answer("t1", who, "helpfulness", v, r) for who, r, v in (("ann1", "A", 4), ("ann2", "A", 3), ("ann1", "B", 1))],
    answer("t1", "ann1", "verdict", "pass", "A"), answer("t1", "ann2", "verdict", "pass", "A"),
    answer("t1", "ann1", "verdict", "fail", "B"),
    answer("t1", "ann1", "why", "A is right and clear.", "A"), answer("t1", "ann2", "why", "A is correct.", "A"),
    answer("t1", "ann1", "why", "B is wrong.", "B"),
]


@pytest.fixture
def slug(db: Database, tmp_path: Path) -> str:
    slug = make_project(db, tmp_path, [item("t1"), item("t2", domain="Humanities"), item("t3")], ANSWERS)
    give_review(db, "t1", "ann2", "accept")
    give_review(db, "t2", "ann2", "accept")
    give_review(db, "t2", "ann1", "correct", corrected={"answer": "Corrected by the reviewer for t2."})
    return slug


def export(db: Database, slug: str, path: Path, kind: str, schema: str, **options: Any) -> list[dict[str, Any]]:
    filters = options.pop("filters", Filters())
    export_dataset(db, slug, path, ExportOptions(kind=kind, record_schema=schema, filters=filters, **options))  # type: ignore[arg-type]
    return jsonl(path) if path.suffix == ".jsonl" else []


def _answer(record: dict[str, Any]) -> str:
    return str(record["messages"][-1]["content"])


def test_sft_prefers_corrected_then_accepted_answers(db: Database, slug: str, tmp_path: Path) -> None:
    got = export(db, slug, tmp_path / "s.jsonl", "sft", "openai-chat", question="answer")
    assert [(r["id"], _answer(r), r["annotator"]) for r in got] == [
        ("t1", "Written by ann2 for t1.", "ann2"),            # accepted beats unreviewed
        ("t2", "Corrected by the reviewer for t2.", "ann1"),  # a correction beats an acceptance
        ("t3", "Written by ann1 for t3.", "ann1"),
    ]
    assert got[0]["messages"] == [{"role": "user", "content": "Question t1?"},
                                  {"role": "assistant", "content": "Written by ann2 for t1."}]
    every = export(db, slug, tmp_path / "all.jsonl", "sft", "openai-chat", question="answer", per="judgement")
    assert len(every) == 5
    approved = export(db, slug, tmp_path / "ok.jsonl", "sft", "openai-chat", question="answer",
                      filters=Filters(approved_only=True))
    assert [(r["id"], r["annotator"]) for r in approved] == [("t1", "ann2"), ("t2", "ann1")]


def test_sft_from_every_response_and_rewrite_question(db: Database, slug: str, tmp_path: Path) -> None:
    got = export(db, slug, tmp_path / "s.jsonl", "sft", "sharegpt")
    assert [(r["id"], r["conversations"][-1]["value"]) for r in got] == [
        ("t1", "Written by ann2 for t1."), ("t1", "A, rewritten by ann1."), ("t2", "Corrected by the reviewer for t2."),
        ("t3", "Written by ann1 for t3."),
    ]
    assert got[0]["conversations"][0] == {"from": "human", "value": "Question t1?"}


def test_sft_best_response(db: Database, slug: str, tmp_path: Path) -> None:
    got = export(db, slug, tmp_path / "b.jsonl", "sft", "openai-chat", best_response="quality")
    # t1: A (mean 4.5) beats B (2); t2: A and B tie at 3, the first is taken.
    assert [(r["id"], _answer(r), r["model"]) for r in got] == [("t1", "Answer A to t1.", "m-a"),
                                                                ("t2", "Answer A to t2.", "m-a")]
    export(db, slug, tmp_path / "c.json", "sft", "alpaca", best_response="quality", min_score=4)
    rows = orjson.loads((tmp_path / "c.json").read_bytes())
    assert [(r["id"], r["instruction"], r["output"]) for r in rows] == [("t1", "Question t1?", "Answer A to t1.")]


def test_sft_refuses_what_it_cannot_use(db: Database, slug: str, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="collects a comment; SFT answers come from text questions with purpose"):
        export(db, slug, tmp_path / "x.jsonl", "sft", "openai-chat", question="note")
    with pytest.raises(ExportError, match="written answers have none"):
        export(db, slug, tmp_path / "x.jsonl", "sft", "openai-chat", filters=Filters(min_confidence=0.5))
    with pytest.raises(ExportError, match="--per mean does not apply"):
        export(db, slug, tmp_path / "x.jsonl", "sft", "openai-chat", per="mean")


def test_kto_from_a_choice_question(db: Database, slug: str, tmp_path: Path) -> None:
    got = export(db, slug, tmp_path / "k.jsonl", "kto", "trl-kto", label_from="verdict", desirable=("pass",),
                 per="judgement")
    assert [(r["id"], r["completion"][0]["content"], r["label"], r["annotator"]) for r in got] == [
        ("t1", "Answer A to t1.", True, "ann1"), ("t1", "Answer A to t1.", True, "ann2"),
        ("t1", "Answer B to t1.", False, "ann1")]
    assert got[0]["prompt"] == [{"role": "user", "content": "Question t1?"}]
    set_consensus(db, "t1", "verdict", "pass", 0.9, response="A")
    set_consensus(db, "t1", "verdict", "fail", 0.6, response="B")
    got = export(db, slug, tmp_path / "c.jsonl", "kto", "trl-kto", label_from="verdict", desirable=("pass",),
                 filters=Filters(min_confidence=0.5))
    assert [(r["completion"][0]["content"], r["label"]) for r in got] == [("Answer A to t1.", True),
                                                                           ("Answer B to t1.", False)]


def test_kto_from_a_rating_threshold(db: Database, slug: str, tmp_path: Path) -> None:
    got = export(db, slug, tmp_path / "k.jsonl", "kto", "trl-kto", label_from="quality", threshold=4, form="standard")
    assert [(r["id"], r["completion"], r["label"]) for r in got] == [
        ("t1", "Answer A to t1.", True), ("t1", "Answer B to t1.", False),
        ("t2", "Answer A to t2.", False), ("t2", "Answer B to t2.", False)]
    assert got[0]["prompt"] == "Question t1?"  # the standard form: plain strings


def test_kto_errors(db: Database, slug: str, tmp_path: Path) -> None:
    for options, message in (({}, "--as kto needs --label-from"),
                             ({"label_from": "verdict"}, "say which options are desirable"),
                             ({"label_from": "verdict", "desirable": ("ok",)}, "'ok' is not an option of 'verdict'"),
                             ({"label_from": "quality"}, "needs --threshold"),
                             ({"label_from": "answer"}, "is a text question")):
        with pytest.raises(ExportError, match=message):
            export(db, slug, tmp_path / "x.jsonl", "kto", "trl-kto", **options)


def test_ratings_mean_per_criterion_with_rationales(db: Database, slug: str, tmp_path: Path) -> None:
    got = export(db, slug, tmp_path / "u.jsonl", "ratings", "ultrafeedback")
    t1 = got[0]
    assert (t1["instruction"], t1["models"], t1["id"]) == ("Question t1?", ["m-a", "m-b"], "t1")
    a, b = t1["completions"]
    assert a["response"] == "Answer A to t1."
    assert a["annotations"]["quality"] == {"Rating": "4.5"}
    assert a["annotations"]["helpfulness"] == {"Rating": "3.5"}
    assert a["annotations"]["why"] == {"Rationale": "A is right and clear.\n\nA is correct."}
    assert b["annotations"]["quality"] == {"Rating": "2"} and b["annotations"]["helpfulness"] == {"Rating": "1"}
    t2 = got[1]
    assert [c["annotations"] for c in t2["completions"]] == [{"quality": {"Rating": "3"}}, {"quality": {"Rating": "3"}}]
    helpsteer = export(db, slug, tmp_path / "h.jsonl", "ratings", "helpsteer", criteria=("helpfulness",))
    assert [(r["response"], r["helpfulness"]) for r in helpsteer] == [("Answer A to t1.", 3.5), ("Answer B to t1.", 1)]


def test_ratings_table(db: Database, slug: str, tmp_path: Path) -> None:
    rows = export(db, slug, tmp_path / "t.jsonl", "ratings", "table", criteria=("quality",))
    first = rows[0]
    assert {k: first[k] for k in ("item", "response", "model", "criterion", "rating", "n", "confidence", "agreement")} == {
        "item": "t1", "response": "A", "model": "m-a", "criterion": "quality", "rating": 4.5, "n": 2,
        "confidence": 0.75, "agreement": 1.0}
    assert first["rationale"] == "A is right and clear.\n\nA is correct."
    assert [(r["item"], r["response"], r["rating"]) for r in rows] == [("t1", "A", 4.5), ("t1", "B", 2), ("t2", "A", 3),
                                                                       ("t2", "B", 3)]
    per_person = export(db, slug, tmp_path / "p.jsonl", "ratings", "table", criteria=("quality",), per="judgement")
    assert [(r["item"], r["response"], r["rating"], r["annotator"]) for r in per_person] == [
        ("t1", "A", 4, "ann1"), ("t1", "B", 2, "ann1"), ("t1", "A", 5, "ann2"), ("t1", "B", 2, "ann2"),
        ("t2", "A", 3, "ann1"), ("t2", "B", 3, "ann1")]
