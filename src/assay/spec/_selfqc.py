"""Self-QC: checking one annotator's full set of answers for an item before they submit.

Answers are `{question key: answer}`. A per-response question's answer is a list with one entry per
response (None where unanswered) or a mapping from response letter to answer, e.g. {"A": 4, "B": 2}.

Conditions are evaluated per response for per-response questions, seeing that response's answers
next to the item-level ones. An item-level question whose condition reads per-response answers holds
when the condition holds for any response ("explain if any response was rated <= 2").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assay.spec._answers import LETTERS, response_letter
from assay.spec._condition import Condition
from assay.spec._errors import AnswerError, AnswerIssue
from assay.spec._question import ConsistencyRule, Question, QuestionKind


def split_per_response(value: Any, n_responses: int) -> list[Any]:
    """One answer per response from the list or letter-mapping form; None fills unanswered responses."""
    if value is None:
        return [None] * n_responses
    if isinstance(value, Mapping):
        letters = LETTERS[:n_responses]
        unknown = sorted(str(k) for k in value if str(k).upper() not in letters)
        if unknown:
            raise AnswerError(f"expected answers for responses {', '.join(letters)}, got keys {', '.join(unknown)}")
        by_letter = {str(k).upper(): v for k, v in value.items()}
        return [by_letter.get(letter) for letter in letters]
    if isinstance(value, list | tuple):
        if len(value) != n_responses:
            raise AnswerError(f"expected one answer per response ({n_responses}), got {len(value)}")
        return list(value)
    raise AnswerError(f"expected one answer per response as a list or {{A: ..., B: ...}}, got {value!r}")


def is_blank(q: Question, value: Any) -> bool:
    """Unanswered: None, whitespace-only text, or an empty selection (an empty span list is an answer)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value and q.kind != QuestionKind.SPAN


def check_answers(
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    n_responses: int,
    response_texts: Sequence[str] | None = None,
) -> list[AnswerIssue]:
    issues: list[AnswerIssue] = []
    known = {q.key for q in questions}
    issues.extend(AnswerIssue(key, "not a question of this project") for key in answers if key not in known)

    item, per_response, raw_per_response = _normalise_all(questions, answers, n_responses, response_texts, issues)

    holds = _holds(questions, item, per_response)

    def for_response(r: int) -> Callable[[Condition], bool]:
        return lambda c: holds(c, r)

    for q in questions:
        if not q.asked_for(n_responses):
            if not is_blank(q, answers.get(q.key)):
                issues.append(AnswerIssue(q.key, f"not asked about an item with {n_responses} response(s); clear it"))
            continue
        if q.per_response:
            for r in range(n_responses):
                raw = raw_per_response[q.key][r]
                issues.extend(_presence(q, raw, for_response(r), response_letter(r)))
        else:
            issues.extend(_presence(q, answers.get(q.key), lambda c: holds(c, None), None))
    return issues


def _normalise(
    q: Question, value: Any, n: int, text: str | None, issues: list[AnswerIssue], letter: str | None
) -> Any:
    if is_blank(q, value):
        return None
    try:
        return q.check_answer(value, n, response_text=text)
    except AnswerError as exc:
        issues.append(AnswerIssue(q.key, str(exc), letter))
        return None


def _presence(q: Question, raw: Any, holds: Callable[[Condition], bool], letter: str | None) -> list[AnswerIssue]:
    answered = not is_blank(q, raw)
    if q.shown_when is not None and not holds(q.shown_when):
        if answered:
            return [AnswerIssue(q.key, f"answered, but the question is hidden (shown when `{q.shown_when}`); clear it", letter)]
        return []
    if q.required_when is not None:
        if not answered and holds(q.required_when):
            return [AnswerIssue(q.key, f"an answer is required because `{q.required_when}`", letter)]
        return []
    if q.required and not answered:
        return [AnswerIssue(q.key, "an answer is required", letter)]
    return []


Normalised = tuple[dict[str, Any], list[dict[str, Any]], dict[str, list[Any]]]


def _normalise_all(
    questions: Sequence[Question], answers: Mapping[str, Any], n_responses: int,
    response_texts: Sequence[str] | None, issues: list[AnswerIssue],
) -> Normalised:
    # Normalise first so conditions compare canonical values (CSV gives "2", conditions say <= 2).
    item: dict[str, Any] = {}
    per_response: list[dict[str, Any]] = [{} for _ in range(n_responses)]
    raw_per_response: dict[str, list[Any]] = {}
    for q in questions:
        raw = answers.get(q.key)
        if not q.asked_for(n_responses):
            item[q.key] = None  # reported by check_answers if answered anyway
            continue
        if not q.per_response:
            item[q.key] = _normalise(q, raw, n_responses, None, issues, None)
            continue
        try:
            values = split_per_response(raw, n_responses)
        except AnswerError as exc:
            issues.append(AnswerIssue(q.key, str(exc)))
            values = [None] * n_responses
        raw_per_response[q.key] = values
        for r, value in enumerate(values):
            text = response_texts[r] if response_texts is not None and r < len(response_texts) else None
            per_response[r][q.key] = _normalise(q, value, n_responses, text, issues, response_letter(r))

    return item, per_response, raw_per_response


def _holds(
    questions: Sequence[Question], item: dict[str, Any], per_response: list[dict[str, Any]]
) -> Callable[[Condition, int | None], bool]:
    """Evaluate a condition for response r, or for the item (holding when it holds for any response
    if it reads per-response answers)."""
    per_keys = {q.key for q in questions if q.per_response}

    def holds(condition: Condition, r: int | None) -> bool:
        if r is not None:
            return condition.evaluate({**item, **per_response[r]})
        if condition.names & per_keys and per_response:
            return any(condition.evaluate({**item, **answers}) for answers in per_response)
        return condition.evaluate(item)

    return holds


def consistency_warnings(
    questions: Sequence[Question],
    rules: Sequence[ConsistencyRule],
    answers: Mapping[str, Any],
    n_responses: int,
    response_texts: Sequence[str] | None = None,
) -> list[AnswerIssue]:
    """The consistency rules that fire on these answers: not errors, but things the annotator must
    confirm ("top accuracy with a hallucination span?"). Per-response rules fire per response."""
    item, per_response, _raw = _normalise_all(questions, answers, n_responses, response_texts, [])
    holds = _holds(questions, item, per_response)
    per_keys = {q.key for q in questions if q.per_response}
    out: list[AnswerIssue] = []
    for rule in rules:
        key = rule.question or next(iter(sorted(rule.when.names)), "")
        if rule.when.names & per_keys:
            out.extend(AnswerIssue(key, rule.message, response_letter(r))
                       for r in range(n_responses) if holds(rule.when, r))
        elif holds(rule.when, None):
            out.append(AnswerIssue(key, rule.message, None))
    return out


def hidden_questions(
    questions: Sequence[Question], answers: Mapping[str, Any], n_responses: int
) -> list[tuple[str, str | None]]:
    """`(question key, response letter or None)` for each question hidden by its `shown_when`
    under these answers, so the page can hide it while the annotator works."""
    item, per_response, _raw = _normalise_all(questions, answers, n_responses, None, [])
    holds = _holds(questions, item, per_response)
    out: list[tuple[str, str | None]] = []
    for q in questions:
        if q.shown_when is None:
            continue
        if q.per_response:
            out.extend((q.key, response_letter(r)) for r in range(n_responses) if not holds(q.shown_when, r))
        elif not holds(q.shown_when, None):
            out.append((q.key, None))
    return out
