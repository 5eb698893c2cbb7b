"""Turning other tools' score values and message contents into Assay's numbers and texts."""

from __future__ import annotations

import math
import re
from typing import Any

import orjson

from assay.evals.imports._records import MAX_CRITERION
from assay.io.schemas import RecordError

# Inspect AI's letter grades (inspect_ai.scorer: CORRECT, INCORRECT, PARTIAL, NOANSWER) and the numbers
# its `value_to_float()` gives them.
INSPECT_LETTERS = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def value_to_float(value: Any) -> float | None:
    """A score value as Inspect's `value_to_float()` reads it: C/I/P/N as 1/0/0.5/0, yes/true and
    no/false as 1/0, numbers and numeric strings as they are.

    Where Inspect falls back to 0 with a warning (other strings, lists, dicts) this returns None:
    the value is kept, but never counted as a zero it was not."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        if value in INSPECT_LETTERS:
            return INSPECT_LETTERS[value]
        lowered = value.strip().lower()
        if lowered in ("yes", "true"):
            return 1.0
        if lowered in ("no", "false"):
            return 0.0
        if _NUMBER.match(value):
            number = float(value)
            return number if math.isfinite(number) else None
    return None


def content_text(content: Any, field: str) -> tuple[str, str | None]:
    """(text, reasoning) of a chat message's content: a string, or a list of parts (Inspect's
    ContentText/ContentReasoning, OpenAI's text parts). Other parts (images, audio, tool output) are
    named in brackets, never dropped silently."""
    if content is None:
        return "", None
    if isinstance(content, str):
        return content, None
    if not isinstance(content, list):
        raise RecordError(field, f"expected text or a list of content parts, got {type(content).__name__}")
    texts: list[str] = []
    reasoning: list[str] = []
    for i, part in enumerate(content):
        if isinstance(part, str):
            texts.append(part)
            continue
        if not isinstance(part, dict):
            raise RecordError(f"{field}.{i}", f"expected a content part object, got {type(part).__name__}")
        kind = part.get("type")
        if kind == "text" or (kind is None and isinstance(part.get("text"), str)):
            texts.append(str(part.get("text") or ""))
        elif kind == "reasoning":
            if isinstance(part.get("reasoning"), str) and not part.get("redacted"):
                reasoning.append(part["reasoning"])
        elif kind == "refusal" and isinstance(part.get("refusal"), str):
            texts.append(part["refusal"])
        else:
            texts.append(f"[{kind or 'content'}]")
    return "".join(texts), ("\n\n".join(reasoning) or None)


def json_text(value: Any) -> str:
    """A non-text value (a structured output) as the JSON text a person can read."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()


def criterion_name(name: str, field: str) -> str:
    """A criterion as stored (`judge_verdicts.question`, 64 characters)."""
    name = name.strip()
    if not name:
        raise RecordError(field, "a score has no name")
    if len(name) > MAX_CRITERION:
        raise RecordError(field, f"score name {name[:40]!r}... is longer than {MAX_CRITERION} characters")
    return name


def external_id(value: str, field: str) -> str:
    """An item or response external id as stored (255 characters)."""
    if len(value) > 255:
        raise RecordError(field, f"id {value[:40]!r}... is longer than 255 characters")
    return value
