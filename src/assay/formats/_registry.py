"""Every record schema, by name, and detection of the schema a file's records are in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from . import _preference, _ratings, _sft, _tools
from ._errors import RecordError
from ._format import Format
from ._models import CanonicalRecord

# Registry order is listing order; DETECTION_ORDER puts the most specific shapes first.
FORMATS: dict[str, Format] = {f.name: f for f in (*_sft.FORMATS, *_preference.FORMATS, *_ratings.FORMATS, *_tools.FORMATS)}
DETECTION_ORDER = (
    "label-studio", "argilla", "openai-dpo", "hh-rlhf", "trl-stepwise", "trl-kto", "trl-preference",
    "ultrafeedback", "helpsteer", "sharegpt", "alpaca", "trl-prompt-completion", "trl-prompt-only",
    "openai-chat", "trl-language-modeling",
)
assert set(DETECTION_ORDER) == set(FORMATS), "every schema takes part in detection"


class FormatError(ValueError):
    """The schema could not be chosen: unknown name, records that fit none, or kinds that do not convert."""


def get_format(name: str) -> Format:
    key = name.replace("_", "-")
    if key not in FORMATS:
        raise FormatError(f"unknown schema {name!r}; expected one of {', '.join(FORMATS)}")
    return FORMATS[key]


def detect_format(records: Sequence[Mapping[str, Any]]) -> Format:
    """The schema that fits most of the sampled records (the most specific on a tie)."""
    if not records:
        raise FormatError("no records to detect the schema from")
    best, chosen = 0, None
    for name in DETECTION_ORDER:
        fmt = FORMATS[name]
        score = sum(1 for r in records if fmt.matches(r))
        if score > best:
            best, chosen = score, fmt
    if chosen is None or best * 2 < len(records):
        keys = sorted({k for r in records[:3] for k in r})
        raise FormatError(f"could not recognise the record shape (fields: {', '.join(keys)}); name it with --from")
    return chosen


def parse_record(fmt: Format, raw: Mapping[str, Any]) -> CanonicalRecord:
    """One raw record as a canonical record; RecordError names the field when it does not fit."""
    try:
        return fmt.read(raw)
    except ValidationError as e:
        first = e.errors()[0]
        raise RecordError(".".join(str(p) for p in first["loc"]) or None, first["msg"]) from None
