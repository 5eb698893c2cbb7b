"""Chat-shaped records: OpenAI `messages` and ShareGPT `conversations`.

The last assistant turn, if any, is the response under judgement; everything before it is the prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.io.schemas._common import (
    as_list,
    as_text,
    fill_standard,
    message_text,
    not_metadata,
    split_prompt,
    type_name,
)
from assay.io.schemas._records import ItemRecord, RecordError, ResponseRecord

OPENAI_ROLES = {"system", "developer", "user", "assistant", "tool", "function"}
# ShareGPT's own role names, mapped explicitly: guessing would put tool output in the user's mouth.
SHAREGPT_ROLES = {
    "system": "system",
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "function_call": "assistant",
    "observation": "tool",
    "tool": "tool",
}


_OPENAI_SKIP = not_metadata(("messages", "model"))
_SHAREGPT_SKIP = not_metadata(("conversations", "model", "system", "tools"))


def _openai_message(raw: Any, field: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RecordError(field, f"expected a message object, got {type_name(raw)}")
    role = raw.get("role")
    if role not in OPENAI_ROLES:
        raise RecordError(f"{field}.role", f"unknown role {role!r}; expected one of {sorted(OPENAI_ROLES)}")
    msg: dict[str, Any] = {"role": "system" if role == "developer" else role}
    msg["content"] = message_text(raw.get("content"), f"{field}.content")
    for key in ("name", "tool_calls", "tool_call_id", "weight"):
        if key in raw and raw[key] is not None:
            msg[key] = raw[key]
    if role == "assistant" and not msg["content"] and "tool_calls" not in msg:
        raise RecordError(f"{field}.content", "assistant message has neither content nor tool_calls")
    return msg


def _split_response(messages: list[dict[str, Any]], model: str | None) -> list[ResponseRecord]:
    if messages and messages[-1]["role"] == "assistant":
        last = messages.pop()
        meta = {"tool_calls": last["tool_calls"]} if "tool_calls" in last else None
        return [ResponseRecord(content=last["content"], model=model, metadata=meta)]
    return []


class OpenAIChat:
    name = "openai_chat"
    description = "OpenAI chat format: {messages: [{role, content}, ...]}; a final assistant turn is the response."
    produces = "items"

    def matches(self, record: Mapping[str, Any]) -> bool:
        return isinstance(as_list_or_none(record.get("messages")), list) and "conversations" not in record

    def parse(self, record: Mapping[str, Any]) -> ItemRecord:
        raw = as_list(record.get("messages"), "messages")
        if not raw:
            raise RecordError("messages", "is required and must be a non-empty list")
        messages = [_openai_message(m, f"messages[{i}]") for i, m in enumerate(raw)]
        model = as_text(record.get("model"), "model")
        item = ItemRecord()
        item.responses = _split_response(messages, model)
        split_prompt(messages, item)
        return fill_standard(item, record, _OPENAI_SKIP)


class ShareGPT:
    name = "sharegpt"
    description = "ShareGPT: {conversations: [{from: human|gpt|system|function_call|observation, value}]}."
    produces = "items"

    def matches(self, record: Mapping[str, Any]) -> bool:
        return isinstance(as_list_or_none(record.get("conversations")), list)

    def parse(self, record: Mapping[str, Any]) -> ItemRecord:
        raw = as_list(record.get("conversations"), "conversations")
        if not raw:
            raise RecordError("conversations", "is required and must be a non-empty list")
        messages: list[dict[str, Any]] = []
        for i, turn in enumerate(raw):
            field = f"conversations[{i}]"
            if not isinstance(turn, dict):
                raise RecordError(field, f"expected a turn object, got {type_name(turn)}")
            who = turn.get("from", turn.get("role"))
            if who not in SHAREGPT_ROLES:
                raise RecordError(f"{field}.from", f"unknown role {who!r}; expected one of {sorted(SHAREGPT_ROLES)}")
            text = as_text(turn.get("value", turn.get("content")), f"{field}.value") or ""
            msg: dict[str, Any] = {"role": SHAREGPT_ROLES[who], "content": text}
            if who == "function_call":
                msg["sharegpt_from"] = "function_call"
            messages.append(msg)
        system = as_text(record.get("system"), "system")
        if system and not (messages and messages[0]["role"] == "system"):
            messages.insert(0, {"role": "system", "content": system})
        item = ItemRecord()
        item.responses = _split_response(messages, as_text(record.get("model"), "model"))
        split_prompt(messages, item)
        return fill_standard(item, record, _SHAREGPT_SKIP)


def as_list_or_none(value: Any) -> list[Any] | None:
    try:
        return as_list(value, "")
    except RecordError:
        return None
