"""Cross-field checks of a project: rules that span questions, the layout and the casebook.

Each check takes already-validated parts paired with their index in the document, so the loader can
also run them over the parts that did validate when other parts of the file did not.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from assay.spec._answers import response_letter
from assay.spec._casebook import Case
from assay.spec._condition import Condition
from assay.spec._errors import AnswerError
from assay.spec._issues import Issue, Loc, did_you_mean
from assay.spec._layout import Layout
from assay.spec._question import Question, QuestionKind
from assay.spec._selfqc import split_per_response

Indexed = Sequence[tuple[int, Question]]
_CONDITION_FIELDS = ("shown_when", "required_when")


def check_questions(questions: Indexed, unvalidated_keys: Collection[str] = ()) -> list[Issue]:
    """Unique keys; conditions refer to existing questions, without cycles, with fitting literals.

    `unvalidated_keys` are keys of questions that exist but failed validation: conditions may refer to them.
    """
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for i, q in questions:
        if q.key in first:
            issues.append((("questions", i, "key"), f"duplicate question key {q.key!r} (first used by questions[{first[q.key]}])"))
        else:
            first[q.key] = i
    by_key = {q.key: q for _, q in questions}
    for i, q in questions:
        for field in _CONDITION_FIELDS:
            condition: Condition | None = getattr(q, field)
            if condition is not None:
                issues.extend(_check_condition(("questions", i, field), q, condition, by_key, unvalidated_keys))
    issues.extend(_check_cycles(questions, by_key))
    return issues


def _check_condition(
    loc: Loc, q: Question, condition: Condition, by_key: dict[str, Question], unvalidated: Collection[str]
) -> list[Issue]:
    issues: list[Issue] = []
    for name in sorted(condition.names):
        if name == q.key:
            issues.append((loc, f"a condition cannot refer to its own question {name!r}"))
        elif name not in by_key and name not in unvalidated:
            issues.append((loc, f"unknown question {name!r}{did_you_mean(name, [*by_key, *unvalidated])}"))
    for key, op, literals in condition.comparisons():
        target = by_key.get(key)
        if target is not None:
            issues.extend((loc, msg) for msg in _literal_problems(target, op, literals))
    return issues


def _literal_problems(target: Question, op: str, literals: list[object]) -> list[str]:
    kind, key = target.kind, target.key
    if kind in (QuestionKind.RANK, QuestionKind.SPAN):
        return [f"conditions cannot test {kind.value} answers ({key!r})"]
    problems: list[str] = []
    for value in literals:
        if kind == QuestionKind.RATING and (not isinstance(value, int | float) or isinstance(value, bool)):
            problems.append(f"{key!r} is a rating; compare it with a number, got {value!r}")
        elif kind == QuestionKind.CHOICE and value not in target.option_values:
            options = ", ".join(repr(v) for v in target.option_values)
            hint = did_you_mean(value, target.option_values) if isinstance(value, str) else ""
            problems.append(f"{value!r} is not an option of {key!r}{hint}; options: {options}")
        elif kind == QuestionKind.COMPARE and value not in ("A", "B", "tie"):
            problems.append(f"{key!r} is a comparison; compare its winner with 'A', 'B' or 'tie', got {value!r}")
        elif kind == QuestionKind.TEXT and not isinstance(value, str):
            problems.append(f"{key!r} is text; compare it with a string, got {value!r}")
    return problems


def _check_cycles(questions: Indexed, by_key: dict[str, Question]) -> list[Issue]:
    index = {q.key: i for i, q in questions}
    edges: dict[str, list[tuple[str, str]]] = {
        q.key: [
            (name, field)
            for field in _CONDITION_FIELDS
            if (cond := getattr(q, field)) is not None
            for name in sorted(cond.names)
            if name in by_key and name != q.key
        ]
        for _, q in questions
    }
    issues: list[Issue] = []
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(key: str, path: list[str]) -> None:
        state[key] = 1
        for target, field in edges.get(key, []):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], key] if target in path else [key]
                members = frozenset(cycle)
                if members not in reported:
                    reported.add(members)
                    shown = " -> ".join([*cycle, target])
                    issues.append((("questions", index[key], field), f"conditions form a cycle: {shown}"))
            elif target not in state:
                visit(target, [*path, key])
        state[key] = 2

    for _, q in questions:
        if q.key not in state:
            visit(q.key, [])
    return issues


def check_layout(questions: Indexed, layout: Layout) -> list[Issue]:
    """Every question can be asked with the number of responses the layout shows."""
    issues: list[Issue] = []
    n = layout.responses
    for i, q in questions:
        if q.kind == QuestionKind.COMPARE and n != 2:
            issues.append((("questions", i, "kind"), f"compare questions need layout.responses: 2, got {n}"))
        elif q.kind == QuestionKind.RANK and n < q.min_responses:
            issues.append(
                (("questions", i, "kind"), f"rank questions need layout.responses of at least {q.min_responses}, got {n}")
            )
        elif q.per_response and n == 0:
            issues.append((("questions", i, "per_response"), "asked per response, but layout.responses is 0"))
        elif q.kind == QuestionKind.TEXT and q.purpose == "rewrite" and n == 0:
            issues.append((("questions", i, "purpose"), "a rewrite needs a response to rewrite, but layout.responses is 0"))
    return issues


def check_cases(questions: Indexed, layout: Layout, cases: Sequence[tuple[int, Case]]) -> list[Issue]:
    """Cases show as many responses as the layout, and their gold answers fit their questions."""
    by_key = {q.key: q for _, q in questions}
    issues: list[Issue] = []
    for c, case in cases:
        base: Loc = ("casebook", "cases", c)
        responses = case.item.responses
        if len(responses) != layout.responses:
            issues.append(
                ((*base, "item", "responses"), f"expected {layout.responses} responses (layout.responses), got {len(responses)}")
            )
        for key, value in case.gold.items():
            q = by_key.get(key)
            if q is None:
                issues.append(((*base, "gold", key), f"unknown question {key!r}{did_you_mean(key, by_key)}"))
                continue
            issues.extend(_check_gold(q, value, [r.content for r in responses], (*base, "gold", key)))
    return issues


def _check_gold(q: Question, value: object, texts: list[str], loc: Loc) -> list[Issue]:
    if not q.per_response:
        try:
            q.check_answer(value, len(texts))
        except AnswerError as exc:
            return [(loc, str(exc))]
        return []
    try:
        values = split_per_response(value, len(texts))
    except AnswerError as exc:
        return [(loc, str(exc))]
    issues: list[Issue] = []
    for r, answer in enumerate(values):
        if answer is None:
            continue
        try:
            q.check_answer(answer, len(texts), response_text=texts[r])
        except AnswerError as exc:
            where = r if isinstance(value, list) else response_letter(r)
            issues.append(((*loc, where), str(exc)))
    return issues
