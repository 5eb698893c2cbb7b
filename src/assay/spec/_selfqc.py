"""Self-QC: checking one annotator's full set of answers for an item before they submit.

Answers are `{question key: answer}`. A per-response question's answer is a list with one entry per
response (None where unanswered) or a mapping from response letter to answer, e.g. {"A": 4, "B": 2}.

Conditions are evaluated per response for per-response questions, seeing that response's answers
next to the item-level ones. An item-level question whose condition reads per-response answers holds
when the condition holds for any response ("explain if any response was rated <= 2").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from assay.spec._answers import LETTERS, response_letter
from assay.spec._condition import Condition
from assay.spec._errors import AnswerError, AnswerIssue
from assay.spec._question import Question, QuestionKind


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

    # Normalise first so conditions compare canonical values (CSV gives "2", conditions say <= 2).
    item: dict[str, Any] = {}
    per_response: list[dict[str, Any]] = [{} for _ in range(n_responses)]
    raw_per_response: dict[str, list[Any]] = {}
    for q in questions:
        raw = answers.get(q.key)
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

    per_keys = {q.key for q in questions if q.per_response}

    def holds(condition: Condition, r: int | None) -> bool:
        if r is not None:
            return condition.evaluate({**item, **per_response[r]})
        if condition.names & per_keys and n_responses:
            return any(condition.evaluate({**item, **per_response[i]}) for i in range(n_responses))
        return condition.evaluate(item)

    for q in questions:
        if q.per_response:
            for r in range(n_responses):
                raw = raw_per_response[q.key][r]
                issues.extend(_presence(q, raw, partial(holds, r=r), response_letter(r)))
        else:
            issues.extend(_presence(q, answers.get(q.key), partial(holds, r=None), None))
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
