"""Bad project files: every problem is reported with its YAML path, line and what was expected."""

from __future__ import annotations

import pytest

from assay.spec import SpecError, parse_spec
from tests.spec.helpers import issues, line_of, only_issue, spec_text

THREE_QUESTIONS = """\
slug: demo
name: Demo
layout: {responses: 2}
questions:
  - key: accuracy
    kind: rating
    title: Accuracy
    per_response: true
    scale: {min: 1, max: 5}
  - key: verdict
    kind: choice
    title: Verdict
    options: [good, bad]
  - key: depth
    kind: rating
    title: Depth
    scale:
      min: 1
      max: five
"""


def test_error_names_file_line_path_and_expectation() -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(THREE_QUESTIONS, source="project.yaml")
    assert str(info.value) == "project.yaml:19: questions[2].scale.max: expected an integer, got 'five'"
    (issue,) = info.value.issues
    assert (issue.path, issue.line, issue.source) == ("questions[2].scale.max", 19, "project.yaml")
    assert info.value.source == "project.yaml"
    assert isinstance(info.value, ValueError)


def test_all_errors_are_collected_in_line_order() -> None:
    text = """\
    slug: Bad Slug
    name: Demo
    languages: [en, "english!"]
    questions:
      - key: accuracy
        kind: ratng
        title: Accuracy
      - key: verdict
        kind: choice
        titel: Verdict
        options: [good, bad]
    distribution:
      gold_rate: 1.5
      overlap: 0
    """
    found = issues(text)
    assert [(p, line) for p, line, _ in found] == [
        ("slug", 1),
        ("languages", 3),
        ("questions[0].kind", 6),
        ("questions[1].title", 8),
        ("questions[1].titel", 10),
        ("distribution.gold_rate", 13),
        ("distribution.overlap", 14),
    ]
    messages = dict((p, m) for p, _, m in found)
    assert "got 'Bad Slug'" in messages["slug"]
    assert "'english!'" in messages["languages"]
    assert messages["questions[0].kind"].endswith("got 'ratng' (did you mean 'rating'?)")
    assert messages["questions[1].title"] == "required key is missing"
    assert messages["questions[1].titel"] == "unknown key (did you mean 'title'?)"
    assert messages["distribution.gold_rate"] == "expected a number <= 1.0, got 1.5"
    assert messages["distribution.overlap"] == "expected a number >= 1, got 0"


def test_unknown_top_level_key_suggests_the_right_one() -> None:
    text = """\
    slug: demo
    name: Demo
    question:
      - key: a
    """
    assert issues(text) == [
        ("questions", 1, "required key is missing"),
        ("question", 3, "unknown key (did you mean 'questions'?)"),
    ]


def test_unknown_key_without_close_match_has_no_hint() -> None:
    text = """\
    slug: demo
    name: Demo
    layout: {responses: 1, zebra: true}
    questions:
      - {key: ok, kind: text, title: Notes}
    """
    assert only_issue(text) == ("layout.zebra", 3, "unknown key")


def test_duplicate_question_keys() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: notes
        kind: text
        title: Notes
      - key: notes
        kind: text
        title: More notes
    """
    assert only_issue(text) == ("questions[1].key", 7, "duplicate question key 'notes' (first used by questions[0])")


def test_condition_referencing_unknown_key() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
        scale: {min: 1, max: 5}
      - key: why
        kind: text
        title: Why?
        required_when: acuracy <= 2
    """
    assert only_issue(text) == (
        "questions[1].required_when",
        11,
        "unknown question 'acuracy' (did you mean 'accuracy'?)",
    )


def test_condition_with_a_function_call_is_rejected_at_its_path() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: why
        kind: text
        title: Why?
        shown_when: __import__('os').system('echo hi') == 0
    """
    path, line, message = only_issue(text)
    assert (path, line) == ("questions[0].shown_when", 7)
    assert "function calls" in message or "attribute access" in message


def test_condition_literal_must_be_an_option() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: verdict
        kind: choice
        title: Verdict
        options: [safe, unsafe]
      - key: why
        kind: text
        title: Why?
        required_when: verdict != "Safe"
    """
    assert only_issue(text) == (
        "questions[1].required_when",
        11,
        "'Safe' is not an option of 'verdict' (did you mean 'safe'?); options: 'safe', 'unsafe'",
    )


def test_condition_on_a_rating_needs_a_number() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - {key: accuracy, kind: rating, title: Accuracy, scale: {min: 1, max: 5}}
      - {key: why, kind: text, title: "Why?", shown_when: accuracy == "low"}
    """
    assert only_issue(text) == (
        "questions[1].shown_when",
        5,
        "'accuracy' is a rating; compare it with a number, got 'low'",
    )


def test_condition_cycle_and_self_reference() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - {key: a, kind: text, title: A, shown_when: b == "x"}
      - {key: b, kind: text, title: B, shown_when: a == "y"}
      - {key: c, kind: text, title: C, required_when: c == "z"}
    """
    assert issues(text) == [
        ("questions[1].shown_when", 5, "conditions form a cycle: a -> b -> a"),
        ("questions[2].required_when", 6, "a condition cannot refer to its own question 'c'"),
    ]


def test_per_response_compare_is_an_error() -> None:
    text = """\
    slug: demo
    name: Demo
    layout: {responses: 2}
    questions:
      - key: pref
        kind: compare
        title: Which is better?
        per_response: true
    """
    assert only_issue(text) == (
        "questions[0].per_response",
        8,
        "compare questions are asked once per item, not per response",
    )


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("compare", "compare questions need layout.responses: 2, got 1"),
        ("rank", "rank questions need layout.responses of at least 2, got 1"),
    ],
)
def test_compare_and_rank_need_two_responses(kind: str, message: str) -> None:
    text = f"""\
    slug: demo
    name: Demo
    layout:
      responses: 1
    questions:
      - key: q
        kind: {kind}
        title: Which?
    """
    assert only_issue(text) == ("questions[0].kind", 7, message)


def test_rank_min_responses_above_layout() -> None:
    text = """\
    slug: demo
    name: Demo
    layout: {responses: 3}
    questions:
      - {key: order, kind: rank, title: Order, min_responses: 4}
    """
    assert only_issue(text) == ("questions[0].kind", 5, "rank questions need layout.responses of at least 4, got 3")


def test_per_response_question_without_responses() -> None:
    text = """\
    slug: demo
    name: Demo
    layout: {responses: 0}
    questions:
      - key: score
        kind: rating
        title: Score
        per_response: true
        scale: {min: 1, max: 3}
    """
    assert only_issue(text) == ("questions[0].per_response", 8, "asked per response, but layout.responses is 0")


def test_rating_anchor_out_of_range() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
        scale:
          min: 1
          max: 5
          anchors:
            1: Wrong
            5: {label: Right}
            7: {label: Beyond}
    """
    assert only_issue(text) == ("questions[0].scale.anchors.7", 13, "anchor 7 is outside the scale 1..5")


def test_rating_anchor_problems_are_all_reported() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
        scale:
          min: 1
          max: 5
          anchors:
            one: Wrong
            2: {label: Poor, colour: red}
            3: {description: no label}
    """
    assert issues(text) == [
        ("questions[0].scale.anchors.one", 11, "expected an integer scale value, got 'one'"),
        ("questions[0].scale.anchors.2.colour", 12, "unknown key (expected label, description)"),
        ("questions[0].scale.anchors.3", 13, "expected a `label` string"),
    ]


def test_scale_max_not_above_min_and_point_out_of_range() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
        scale:
          min: 3
          max: 3
          points:
            - {value: 3, label: Fine}
            - {value: 4, label: Too far}
    """
    assert issues(text) == [
        ("questions[0].scale.max", 9, "expected max greater than min (3), got 3"),
        ("questions[0].scale.points[1].value", 12, "4 is outside the scale 3..3"),
    ]


def test_rating_without_scale() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
    """
    assert only_issue(text) == ("questions[0].scale", 4, "rating questions need a `scale` (min, max, anchors)")


def test_choice_with_one_option() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: verdict
        kind: choice
        title: Verdict
        options: [only]
    """
    assert only_issue(text) == ("questions[0].options", 7, "choice questions need at least 2 options, got 1")


def test_choice_duplicate_option_and_selection_limits() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: verdict
        kind: choice
        title: Verdict
        options:
          - good
          - bad
          - good
        min_selections: 1
    """
    assert issues(text) == [
        ("questions[0].options[2]", 10, "duplicate option 'good'"),
        ("questions[0].min_selections", 11, "only applies when `multiple: true`"),
    ]


def test_span_labels_duplicated() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: flags
        kind: span
        title: Flag problems
        labels:
          - hallucination
          - {name: bias, description: Unfair framing}
          - hallucination
    """
    assert only_issue(text) == ("questions[0].labels[2]", 10, "duplicate span label 'hallucination'")


def test_span_cannot_be_per_item() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - {key: flags, kind: span, title: Flags, per_response: false}
    """
    path, line, message = only_issue(text)
    assert (path, line) == ("questions[0].per_response", 4)
    assert "always per response" in message


def test_field_of_another_kind_names_the_kind() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: accuracy
        kind: rating
        title: Accuracy
        scale: {min: 1, max: 5}
        options: [a, b]
        allow_tie: false
    """
    assert issues(text) == [
        ("questions[0].options", 8, "`options` does not apply to rating questions (it is for choice questions)"),
        ("questions[0].allow_tie", 9, "`allow_tie` does not apply to rating questions (it is for compare questions)"),
    ]


def test_text_length_limits() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - {key: notes, kind: text, title: Notes, min_length: 50, max_length: 10}
    """
    assert only_issue(text) == ("questions[0].max_length", 4, "expected at least min_length (50), got 10")


def test_text_purpose_must_be_known() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: notes
        kind: text
        title: Notes
        purpose: rationle
    """
    path, line, message = only_issue(text)
    assert (path, line) == ("questions[0].purpose", 7)
    assert "'rationale'" in message and message.endswith("(did you mean 'rationale'?)")


def test_casebook_gold_for_unknown_question() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - {key: accuracy, kind: rating, title: Accuracy, scale: {min: 1, max: 5}}
    casebook:
      cases:
        - title: Example
          item:
            prompt: 2 + 2?
            responses: [{model: m, content: "4"}]
          gold:
            acuracy: 5
    """
    assert only_issue(text) == (
        "casebook.cases[0].gold.acuracy",
        12,
        "unknown question 'acuracy' (did you mean 'accuracy'?)",
    )


def test_casebook_gold_values_are_checked_per_response() -> None:
    text = """\
    slug: demo
    name: Demo
    layout: {responses: 2}
    questions:
      - {key: accuracy, kind: rating, title: Accuracy, per_response: true, scale: {min: 1, max: 5}}
      - {key: pref, kind: compare, title: "Better?", allow_tie: false}
    casebook:
      cases:
        - title: Example
          item:
            prompt: 2 + 2?
            responses:
              - {model: m1, content: "4"}
              - {model: m2, content: "5"}
          gold:
            accuracy:
              - 5
              - 9
            pref: tie
    """
    assert issues(text) == [
        ("casebook.cases[0].gold.accuracy[1]", 18, "expected a rating from 1..5, got 9"),
        ("casebook.cases[0].gold.pref", 19, "a tie is not allowed here; choose 'A' or 'B'"),
    ]


def test_casebook_case_needs_layout_response_count_and_a_prompt() -> None:
    text = """\
    slug: demo
    name: Demo
    layout: {responses: 2}
    questions:
      - {key: pref, kind: compare, title: "Better?"}
    casebook:
      cases:
        - title: Example
          item:
            responses:
              - {model: m1, content: "4"}
    """
    assert only_issue(text) == ("casebook.cases[0].item", 9, "expected a `prompt` or `messages`")
    fixed = spec_text(text).replace("      item:\n", "      item:\n        prompt: 2 + 2?\n")
    assert only_issue(fixed) == (
        "casebook.cases[0].item.responses",
        line_of(fixed, "responses:", 2),
        "expected 2 responses (layout.responses), got 1",
    )


def test_cross_checks_still_run_when_another_question_is_invalid() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - {key: notes, kind: text, title: Notes}
      - {key: notes, kind: text, title: Again}
      - {key: score, kind: rating, title: Score, scale: {min: 1, max: x}}
      - {key: why, kind: text, title: Why, required_when: scroe < 3}
    """
    found = issues(text)
    assert [(p, line) for p, line, _ in found] == [
        ("questions[1].key", 5),
        ("questions[2].scale.max", 6),
        ("questions[3].required_when", 7),
    ]
    assert found[2][2] == "unknown question 'scroe' (did you mean 'score'?)"


def test_kind_fields_reported_even_when_the_question_has_other_errors() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: verdict
        kind: choice
        options: [a, b]
        scale: {min: 1, max: 3}
    """
    assert issues(text) == [
        ("questions[0].title", 4, "required key is missing"),
        ("questions[0].scale", 7, "`scale` does not apply to choice questions (it is for rating questions)"),
    ]


def test_layout_field_and_language_validation() -> None:
    text = """\
    slug: demo
    name: Demo
    languages: [en, EN]
    layout:
      fields: [prompt, responses]
    questions:
      - {key: notes, kind: text, title: Notes}
    """
    found = issues(text)
    assert [(p, line) for p, line, _ in found] == [("languages", 3), ("layout.fields[1]", 5)]
    assert found[0][2] == "each language may be listed once, got duplicates: en"
    assert found[1][2].startswith("expected one of 'prompt', 'system'")


def test_taxonomy_errors_point_into_the_file() -> None:
    text = """\
    slug: demo
    name: Demo
    taxonomy:
      extend: true
      domains:
        - {name: Medicine, subdomains: [Cardiology, cardiology]}
        - {name: medicine}
        - {name: "Law/Tax"}
    questions:
      - {key: notes, kind: text, title: Notes}
    """
    assert issues(text) == [
        ("taxonomy.domains[0].subdomains[1]", 6, "duplicate subdomain 'cardiology'"),
        ("taxonomy.domains[2].name", 8, "expected a non-empty name without '/', got 'Law/Tax'"),
    ]


def test_duplicate_yaml_keys_are_errors() -> None:
    text = """\
    slug: demo
    name: Demo
    questions:
      - key: notes
        kind: text
        title: Notes
        title: Other notes
    """
    assert only_issue(text) == ("questions[0].title", 7, "duplicate key 'title' (first given on line 6)")


def test_yaml_syntax_error_has_a_line() -> None:
    text = "slug: demo\nname: Demo\nquestions:\n  - key: [unclosed\n"
    with pytest.raises(SpecError) as info:
        parse_spec(text, source="p.yaml")
    (issue,) = info.value.issues
    assert issue.path == "" and issue.line is not None and issue.line >= 4
    assert str(issue).startswith(f"p.yaml:{issue.line}: ")


@pytest.mark.parametrize(("text", "got"), [("", "an empty document"), ("- a\n- b\n", "a list")])
def test_top_level_must_be_a_mapping(text: str, got: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(text)
    assert info.value.issues[0].message == f"expected a mapping of project settings, got {got}"


def test_yes_and_no_stay_strings() -> None:
    spec = parse_spec(
        spec_text(
            """\
            slug: demo
            name: Demo
            questions:
              - {key: ok, kind: choice, title: "OK?", options: [yes, no, maybe], required: true}
            """
        )
    )
    assert spec.question("ok").option_values == ["yes", "no", "maybe"]
