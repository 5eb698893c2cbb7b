"""Checking one answer against its question and normalising it to the canonical stored form.

Canonical forms (what the store keeps and exports write):
  rating  int                      choice  str, or list[str] in option order when multiple
  compare {"winner": "A"|"B"|"tie", "strength": int | None}
  rank    list[str] best -> worst, tied letters joined as "A=C"
  text    str                      span    list[{"start", "end", "label", "quote", "comment", "fix"}]
CSV imports hand us strings, so each kind also accepts a string spelling of its form.
"""

from __future__ import annotations

import json
import math
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assay.spec._errors import AnswerError

if TYPE_CHECKING:
    from assay.spec._question import Question

LETTERS = string.ascii_uppercase
SPAN_KEYS = ("start", "end", "label", "quote", "comment", "fix")


def response_letter(index: int) -> str:
    """0 -> "A", 1 -> "B", ..."""
    return LETTERS[index]


def check_answer(q: Question, value: Any, n_responses: int | None, response_text: str | None) -> Any:
    if value is None:
        raise AnswerError("no answer given")
    return _CHECKERS[q.kind.value](q, value, n_responses, response_text)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_int(value: Any) -> int | None:
    """An integer from 4, 4.0, "4", " 4.0 "; None for 4.5, "x", True."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _maybe_json(value: Any, opener: str) -> Any:
    """Decode `value` when it is a string that looks like JSON starting with `opener`."""
    if isinstance(value, str) and value.strip().startswith(opener):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise AnswerError(f"could not read JSON answer {_show(value)}: {exc.msg}") from None
    return value


def _rating(q: Question, value: Any, n: int | None, text: str | None) -> int:
    assert q.scale is not None  # guaranteed by Question validation
    number = _to_int(value)
    if number is None:
        raise AnswerError(f"expected a whole number from {q.scale.describe()}, got {_show(value)}")
    if not q.scale.min <= number <= q.scale.max:
        raise AnswerError(f"expected a rating from {q.scale.describe()}, got {number}")
    return number


def _resolve_option(q: Question, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # JSON and spreadsheets turn an option such as "1" into a number.
        whole = _to_int(value)
        value = str(whole if whole is not None else value)
    if not isinstance(value, str):
        raise AnswerError(f"expected an option string, got {_show(value)}")
    text = value.strip()
    values = q.option_values
    if text in values:
        return text
    # Exports from other tools often carry a different case or the visible label.
    for option in q.options:
        if text.lower() in (option.value.lower(), option.label.lower()):
            return option.value
    allowed = ", ".join(repr(v) for v in values)
    raise AnswerError(f"expected one of {allowed}, got {_show(value)}")


def _choice(q: Question, value: Any, n: int | None, text: str | None) -> str | list[str]:
    if not q.multiple:
        if isinstance(value, list):
            raise AnswerError(f"expected a single option, got a list {_show(value)}")
        return _resolve_option(q, value)
    value = _maybe_json(value, "[")
    if isinstance(value, str):
        value = [part for part in value.split("|") if part.strip()]
    if not isinstance(value, list):
        raise AnswerError(f"expected a list of options (or 'a|b'), got {_show(value)}")
    chosen = {_resolve_option(q, item) for item in value}
    ordered = [v for v in q.option_values if v in chosen]
    low, high = q.min_selections or 0, q.max_selections
    if len(ordered) < low:
        raise AnswerError(f"expected at least {low} selected options, got {len(ordered)}")
    if high is not None and len(ordered) > high:
        raise AnswerError(f"expected at most {high} selected options, got {len(ordered)}")
    return ordered


def _winner(value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in ("A", "B"):
            return text.upper()
        if text.lower() == "tie":
            return "tie"
    raise AnswerError(f"expected winner 'A', 'B' or 'tie', got {_show(value)}")


def _compare(q: Question, value: Any, n: int | None, text: str | None) -> dict[str, Any]:
    value = _maybe_json(value, "{")
    if isinstance(value, str):
        value = {"winner": value}
    if not isinstance(value, dict):
        raise AnswerError(f"expected 'A', 'B', 'tie' or {{\"winner\": ..., \"strength\": ...}}, got {_show(value)}")
    unknown = sorted(set(value) - {"winner", "strength"})
    if unknown:
        raise AnswerError(f"unexpected keys {unknown} (expected winner, strength)")
    winner = _winner(value.get("winner"))
    raw_strength = value.get("strength")
    if raw_strength == "":
        raw_strength = None
    if winner == "tie":
        if not q.allow_tie:
            raise AnswerError("a tie is not allowed here; choose 'A' or 'B'")
        if raw_strength is not None:
            raise AnswerError("a tie has no strength; leave strength empty")
        return {"winner": "tie", "strength": None}
    if q.strength is None:
        if raw_strength is not None:
            raise AnswerError("this comparison has no strength scale; leave strength empty")
        return {"winner": winner, "strength": None}
    if raw_strength is None:
        raise AnswerError(f"a strength from {q.strength.describe()} is required when A or B wins")
    strength = _to_int(raw_strength)
    if strength is None or not q.strength.min <= strength <= q.strength.max:
        raise AnswerError(f"expected a strength from {q.strength.describe()}, got {_show(raw_strength)}")
    return {"winner": winner, "strength": strength}


def _rank(q: Question, value: Any, n: int | None, text: str | None) -> list[str]:
    value = _maybe_json(value, "[")
    if isinstance(value, str):
        value = [part for part in value.replace(",", ">").split(">") if part.strip()]
    if not isinstance(value, list):
        raise AnswerError(f"expected a ranking best to worst such as ['B', 'A', 'C'] or 'B>A>C', got {_show(value)}")
    tiers: list[list[str]] = []
    for tier in value:
        members = tier if isinstance(tier, list) else tier.split("=") if isinstance(tier, str) else None
        if not members or not all(isinstance(m, str) and m.strip().upper() in LETTERS for m in members):
            raise AnswerError(f"expected response letters A-Z in the ranking, got {_show(tier)}")
        tiers.append(sorted(m.strip().upper() for m in members))
    if not q.allow_ties and any(len(t) > 1 for t in tiers):
        raise AnswerError("ties are not allowed in this ranking; put every response in its own place")
    flat = [letter for tier in tiers for letter in tier]
    if len(set(flat)) != len(flat):
        raise AnswerError(f"each response may appear only once in the ranking, got {_show(value)}")
    expected = set(LETTERS[: n if n is not None else len(flat)])
    if set(flat) != expected:
        raise AnswerError(f"expected a ranking of responses {', '.join(sorted(expected))}, got {', '.join(flat)}")
    if len(flat) < q.min_responses:
        raise AnswerError(f"expected at least {q.min_responses} ranked responses, got {len(flat)}")
    return ["=".join(t) for t in tiers]


def _text(q: Question, value: Any, n: int | None, text: str | None) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"expected text, got {_show(value)}")
    length = len(value.strip())
    if length == 0:
        raise AnswerError("expected some text, got an empty answer")
    if length < q.min_length:
        raise AnswerError(f"expected at least {q.min_length} characters, got {length}")
    if q.max_length is not None and length > q.max_length:
        raise AnswerError(f"expected at most {q.max_length} characters, got {length}")
    return value


def _span(q: Question, value: Any, n: int | None, text: str | None) -> list[dict[str, Any]]:
    if isinstance(value, str) and not value.strip():
        value = []
    value = _maybe_json(value, "[")
    if not isinstance(value, list):
        raise AnswerError(f"expected a list of spans {{start, end, label, ...}}, got {_show(value)}")
    spans = [_one_span(q, i, item, text) for i, item in enumerate(value)]
    return sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))


def _one_span(q: Question, i: int, item: Any, text: str | None) -> dict[str, Any]:
    where = f"span {i + 1}"
    if not isinstance(item, dict):
        raise AnswerError(f"{where}: expected a mapping with start, end and label, got {_show(item)}")
    unknown = sorted(set(item) - set(SPAN_KEYS))
    if unknown:
        raise AnswerError(f"{where}: unexpected keys {unknown} (expected {', '.join(SPAN_KEYS)})")
    start, end = _to_int(item.get("start")), _to_int(item.get("end"))
    if start is None or end is None or start < 0 or end <= start:
        raise AnswerError(
            f"{where}: expected whole-number offsets with 0 <= start < end, got {item.get('start')!r}..{item.get('end')!r}"
        )
    label = item.get("label")
    names = q.span_label_names
    match = next((name for name in names if isinstance(label, str) and name == label.strip().lower()), None)
    if match is None:
        raise AnswerError(f"{where}: expected a label among {', '.join(names)}, got {_show(label)}")
    span: dict[str, Any] = {"start": start, "end": end, "label": match}
    for field in ("quote", "comment", "fix"):
        content = item.get(field)
        if content is not None and not isinstance(content, str):
            raise AnswerError(f"{where}: expected {field} to be text, got {_show(content)}")
        span[field] = content if content else None
    if q.require_comment and not (span["comment"] or "").strip():
        raise AnswerError(f"{where}: a comment explaining the problem is required")
    if q.require_fix and not (span["fix"] or "").strip():
        raise AnswerError(f"{where}: a suggested fix is required")
    if text is not None:
        if end > len(text):
            raise AnswerError(f"{where}: ends at {end}, past the end of the response ({len(text)} characters)")
        if span["quote"] is not None and span["quote"] != text[start:end]:
            raise AnswerError(f"{where}: quote {_show(span['quote'])} does not match the response text at {start}..{end}")
        span["quote"] = text[start:end]
    return span


_CHECKERS: dict[str, Callable[[Question, Any, int | None, str | None], Any]] = {
    "rating": _rating,
    "choice": _choice,
    "compare": _compare,
    "rank": _rank,
    "text": _text,
    "span": _span,
}
