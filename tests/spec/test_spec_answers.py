"""`Question.check_answer`: canonical forms, the string forms CSV gives, and clear rejections."""

from __future__ import annotations

from typing import Any

import pytest

from assay.spec import AnswerError, Question


def make(kind: str, **fields: Any) -> Question:
    return Question.model_validate({"key": "q", "kind": kind, "title": "Q", **fields})


RATING = make("rating", scale={"min": 1, "max": 5, "anchors": {1: "Bad", 5: "Good"}})


@pytest.mark.parametrize(("value", "expected"), [(4, 4), ("4", 4), (4.0, 4), (" 5 ", 5), ("1.0", 1)])
def test_rating_good(value: Any, expected: int) -> None:
    assert RATING.check_answer(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (4.5, "expected a whole number from 1 (Bad)..5 (Good), got 4.5"),
        ("x", "expected a whole number from 1 (Bad)..5 (Good), got 'x'"),
        (True, "got True"),
        (0, "expected a rating from 1 (Bad)..5 (Good), got 0"),
        ("6", "got 6"),
        (None, "no answer given"),
        ([3], "got [3]"),
    ],
)
def test_rating_bad(value: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        RATING.check_answer(value)


SINGLE = make("choice", options=["yes", "no", {"value": "cannot_tell", "label": "Cannot tell"}])
MULTI = make("choice", options=["a", "b", "c", "d"], multiple=True, min_selections=1, max_selections=3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", "yes"), (" no ", "no"), ("YES", "yes"), ("Cannot tell", "cannot_tell"), ("cannot_tell", "cannot_tell")],
)
def test_single_choice_good(value: str, expected: str) -> None:
    assert SINGLE.check_answer(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "expected one of 'yes', 'no', 'cannot_tell', got 'maybe'"),
        (["yes"], "expected a single option"),
        (3, "expected one of"),
    ],
)
def test_single_choice_bad(value: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        SINGLE.check_answer(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["c", "a"], ["a", "c"]),  # canonical order is option order
        ('["b", "d"]', ["b", "d"]),
        ("d|a", ["a", "d"]),
        ("a", ["a"]),
        (["a", "a", "B"], ["a", "b"]),
    ],
)
def test_multiple_choice_good(value: Any, expected: list[str]) -> None:
    assert MULTI.check_answer(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "expected at least 1 selected options, got 0"),
        ("a|b|c|d", "expected at most 3 selected options, got 4"),
        (["a", "z"], "expected one of 'a', 'b', 'c', 'd', got 'z'"),
        ('["a", ', "could not read JSON answer"),
        ({"a": 1}, "expected a list of options"),
    ],
)
def test_multiple_choice_bad(value: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        MULTI.check_answer(value)


COMPARE = make("compare", strength={"min": 1, "max": 3})
PLAIN_COMPARE = make("compare")
NO_TIE = make("compare", allow_tie=False)


@pytest.mark.parametrize(
    ("question", "value", "expected"),
    [
        (PLAIN_COMPARE, "A", {"winner": "A", "strength": None}),
        (PLAIN_COMPARE, "b", {"winner": "B", "strength": None}),
        (PLAIN_COMPARE, "Tie", {"winner": "tie", "strength": None}),
        (PLAIN_COMPARE, '{"winner": "a"}', {"winner": "A", "strength": None}),
        (COMPARE, {"winner": "B", "strength": 3}, {"winner": "B", "strength": 3}),
        (COMPARE, '{"winner": "A", "strength": "2"}', {"winner": "A", "strength": 2}),
        (COMPARE, {"winner": "tie", "strength": None}, {"winner": "tie", "strength": None}),
        (COMPARE, "tie", {"winner": "tie", "strength": None}),
    ],
)
def test_compare_good(question: Question, value: Any, expected: dict[str, Any]) -> None:
    assert question.check_answer(value) == expected


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        (PLAIN_COMPARE, "C", "expected winner 'A', 'B' or 'tie', got 'C'"),
        (NO_TIE, "tie", "a tie is not allowed here"),
        (COMPARE, {"winner": "tie", "strength": 2}, "a tie has no strength"),
        (COMPARE, {"winner": "A", "strength": 4}, r"expected a strength from 1\.\.3, got 4"),
        (COMPARE, "A", "a strength from 1..3 is required"),
        (PLAIN_COMPARE, {"winner": "A", "strength": 1}, "has no strength scale"),
        (PLAIN_COMPARE, {"winner": "A", "margin": 1}, "unexpected keys"),
        (PLAIN_COMPARE, 1, "expected 'A', 'B', 'tie'"),
    ],
)
def test_compare_bad(question: Question, value: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        question.check_answer(value)


RANK = make("rank")
RANK_TIES = make("rank", allow_ties=True)


@pytest.mark.parametrize(
    ("question", "value", "n", "expected"),
    [
        (RANK, ["B", "A", "C"], 3, ["B", "A", "C"]),
        (RANK, "B>A>C", 3, ["B", "A", "C"]),
        (RANK, '["c", "a", "b"]', None, ["C", "A", "B"]),
        (RANK, "b > a", None, ["B", "A"]),
        (RANK_TIES, "B>C=A", 3, ["B", "A=C"]),
        (RANK_TIES, ["B", ["C", "A"]], 3, ["B", "A=C"]),
    ],
)
def test_rank_good(question: Question, value: Any, n: int | None, expected: list[str]) -> None:
    assert question.check_answer(value, n) == expected


@pytest.mark.parametrize(
    ("question", "value", "n", "message"),
    [
        (RANK, ["A", "B"], 3, "expected a ranking of responses A, B, C, got A, B"),
        (RANK, ["A", "C"], None, "expected a ranking of responses A, B, got A, C"),
        (RANK, "A>A>B", None, "only once"),
        (RANK, "B>A=C", 3, "ties are not allowed"),
        (RANK, ["A", 1], 2, "expected response letters"),
        (RANK, ["A"], 1, "expected at least 2 ranked responses, got 1"),
        (RANK, {"A": 1}, 2, "expected a ranking best to worst"),
    ],
)
def test_rank_bad(question: Question, value: Any, n: int | None, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        question.check_answer(value, n)


TEXT = make("text", purpose="rationale", min_length=10, max_length=20)


def test_text() -> None:
    assert TEXT.check_answer("  long enough text  ") == "  long enough text  "
    with pytest.raises(AnswerError, match="expected at least 10 characters, got 5"):
        TEXT.check_answer("short      ")
    with pytest.raises(AnswerError, match="expected at most 20 characters, got 21"):
        TEXT.check_answer("x" * 21)
    with pytest.raises(AnswerError, match="expected text, got 5"):
        TEXT.check_answer(5)
    with pytest.raises(AnswerError, match="expected some text"):
        make("text").check_answer("   ")


SPAN = make("span", require_comment=True, require_fix=True)
RESPONSE = "Paris is the capital of Germany."


def test_span_defaults_to_standard_labels_and_per_response() -> None:
    assert SPAN.per_response is True
    assert SPAN.span_label_names == ["hallucination", "factual_error", "bias", "misleading", "unsafe", "other"]


def test_span_good() -> None:
    value = [
        {"start": 24, "end": 31, "label": "factual_error", "comment": "It is France.", "fix": "France"},
        {"start": 0, "end": 5, "label": "Other", "comment": "c", "fix": "f", "quote": "Paris"},
    ]
    assert SPAN.check_answer(value, response_text=RESPONSE) == [
        {"start": 0, "end": 5, "label": "other", "quote": "Paris", "comment": "c", "fix": "f"},
        {"start": 24, "end": 31, "label": "factual_error", "quote": "Germany", "comment": "It is France.", "fix": "France"},
    ]
    as_json = '[{"start": "24", "end": 31, "label": "bias", "comment": "c", "fix": "f"}]'
    assert SPAN.check_answer(as_json)[0] == {
        "start": 24, "end": 31, "label": "bias", "quote": None, "comment": "c", "fix": "f",
    }
    assert SPAN.check_answer([]) == []
    assert SPAN.check_answer("") == []


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ({"start": 5, "end": 5, "label": "bias", "comment": "c", "fix": "f"}, "0 <= start < end"),
        ({"start": -1, "end": 5, "label": "bias", "comment": "c", "fix": "f"}, "0 <= start < end"),
        ({"start": 0, "end": 5, "label": "typo", "comment": "c", "fix": "f"}, "expected a label among hallucination"),
        ({"start": 0, "end": 5, "label": "bias", "fix": "f"}, "a comment explaining the problem is required"),
        ({"start": 0, "end": 5, "label": "bias", "comment": "c", "fix": " "}, "a suggested fix is required"),
        ({"start": 0, "end": 5, "label": "bias", "comment": "c", "fix": "f", "note": 1}, "unexpected keys"),
        ({"start": 0, "end": 99, "label": "bias", "comment": "c", "fix": "f"}, "past the end of the response"),
        ({"start": 0, "end": 5, "label": "bias", "comment": "c", "fix": "f", "quote": "Rome"}, "does not match"),
        ("not a span", "span 1: expected a mapping"),
    ],
)
def test_span_bad(span: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        SPAN.check_answer([span], response_text=RESPONSE)


def test_span_custom_labels_and_optional_comment() -> None:
    q = make("span", labels=["typo", {"name": "tone", "description": "Rude or off-tone"}])
    assert q.check_answer([{"start": 1, "end": 2, "label": "tone"}])[0]["comment"] is None
    with pytest.raises(AnswerError, match="expected a label among typo, tone, got 'bias'"):
        q.check_answer([{"start": 1, "end": 2, "label": "bias"}])
