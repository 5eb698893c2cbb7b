"""Existing judgements in long format: one row per item × annotator × question (× response)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.io.schemas._common import as_text, missing
from assay.io.schemas._records import JudgementRecord, RecordError

ALIASES = {
    "item": ("item", "item_id", "external_id"),
    "annotator": ("annotator", "user", "worker", "annotator_id"),
    "question": ("question", "criterion", "field"),
    "value": ("value", "label", "answer"),
}


def _first(record: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any]:
    for name in names:
        if name in record:
            return name, record[name]
    return names[0], None


class LongJudgements:
    name = "judgements"
    description = "Existing judgements, long format: {item, annotator, question, value[, response, submitted_at]}."
    produces = "judgements"

    def matches(self, record: Mapping[str, Any]) -> bool:
        return all(any(n in record for n in names) for names in ALIASES.values())

    def parse(self, record: Mapping[str, Any]) -> JudgementRecord:
        fields = {}
        for target, names in ALIASES.items():
            key, value = _first(record, names)
            if target == "value":
                if value is None or (isinstance(value, str) and value == ""):
                    raise RecordError(key, "is required and missing or empty")
                fields[target] = value
            else:
                fields[target] = as_text(value, key, required=True) or ""
        raw_time: Any = record.get("time_spent_ms")
        time_spent: int | None = None
        if not missing(raw_time):
            try:
                time_spent = int(float(raw_time))
            except (TypeError, ValueError):
                raise RecordError("time_spent_ms", f"expected a whole number of milliseconds, got {raw_time!r}") from None
        return JudgementRecord(
            item=fields["item"],
            annotator=fields["annotator"],
            question=fields["question"],
            value=fields["value"],
            response=as_text(record.get("response"), "response"),
            submitted_at=as_text(record.get("submitted_at"), "submitted_at"),
            time_spent_ms=time_spent,
        )
