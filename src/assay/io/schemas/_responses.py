"""A prompt with any number of model responses: the shape most evaluation pipelines write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.io.schemas._chat import _openai_message
from assay.io.schemas._common import (
    as_dict,
    as_list,
    as_text,
    fill_standard,
    missing,
    not_metadata,
    split_prompt,
    type_name,
)
from assay.io.schemas._records import ItemRecord, RecordError, ResponseRecord

RESPONSE_KEYS = ("responses", "response", "response_a", "response_b", "completion", "output")
_SKIP = not_metadata(("prompt", "messages", *RESPONSE_KEYS, "model", "model_a", "model_b"))


def _response(raw: Any, field: str) -> ResponseRecord:
    if isinstance(raw, str):
        return ResponseRecord(content=raw)
    if not isinstance(raw, dict):
        raise RecordError(field, f"expected text or a response object, got {type_name(raw)}")
    content = as_text(raw.get("content", raw.get("text", raw.get("response"))), f"{field}.content", required=True)
    return ResponseRecord(
        content=content or "",
        model=as_text(raw.get("model"), f"{field}.model"),
        external_id=as_text(raw.get("id", raw.get("external_id")), f"{field}.id"),
        metadata=as_dict(raw.get("metadata"), f"{field}.metadata"),
    )


class PromptResponses:
    name = "responses"
    description = (
        "Prompt with model responses: {prompt | messages, responses: [{model, content}]} "
        "(also response / response_a + response_b with model_a / model_b)."
    )
    produces = "items"

    def matches(self, record: Mapping[str, Any]) -> bool:
        return "prompt" in record or ("messages" in record and any(k in record for k in RESPONSE_KEYS))

    def parse(self, record: Mapping[str, Any]) -> ItemRecord:
        item = ItemRecord()
        messages = as_list(record.get("messages"), "messages")
        if messages:
            split_prompt([_openai_message(m, f"messages[{i}]") for i, m in enumerate(messages)], item)
        elif isinstance(record.get("prompt"), list):
            # Conversational TRL-style prompts are lists of messages.
            raw = record["prompt"]
            split_prompt([_openai_message(m, f"prompt[{i}]") for i, m in enumerate(raw)], item)
        else:
            item.prompt = as_text(record.get("prompt"), "prompt", required=True)
        item.responses = self._responses(record)
        return fill_standard(item, record, _SKIP)

    def _responses(self, record: Mapping[str, Any]) -> list[ResponseRecord]:
        many = as_list(record.get("responses"), "responses")
        if many is not None:
            return [_response(r, f"responses[{i}]") for i, r in enumerate(many)]
        out = []
        if not missing(record.get("response_a")) or not missing(record.get("response_b")):
            for side in ("a", "b"):
                content = as_text(record.get(f"response_{side}"), f"response_{side}", required=True) or ""
                out.append(ResponseRecord(content=content, model=as_text(record.get(f"model_{side}"), f"model_{side}")))
            return out
        for key in ("response", "completion", "output"):
            if not missing(record.get(key)):
                r = _response(record[key], key)
                r.model = r.model or as_text(record.get("model"), "model")
                return [r]
        return out
