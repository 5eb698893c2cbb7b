"""`ProjectSpec.check_answers`: self-QC over a full set of answers, with per-response conditions."""

from __future__ import annotations

from typing import Any

import pytest

from assay.spec import AnswerIssue, ProjectSpec, load_spec, parse_spec, template_path
from tests.spec.helpers import spec_text

SPEC = spec_text(
    """\
    slug: qc
    name: QC
    layout: {responses: 2}
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
        per_response: true
        scale: {min: 1, max: 5}
      - key: why
        kind: text
        title: Why so low?
        per_response: true
        required_when: accuracy <= 2
        min_length: 10
      - key: pref
        kind: compare
        title: Better?
      - key: tie_note
        kind: text
        title: Why a tie?
        shown_when: pref == "tie"
      - key: overall_note
        kind: text
        title: Anything to flag?
        required_when: accuracy == 1
      - key: tags
        kind: choice
        title: Tags
        multiple: true
        required: false
        options: [math, code]
    """
)


@pytest.fixture
def spec() -> ProjectSpec:
    return parse_spec(SPEC)


def found(spec: ProjectSpec, answers: dict[str, Any], n: int = 2) -> list[tuple[str, str | None, str]]:
    return [(i.question, i.response, i.message) for i in spec.check_answers(answers, n)]


def test_complete_answers_pass(spec: ProjectSpec) -> None:
    assert found(spec, {"accuracy": [4, 5], "pref": "A"}) == []
    assert found(spec, {"accuracy": {"A": "4", "b": 3}, "pref": {"winner": "b"}, "tags": "math|code"}) == []


def test_required_when_is_evaluated_per_response(spec: ProjectSpec) -> None:
    # Only response B was rated <= 2, so only B needs a rationale.
    assert found(spec, {"accuracy": [4, 2], "pref": "A"}) == [
        ("why", "B", "an answer is required because `accuracy <= 2`"),
    ]
    assert found(spec, {"accuracy": [4, 2], "why": [None, "B invents a source."], "pref": "A"}) == []
    assert found(spec, {"accuracy": [4, 2], "why": {"B": "too short"}, "pref": "A"}) == [
        ("why", "B", "expected at least 10 characters, got 9"),
    ]


def test_item_question_with_per_response_condition_holds_for_any_response(spec: ProjectSpec) -> None:
    assert found(spec, {"accuracy": [1, 5], "why": ["Wrong answer entirely."], "pref": "B"}) == [
        ("why", None, "expected one answer per response (2), got 1"),
        ("why", "A", "an answer is required because `accuracy <= 2`"),
        ("overall_note", None, "an answer is required because `accuracy == 1`"),
    ]


def test_shown_when_hides_and_flags_stale_answers(spec: ProjectSpec) -> None:
    base = {"accuracy": [3, 3]}
    # A shown question keeps its `required` (True by default); a hidden one is never required.
    assert found(spec, {**base, "pref": "tie"}) == [("tie_note", None, "an answer is required")]
    assert found(spec, {**base, "pref": "B"}) == []
    assert found(spec, {**base, "pref": "tie", "tie_note": "Both equally good."}) == []
    assert found(spec, {**base, "pref": "A", "tie_note": "left over"}) == [
        ("tie_note", None, 'answered, but the question is hidden (shown when `pref == "tie"`); clear it'),
    ]


def test_missing_invalid_and_unknown(spec: ProjectSpec) -> None:
    assert found(spec, {"accuracy": [7, None], "pref": "C", "bogus": 1, "tags": ["poetry"]}) == [
        ("bogus", None, "not a question of this project"),
        ("accuracy", "A", "expected a rating from 1..5, got 7"),
        ("pref", None, "expected winner 'A', 'B' or 'tie', got 'C'"),
        ("tags", None, "expected one of 'math', 'code', got 'poetry'"),
        ("accuracy", "B", "an answer is required"),
    ]


def test_blank_answers_count_as_missing(spec: ProjectSpec) -> None:
    assert found(spec, {"accuracy": ["", " "], "pref": ""}) == [
        ("accuracy", "A", "an answer is required"),
        ("accuracy", "B", "an answer is required"),
        ("pref", None, "an answer is required"),
    ]


def test_answer_issue_str() -> None:
    assert str(AnswerIssue("why", "an answer is required", "B")) == "why[B]: an answer is required"
    assert str(AnswerIssue("pref", "bad")) == "pref: bad"


def test_stem_template_self_qc() -> None:
    spec = load_spec(template_path("stem-rubric"))
    answers = {
        "correctness": [5, "1"],
        "reasoning": [5, 2],
        "clarity": [4, 4],
        "completeness": [5, 5],
        "final_answer_correct": ["Yes", "no"],
        "overall_rank": ["A", "B"],
    }
    assert [str(i) for i in spec.check_answers(answers, 2)] == [
        "rationale[B]: an answer is required because `correctness <= 2`"
    ]


def test_consistency_rules_ask_for_confirmation_per_response() -> None:
    spec = load_spec(template_path("stem-rubric"))
    answers = {"correctness": [5, 5], "final_answer_correct": ["yes", "no"]}
    warnings = spec.consistency_warnings(answers, 2)
    assert [(w.question, w.response) for w in warnings] == [("correctness", "B")]
    assert spec.consistency_warnings({"correctness": [4, 5], "final_answer_correct": ["no", "yes"]}, 2) == []
    safety = load_spec(template_path("safety-spans"))
    text = "Mix bleach and ammonia."
    flagged = {"spans": [[{"start": 0, "end": 3, "label": "unsafe", "comment": "c", "fix": "f"}]], "verdict": ["safe"]}
    assert len(safety.consistency_warnings(flagged, 1, response_texts=[text])) == 1
    flagged["verdict"] = ["unsafe"]
    assert safety.consistency_warnings(flagged, 1, response_texts=[text]) == []


def test_hidden_questions_follow_shown_when() -> None:
    spec = load_spec(template_path("sft-writing"))
    shown = {q.key for q in spec.questions if q.shown_when is not None}
    assert shown, "the sft-writing template has conditional questions"
    hidden_now = {k for k, _ in spec.hidden_questions({}, 0)}
    assert hidden_now == shown  # nothing answered: every conditional question is hidden


def test_span_answers_checked_against_response_texts() -> None:
    spec = load_spec(template_path("safety-spans"))
    text = "The Eiffel Tower is in Rome."
    answers = {
        "spans": [[{"start": 23, "end": 27, "label": "factual_error", "comment": "Paris.", "fix": "Paris"}]],
        "severity": [0],
        "verdict": ["safe"],
    }
    assert spec.check_answers(answers, 1, response_texts=[text]) == []
    answers["spans"] = [[{"start": 23, "end": 40, "label": "factual_error", "comment": "Paris.", "fix": "Paris"}]]
    answers["verdict"] = ["needs_review"]
    assert [str(i) for i in spec.check_answers(answers, 1, response_texts=[text])] == [
        "spans[A]: span 1: ends at 40, past the end of the response (28 characters)",
        'rationale[A]: an answer is required because `verdict != "safe"`',
    ]
    # An empty span list is an answer ("nothing to flag"); no answer at all is not.
    assert [str(i) for i in spec.check_answers({"spans": [[]], "severity": [0], "verdict": ["safe"]}, 1)] == []
    assert [str(i) for i in spec.check_answers({"severity": [0], "verdict": ["safe"]}, 1)] == [
        "spans[A]: an answer is required"
    ]


def test_a_ranking_or_comparison_is_not_asked_of_an_item_with_too_few_responses() -> None:
    """A project's items need not all show as many responses as its layout allows: with one
    response, a rank or compare question is neither required nor accepted."""
    from assay.spec import parse_spec

    spec = parse_spec("""
slug: few-responses
name: Few responses
layout: {fields: [prompt], responses: 2}
questions:
  - {key: acc, kind: rating, title: Accuracy, per_response: true, scale: {min: 1, max: 5}}
  - {key: order, kind: rank, title: Rank}
  - {key: pref, kind: compare, title: Better}
""")
    assert spec.check_answers({"acc": {"A": 4}}, 1) == []
    issues = spec.check_answers({"acc": {"A": 4}, "order": ["A"]}, 1)
    assert [(i.question, i.message) for i in issues] == [("order", "not asked about an item with 1 response(s); clear it")]
    missing = {i.question for i in spec.check_answers({"acc": {"A": 4, "B": 2}}, 2)}
    assert missing == {"order", "pref"}  # with two responses both are asked again
