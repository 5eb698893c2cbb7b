"""`load_spec` / `parse_spec`: YAML text to a validated `ProjectSpec`, or a `SpecError` listing every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from assay.spec._casebook import Case
from assay.spec._checks import check_cases, check_layout, check_questions
from assay.spec._errors import SpecError, SpecIssue
from assay.spec._issues import ISSUES_ERROR_TYPE, Issue, Loc, format_loc
from assay.spec._layout import Layout
from assay.spec._messages import message_for
from assay.spec._project import ProjectSpec
from assay.spec._question import Question, QuestionKind, foreign_field_issues
from assay.spec._yamlsource import YamlDocument, read_yaml


def load_spec(path: str | Path) -> ProjectSpec:
    """Read and validate a project file; `file:` references are resolved beside it.

    Raises `SpecError` (every problem, with line numbers) or `OSError` if the file cannot be read.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(str(path), [SpecIssue("", None, f"not UTF-8 text ({exc.reason})", str(path))]) from None
    return parse_spec(text, source=str(path), base_dir=path.parent)


def parse_spec(text: str, source: str = "<string>", base_dir: Path | None = None) -> ProjectSpec:
    """Validate project YAML given as a string; `base_dir` enables `file:` references (none without it)."""
    doc = read_yaml(text, source)
    if not isinstance(doc.data, dict):
        got = "an empty document" if doc.data is None else f"a {type(doc.data).__name__}"
        raise SpecError(source, [SpecIssue("", doc.line_for(()), f"expected a mapping of project settings, got {got}", source)])
    context = {"base_dir": base_dir}
    try:
        spec = ProjectSpec.model_validate(doc.data, context=context)
    except ValidationError as exc:
        issues = _issues_from(exc, doc, source)
        if not any(e["type"] == ISSUES_ERROR_TYPE and not e["loc"] for e in exc.errors()):
            # Cross-field checks only run once everything validates; run them over the parts that did,
            # so one bad scale does not hide a duplicate key elsewhere.
            issues += [_located(loc, msg, doc, source) for loc, msg in _partial_cross_checks(doc.data, context)]
        raise SpecError(source, _sorted_unique([*doc.issues, *issues])) from None
    if doc.issues:
        raise SpecError(source, _sorted_unique(doc.issues))
    return spec


def _located(loc: Loc, message: str, doc: YamlDocument, source: str) -> SpecIssue:
    return SpecIssue(format_loc(loc), doc.line_for(loc), message, source)


def _issues_from(exc: ValidationError, doc: YamlDocument, source: str) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        if error["type"] == ISSUES_ERROR_TYPE:
            for sub, message in (error.get("ctx") or {}).get("issues", []):
                issues.append(_located((*loc, *sub), message, doc, source))
        else:
            issues.append(_located(loc, message_for(error, ProjectSpec), doc, source))
    return issues


_M = TypeVar("_M", Question, Layout, Case)


def _partial_cross_checks(data: dict[str, Any], context: dict[str, Any]) -> list[Issue]:
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list):
        return []
    questions: list[tuple[int, Question]] = []
    issues: list[Issue] = []
    for i, raw in enumerate(raw_questions):
        question = _try(Question, raw, context)
        if question is not None:
            questions.append((i, question))
        elif isinstance(raw, dict) and isinstance(raw.get("kind"), str) and raw["kind"] in set(QuestionKind):
            # Its other errors stopped validation before the per-kind checks; this one needs only the keys.
            issues += [(("questions", i, *loc), msg) for loc, msg in foreign_field_issues(QuestionKind(raw["kind"]), raw)]
    valid = {q.key for _, q in questions}
    unvalidated = {str(raw["key"]) for raw in raw_questions if isinstance(raw, dict) and raw.get("key")} - valid
    issues += check_questions(questions, unvalidated)
    layout = _try(Layout, data.get("layout", {}), context)
    if layout is None:
        return issues
    issues += check_layout(questions, layout)
    casebook = data.get("casebook")
    raw_cases = casebook.get("cases") if isinstance(casebook, dict) else None
    if len(questions) == len(raw_questions) and isinstance(raw_cases, list):
        cases = [(i, c) for i, raw in enumerate(raw_cases) if (c := _try(Case, raw, context)) is not None]
        issues += check_cases(questions, layout, cases)
    return issues


def _try(model: type[_M], raw: Any, context: dict[str, Any]) -> _M | None:
    try:
        return model.model_validate(raw, context=context)
    except ValidationError:
        return None


def _sorted_unique(issues: list[SpecIssue]) -> list[SpecIssue]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for issue in issues:
        if (issue.path, issue.message) not in seen:
            seen.add((issue.path, issue.message))
            unique.append(issue)
    return sorted(unique, key=lambda i: (i.line is None, i.line or 0))
