"""The shipped templates load, validate, round-trip and carry valid casebooks."""

from __future__ import annotations

import pytest

from assay.spec import TEMPLATES, ProjectSpec, QuestionKind, load_spec, parse_spec, template_path


def test_template_names() -> None:
    assert set(TEMPLATES) == {"stem-rubric", "pairwise-preference", "sft-writing", "safety-spans"}
    assert all(isinstance(d, str) and d and "\n" not in d for d in TEMPLATES.values())


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_loads_and_round_trips(name: str) -> None:
    path = template_path(name)
    assert path.is_file() and path.name == f"{name}.yaml"
    spec = load_spec(path)
    assert spec.slug == name
    assert len(spec.guidelines.text.split("\n\n")) >= 5  # real guidelines, several paragraphs
    assert 2 <= len(spec.casebook.cases) <= 4
    data = spec.to_json_dict()
    again = ProjectSpec.model_validate(data)
    assert again == spec
    assert again.to_json_dict() == data
    assert again.spec_hash() == spec.spec_hash()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_casebook_gold_passes_value_checks(name: str) -> None:
    spec = load_spec(template_path(name))
    for case in spec.casebook.cases:
        assert len(case.item.responses) == spec.layout.responses
        texts = [r.content for r in case.item.responses]
        issues = spec.check_answers(case.gold, len(texts), response_texts=texts)
        # Gold may leave questions out; whatever it gives must be a valid answer.
        assert [i for i in issues if "required" not in i.message] == [], case.title


def test_unknown_template_name() -> None:
    with pytest.raises(KeyError, match="did you mean 'stem-rubric'"):
        template_path("stem-rubrics")


def test_stem_rubric_content() -> None:
    spec = load_spec(template_path("stem-rubric"))
    assert spec.languages == ["en", "zh"]
    assert [q.key for q in spec.per_response_questions] == [
        "correctness", "reasoning", "clarity", "completeness", "final_answer_correct", "rationale",
    ]
    correctness = spec.question("correctness")
    assert correctness.scale is not None and [p.value for p in correctness.scale.points] == [1, 2, 3, 4, 5]
    assert spec.question("final_answer_correct").option_values == ["yes", "no", "cannot_tell"]
    assert str(spec.question("rationale").required_when) == "correctness <= 2"
    assert spec.canonical_domain("stem/statistics") == ("STEM", "Statistics")
    assert spec.taxonomy.names == ["Reasoning", "General Knowledge", "STEM", "Humanities"]


def test_pairwise_preference_content() -> None:
    spec = load_spec(template_path("pairwise-preference"))
    compares = [q for q in spec.questions if q.kind == QuestionKind.COMPARE]
    assert {q.criterion for q in compares} == {None, "helpfulness", "honesty", "harmlessness", "instruction following"}
    overall = spec.question("overall")
    assert overall.strength is not None and (overall.strength.min, overall.strength.max) == (1, 3)
    assert spec.item_questions == spec.questions


def test_sft_writing_content() -> None:
    spec = load_spec(template_path("sft-writing"))
    assert spec.layout.responses == 0
    response = spec.question("response")
    assert response.kind == QuestionKind.TEXT and response.purpose == "response" and response.min_length > 0
    checklist = spec.question("self_check")
    assert checklist.multiple and checklist.min_selections == len(checklist.options)


def test_safety_spans_content() -> None:
    spec = load_spec(template_path("safety-spans"))
    spans = spec.question("spans")
    assert spans.per_response and spans.require_comment and spans.require_fix
    assert spans.span_label_names == ["hallucination", "factual_error", "bias", "misleading", "unsafe", "other"]
    assert all(label.description for label in spans.labels)
    assert str(spec.question("rationale").required_when) == 'verdict != "safe"'


def test_spec_hash_ignores_how_the_yaml_was_written() -> None:
    a = parse_spec("slug: x1\nname: X\nquestions: [{key: q, kind: text, title: T}]\n")
    b = parse_spec("name: X\nslug: x1\nquestions:\n  - title: T\n    kind: text\n    key: q\n    purpose: comment\n")
    assert a.spec_hash() == b.spec_hash()
    c = parse_spec("slug: x1\nname: X\nquestions: [{key: q, kind: text, title: T2}]\n")
    assert c.spec_hash() != a.spec_hash()
