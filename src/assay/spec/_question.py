"""`Question`: one thing an annotator answers, of one `QuestionKind`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, field_validator, model_serializer, model_validator

from assay.spec._base import SpecModel
from assay.spec._condition import Condition
from assay.spec._issues import Issue, raise_issues
from assay.spec._scale import Scale

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_RESPONSES = 26  # responses are lettered A..Z


class QuestionKind(StrEnum):
    """What sort of answer a question collects."""

    RATING = "rating"
    CHOICE = "choice"
    COMPARE = "compare"
    RANK = "rank"
    TEXT = "text"
    SPAN = "span"


TextPurpose = Literal["rationale", "response", "rewrite", "comment"]


class ChoiceOption(SpecModel):
    """One option of a choice question; YAML may give just the value as a string."""

    value: str = Field(min_length=1)
    """What is stored and exported, e.g. "cannot_tell"."""
    label: str = ""
    """What the annotator sees; defaults to the value."""
    description: str = ""
    """When to pick this option (markdown)."""

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return {"value": str(data)}
        return data

    @model_validator(mode="after")
    def _default_label(self) -> ChoiceOption:
        if "|" in self.value:
            # `a|b` is the CSV form of a multiple-choice answer.
            raise ValueError(f"option values cannot contain '|', got {self.value!r}")
        if not self.label:
            self.label = self.value
        return self


class SpanLabel(SpecModel):
    """A category of flagged text; YAML may give just the name as a string."""

    name: str
    """Stored label, lowercase with underscores, e.g. "factual_error"."""
    description: str = ""
    """When to use this label."""

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError(f"expected a label name of lowercase letters, digits and underscores, got {value!r}")
        return value


DEFAULT_SPAN_LABELS: tuple[SpanLabel, ...] = (
    SpanLabel(name="hallucination", description="Invented facts, sources, quotes or details not supported by anything."),
    SpanLabel(name="factual_error", description="A checkable claim that is wrong (dates, numbers, names, science)."),
    SpanLabel(name="bias", description="Unfair generalisation or one-sided framing about a group, person or view."),
    SpanLabel(name="misleading", description="Technically true but framed to leave a false impression, or omits a crucial caveat."),
    SpanLabel(name="unsafe", description="Content that could help cause harm or that violates the safety policy."),
    SpanLabel(name="other", description="A problem that fits no other label; explain it in the comment."),
)

_COMMON = frozenset({"key", "kind", "title", "help", "required", "per_response", "shown_when", "required_when"})
KIND_FIELDS: dict[QuestionKind, frozenset[str]] = {
    QuestionKind.RATING: frozenset({"scale"}),
    QuestionKind.CHOICE: frozenset({"options", "multiple", "min_selections", "max_selections"}),
    QuestionKind.COMPARE: frozenset({"a_label", "b_label", "tie_label", "allow_tie", "strength", "criterion"}),
    QuestionKind.RANK: frozenset({"min_responses", "allow_ties"}),
    QuestionKind.TEXT: frozenset({"purpose", "min_length", "max_length", "placeholder"}),
    QuestionKind.SPAN: frozenset({"labels", "require_comment", "require_fix"}),
}


class Question(SpecModel):
    """A question of one kind; only the fields of that kind may be set (see `KIND_FIELDS`)."""

    key: str
    """Identifier used in answers, conditions and exports: lowercase letters, digits, `_`, starting with a letter."""
    kind: QuestionKind
    """rating, choice, compare, rank, text or span."""
    title: str = Field(min_length=1)
    """The question as shown to the annotator."""
    help: str = ""
    """Longer guidance shown under the title (markdown)."""
    required: bool = True
    """Must be answered before submitting (see also `required_when`)."""
    per_response: bool = False
    """Asked once per response shown (True) or once per item (False); compare and rank are per item, span per response."""
    shown_when: Condition | None = None
    """Show the question only when this condition over other answers holds."""
    required_when: Condition | None = None
    """Require an answer only when this condition holds (overrides `required`)."""

    # rating
    scale: Scale | None = None
    """rating: the scale and its anchors."""

    # choice
    options: list[ChoiceOption] = Field(default_factory=list)
    """choice: at least two options with distinct values."""
    multiple: bool = False
    """choice: allow selecting several options (answer is a list)."""
    min_selections: int | None = Field(default=None, ge=0)
    """choice with multiple: fewest options that must be selected."""
    max_selections: int | None = Field(default=None, ge=1)
    """choice with multiple: most options that may be selected."""

    # compare
    a_label: str = "A is better"
    """compare: button text for A winning."""
    b_label: str = "B is better"
    """compare: button text for B winning."""
    tie_label: str = "Tie"
    """compare: button text for a tie."""
    allow_tie: bool = True
    """compare: whether a tie is an allowed answer."""
    strength: Scale | None = None
    """compare: optional preference strength, e.g. 1..3 = slightly / clearly / much better."""
    criterion: str | None = None
    """compare: the criterion this preference is about (several compare questions give per-criterion preferences)."""

    # rank
    min_responses: int = Field(default=2, ge=2)
    """rank: fewest responses a ranking needs; the layout must show at least this many."""
    allow_ties: bool = False
    """rank: allow tied responses (written `B>A=C`, stored as ["B", "A=C"])."""

    # text
    purpose: TextPurpose = "comment"
    """text: rationale, response (an SFT response), rewrite (of a shown response) or comment."""
    min_length: int = Field(default=0, ge=0)
    """text: fewest characters after stripping whitespace."""
    max_length: int | None = Field(default=None, ge=1)
    """text: most characters after stripping whitespace."""
    placeholder: str = ""
    """text: hint shown in the empty text box."""

    # span
    labels: list[SpanLabel] = Field(default_factory=list)
    """span: labels a flagged span may carry; defaults to hallucination, factual_error, bias, misleading, unsafe, other."""
    require_comment: bool = False
    """span: every span needs a comment explaining it."""
    require_fix: bool = False
    """span: every span needs a suggested fix."""

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError(
                f"expected a key of lowercase letters, digits and underscores starting with a letter, got {value!r}"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _kind_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == QuestionKind.SPAN:
            data = dict(data)
            data.setdefault("per_response", True)
            data.setdefault("labels", [label.model_dump() for label in DEFAULT_SPAN_LABELS])
        return data

    @model_validator(mode="after")
    def _check(self) -> Question:
        issues = foreign_field_issues(self.kind, self.model_fields_set)
        issues.extend(_KIND_CHECKS[self.kind](self))
        raise_issues(issues)
        return self

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Only this kind's fields, so exported specs read cleanly and re-validate.
        data: dict[str, Any] = handler(self)
        keep = _COMMON | KIND_FIELDS[self.kind]
        return {k: v for k, v in data.items() if k in keep}

    def asked_for(self, n_responses: int) -> bool:
        """Whether the question can be asked about an item showing `n_responses` responses: a ranking
        needs `min_responses` of them and a comparison two. A project's items need not all have as
        many responses as its layout shows (the demo's STEM items have one)."""
        if self.kind == QuestionKind.RANK:
            return n_responses >= self.min_responses
        if self.kind == QuestionKind.COMPARE:
            return n_responses >= 2
        return True

    def check_answer(self, value: Any, n_responses: int | None = None, *, response_text: str | None = None) -> Any:
        """Validate and normalise one answer to this question (one response's answer if per_response).

        Accepts the canonical form and the string forms a CSV import produces; returns the canonical form.
        `n_responses` lets rank answers be checked as a full permutation; `response_text` lets span
        offsets and quotes be checked against the response. Raises `AnswerError` saying what was expected.
        """
        # Imported here because the answer checkers need this module's types at runtime.
        from assay.spec._answers import check_answer

        return check_answer(self, value, n_responses, response_text)

    @property
    def span_label_names(self) -> list[str]:
        """Names of the span labels, in order."""
        return [label.name for label in self.labels]

    @property
    def option_values(self) -> list[str]:
        """Values of the choice options, in order."""
        return [option.value for option in self.options]


def foreign_field_issues(kind: QuestionKind, given: Iterable[str]) -> list[Issue]:
    """Fields set that belong to another kind of question."""
    issues: list[Issue] = []
    for name in sorted(set(given) - _COMMON - KIND_FIELDS[kind]):
        owner = next((k.value for k, fields in KIND_FIELDS.items() if name in fields), None)
        if owner is not None:
            issues.append(((name,), f"`{name}` does not apply to {kind.value} questions (it is for {owner} questions)"))
    return issues


def _check_rating(q: Question) -> list[Issue]:
    return [] if q.scale is not None else [(("scale",), "rating questions need a `scale` (min, max, anchors)")]


def _check_choice(q: Question) -> list[Issue]:
    issues: list[Issue] = []
    if len(q.options) < 2:
        issues.append((("options",), f"choice questions need at least 2 options, got {len(q.options)}"))
    seen: set[str] = set()
    for i, option in enumerate(q.options):
        if option.value in seen:
            issues.append((("options", i), f"duplicate option {option.value!r}"))
        seen.add(option.value)
    if not q.multiple:
        issues.extend(
            ((name,), "only applies when `multiple: true`")
            for name in ("min_selections", "max_selections")
            if getattr(q, name) is not None
        )
        return issues
    low, high = q.min_selections or 0, q.max_selections
    if high is not None and high > len(q.options):
        issues.append((("max_selections",), f"expected at most the number of options ({len(q.options)}), got {high}"))
    if high is not None and low > high:
        issues.append((("min_selections",), f"expected at most max_selections ({high}), got {low}"))
    if low > len(q.options):
        issues.append((("min_selections",), f"expected at most the number of options ({len(q.options)}), got {low}"))
    return issues


def _check_compare(q: Question) -> list[Issue]:
    if q.per_response:
        return [(("per_response",), "compare questions are asked once per item, not per response")]
    return []


def _check_rank(q: Question) -> list[Issue]:
    issues: list[Issue] = []
    if q.per_response:
        issues.append((("per_response",), "rank questions are asked once per item, not per response"))
    if q.min_responses > MAX_RESPONSES:
        issues.append((("min_responses",), f"expected at most {MAX_RESPONSES}, got {q.min_responses}"))
    return issues


def _check_text(q: Question) -> list[Issue]:
    if q.max_length is not None and q.max_length < q.min_length:
        return [(("max_length",), f"expected at least min_length ({q.min_length}), got {q.max_length}")]
    return []


def _check_span(q: Question) -> list[Issue]:
    issues: list[Issue] = []
    if not q.per_response:
        issues.append((("per_response",), "span questions mark text inside a response, so they are always per response"))
    if not q.labels:
        issues.append((("labels",), "span questions need at least one label"))
    seen: set[str] = set()
    for i, label in enumerate(q.labels):
        if label.name in seen:
            issues.append((("labels", i), f"duplicate span label {label.name!r}"))
        seen.add(label.name)
    return issues


_KIND_CHECKS = {
    QuestionKind.RATING: _check_rating,
    QuestionKind.CHOICE: _check_choice,
    QuestionKind.COMPARE: _check_compare,
    QuestionKind.RANK: _check_rank,
    QuestionKind.TEXT: _check_text,
    QuestionKind.SPAN: _check_span,
}


class ConsistencyRule(SpecModel):
    """An answer pattern that is allowed but suspicious, so the annotator confirms it before
    submitting, e.g. `when: accuracy == 5 and "hallucination" in issues` (a span question's answer
    reads as the list of its span labels)."""

    when: Condition
    """The suspicious pattern, in the condition language of `shown_when`."""
    message: str = Field(min_length=1)
    """What the annotator is asked to confirm, shown next to the question."""
    question: str | None = None
    """Which question the message is shown at (default: the first one the condition names)."""
