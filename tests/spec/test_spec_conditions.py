"""The condition language: parsing, evaluation, and refusal of anything that is not plain data."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from assay.spec import Condition


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("accuracy <= 2", {"accuracy": 2}, True),
        ("accuracy <= 2", {"accuracy": 3}, False),
        ("accuracy <= 2", {}, False),  # unanswered -> comparison is False
        ("accuracy != 2", {}, False),
        ("not (accuracy == 1)", {"accuracy": 2}, True),
        ("not (accuracy == 1)", {}, True),
        ('verdict == "A"', {"verdict": {"winner": "A", "strength": 2}}, True),  # compare answers test their winner
        ('verdict == "tie"', {"verdict": {"winner": "B", "strength": None}}, False),
        ('harmful in ["yes", "unsure"]', {"harmful": "unsure"}, True),
        ('harmful not in ["yes", "unsure"]', {"harmful": "no"}, True),
        ('harmful not in ["yes", "unsure"]', {}, False),
        ("x == 1 and y == 2", {"x": 1, "y": 2}, True),
        ("x == 1 and y == 2", {"x": 1, "y": 3}, False),
        ("x == 1 or y == 2", {"x": 0, "y": 2}, True),
        ("(x == 1 or y == 2) and z > 0.5", {"x": 1, "z": 0.75}, True),
        ("1 <= score <= 3", {"score": 2}, True),
        ("1 <= score <= 3", {"score": 4}, False),
        ("score > -1", {"score": 0}, True),
        ('checklist == "facts"', {"checklist": ["facts", "format"]}, True),  # multiple choice: selected
        ('checklist != "facts"', {"checklist": ["format"]}, True),
        ('checklist in ["facts", "x"]', {"checklist": ["format", "facts"]}, True),
        ('"facts" in checklist', {"checklist": ["facts"]}, True),
        ("flag == true", {"flag": True}, True),
        ("flag == true", {"flag": 1}, False),
        ('score < "3"', {"score": 2}, False),  # mismatched types never compare true
        ('comment == ""', {"comment": ""}, False),  # empty text is unanswered
        ("true", {}, True),
        ("a == b", {"a": 1, "b": 1}, True),
    ],
)
def test_evaluate(source: str, answers: dict[str, Any], expected: bool) -> None:
    assert Condition(source).evaluate(answers) is expected


def test_names_and_source() -> None:
    cond = Condition('accuracy   <= 2 and\n verdict in ["a", "b"]')
    assert cond.names == frozenset({"accuracy", "verdict"})
    assert str(cond) == 'accuracy <= 2 and verdict in ["a", "b"]'
    assert cond == Condition(str(cond)) and hash(cond) == hash(Condition(str(cond)))
    assert list(cond.comparisons()) == [("accuracy", "<=", [2]), ("verdict", "in", ["a", "b"])]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("__import__('os')", "function calls"),
        ("__import__('os').system('ls') == 0", "function calls"),
        ("accuracy.__class__ == 1", "attribute access"),
        ("answers['x'] == 1", "indexing"),
        ("x == (lambda: 1)", "lambdas"),
        ("x + 1 == 2", "arithmetic"),
        ("x == {1: 2}", "dict literals"),
        ("x == [y for y in z]", "comprehensions"),
        ("x is None", "only ==, !=, <, <=, >, >= , in and not in".replace(" ,", ",")),
        ("x == None", "expected a question key or a literal"),
        ("x", "expected a comparison"),
        ("x == 1 if y else 2", "if-expressions"),
        ("(x := 1) == 1", "assignments"),
        ("x == [[1]]", "cannot be nested"),
        ("x ==", "invalid condition"),
        ("import os", "invalid condition"),
        ("", "empty condition"),
        ("x == 1e999", "finite"),
    ],
)
def test_rejects_anything_but_plain_comparisons(source: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        Condition(source)


def test_rejects_deep_nesting_and_long_input() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        Condition(" and ".join(["not (x == 1)"] * 1) + " and " + "not " * 40 + "x == 1")
    with pytest.raises(ValueError, match="longer than"):
        Condition("x == 1 and " * 200 + "x == 1")


def test_non_string_rejected() -> None:
    with pytest.raises(ValueError, match="expected a condition string"):
        not_text: Any = 3
        Condition(not_text)


class _Holder(BaseModel):
    when: Condition | None = None


def test_pydantic_field_serialises_to_source() -> None:
    holder = _Holder.model_validate({"when": "x <= 2"})
    assert isinstance(holder.when, Condition)
    assert holder.model_dump() == {"when": "x <= 2"}
    assert holder.model_dump_json() == '{"when":"x <= 2"}'
    assert _Holder.model_validate(holder.model_dump()) == holder
    assert _Holder.model_json_schema()["properties"]["when"]["anyOf"][0]["type"] == "string"


_ALPHABET = "xyz_ab0123456789.()[]{}'\"=!<>+-*/%&|^~:,;@ \n\tinotandrfeslmpu"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_arbitrary_text_either_parses_or_raises_value_error(source: str) -> None:
    try:
        cond = Condition(source)
    except ValueError:
        return
    answers: dict[str, Any] = {"x": 1, "y": "a", "z": [1, "a"], "a": {"winner": "A"}, "b": None}
    assert isinstance(cond.evaluate(answers), bool)
    assert Condition(str(cond)) == cond
