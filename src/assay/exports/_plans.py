"""Record plans: which item, which responses and which labels make each training record.

Plans carry ids and numbers only; texts are fetched when the plans are rendered (`_render`). Every
plan lists the judgements it was made from, for the manifest's lineage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assay.spec import ProjectSpec, Question, QuestionKind

from ._errors import ExportError
from ._options import ExportOptions, Per


@dataclass(slots=True)
class PairPlan:
    item: int
    chosen: int
    """Response id of the preferred answer."""
    rejected: int
    score_chosen: float | None = None
    score_rejected: float | None = None
    margin: float | None = None
    judgements: tuple[int, ...] = ()
    annotator: int | None = None
    """The one person the record comes from (per-judgement records)."""


@dataclass(slots=True)
class SFTPlan:
    item: int
    response: int | None = None
    """A stored response as the answer (the best-rated one, or an imported one)."""
    text: str | None = None
    """A person's written answer or rewrite as the answer."""
    judgements: tuple[int, ...] = ()
    annotator: int | None = None


@dataclass(slots=True)
class KTOPlan:
    item: int
    response: int
    desirable: bool
    judgements: tuple[int, ...] = ()
    annotator: int | None = None


@dataclass(slots=True)
class RatedPart:
    response: int
    ratings: dict[str, float | int]
    rationales: dict[str, str] = field(default_factory=dict)
    n: dict[str, int] = field(default_factory=dict)
    """How many ratings each criterion's value stands on."""
    confidence: dict[str, float | None] = field(default_factory=dict)
    agreement: dict[str, float | None] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    """Other metadata of an imported rated response (UltraFeedback's critique, scores…), written back."""


@dataclass(slots=True)
class RatedPlan:
    item: int
    parts: list[RatedPart]
    judgements: tuple[int, ...] = ()
    annotator: int | None = None


Plan = PairPlan | SFTPlan | KTOPlan | RatedPlan


def question(spec: ProjectSpec, key: str, option: str, kinds: Sequence[QuestionKind], *,
             per_response: bool | None = None) -> Question:
    """The question ``key`` of the spec, checked to be of one of ``kinds``; ExportError otherwise."""
    try:
        q = spec.question(key)
    except KeyError:
        raise ExportError(f"{option}: project {spec.slug!r} has no question {key!r}; "
                          f"questions: {', '.join(spec.question_keys)}") from None
    wanted = " or ".join(k.value for k in kinds)
    if q.kind not in kinds:
        raise ExportError(f"{option}: question {key!r} is a {q.kind.value} question; expected a {wanted} question")
    if per_response is True and not q.per_response:
        raise ExportError(f"{option}: question {key!r} is asked once per item; expected one asked per response")
    return q


def first_of(spec: ProjectSpec, kinds: Sequence[QuestionKind], option: str, what: str) -> Question:
    for q in spec.questions:
        if q.kind in kinds:
            return q
    raise ExportError(f"project {spec.slug!r} has no {what}; name the source with {option}")


def per_for(options: ExportOptions, default: Per, allowed: Sequence[Per], option: str) -> Per:
    per = options.per or default
    if per not in allowed:
        raise ExportError(f"--per {per} does not apply to {option}; use {' or '.join(allowed)}")
    return per


def resolve_letter(rids: list[int], letter: str) -> int | None:
    """The response id a letter (A, B, …) names on an item, None when the item has no such response."""
    index = ord(letter) - ord("A") if len(letter) == 1 and "A" <= letter <= "Z" else -1
    return rids[index] if 0 <= index < len(rids) else None


def number(value: float) -> float | int:
    """A rating as files show it: 6 decimals, whole numbers as integers."""
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded
