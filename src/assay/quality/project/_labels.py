"""What each kind of question contributes to the statistics, and how answers become labels.

Categorical questions (a rating, a single choice, a comparison's winner) become labels for
agreement and truth inference; free-text answers feed the copy-paste check; multiple choice,
rankings and spans are left out (they need their own distance functions: see the design note).
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from assay.spec import Question, QuestionKind

LETTERS = string.ascii_uppercase


def is_categorical(q: Question) -> bool:
    """Whether answers to ``q`` are one label from a fixed set."""
    if q.kind == QuestionKind.RATING:
        return q.scale is not None
    if q.kind == QuestionKind.CHOICE:
        return not q.multiple
    return q.kind == QuestionKind.COMPARE


def is_text(q: Question) -> bool:
    return q.kind == QuestionKind.TEXT


def level(q: Question) -> str:
    """Krippendorff's level of measurement: ordinal for ratings, nominal otherwise."""
    return "ordinal" if q.kind == QuestionKind.RATING else "nominal"


def kappa_weights(q: Question) -> str:
    """Weights of the pairwise Cohen's κ: quadratic on a rating scale, identity otherwise."""
    return "quadratic" if q.kind == QuestionKind.RATING else "identity"


def categories(q: Question) -> list[Any]:
    """Every label the question allows, in order (ratings: the scale's values)."""
    if q.kind == QuestionKind.RATING:
        assert q.scale is not None
        return [float(v) for v in q.scale.values]
    if q.kind == QuestionKind.CHOICE:
        return list(q.option_values)
    return ["A", "B", *(["tie"] if q.allow_tie else [])]


def label_of(q: Question, value: Any) -> Any:
    """The label a stored answer (or a gold / adjudicated value) stands for; None when it is not one."""
    if value is None:
        return None
    if q.kind == QuestionKind.RATING:
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if number == number else None
    if q.kind == QuestionKind.COMPARE:
        winner = value.get("winner") if isinstance(value, Mapping) else value
        return winner if isinstance(winner, str) else None
    return value if isinstance(value, str) else None


def stored_value(q: Question, label: Any) -> Any:
    """A consensus label in the canonical answer form of ``q`` (what adjudication stores too)."""
    if q.kind == QuestionKind.RATING:
        number = float(label)
        return int(number) if number.is_integer() else number
    if q.kind == QuestionKind.COMPARE:
        return {"winner": str(label), "strength": None}
    return str(label)


def plain(label: Any) -> Any:
    """A label as JSON shows it: integral numbers as ints."""
    if isinstance(label, float) and label.is_integer():
        return int(label)
    item = getattr(label, "item", None)
    return plain(item()) if callable(item) else label


def per_response_gold(value: Any, response_ids: Sequence[int]) -> dict[int, Any]:
    """A per-response gold answer (``{"A": 5, "B": 1}``, ``{"<response id>": 5}`` or ``[5, 1]``)
    by response id; ``response_ids`` are the item's responses in position order."""
    out: dict[int, Any] = {}
    if isinstance(value, Mapping):
        known = {str(r) for r in response_ids}
        for key, v in value.items():
            key = str(key)
            if key in known:
                out[int(key)] = v
            elif len(key) == 1 and key in LETTERS and LETTERS.index(key) < len(response_ids):
                out[response_ids[LETTERS.index(key)]] = v
    elif isinstance(value, list | tuple):
        out = {rid: v for rid, v in zip(response_ids, value, strict=False) if v is not None}
    return out
