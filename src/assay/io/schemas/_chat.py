"""Chat-shaped records: OpenAI `messages`, ShareGPT `conversations` (read by `assay.formats`).

The last assistant turn, if any, is the response under judgement; everything before it is the prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.formats._messages import read_message, write_message
from assay.io.schemas._common import as_list
from assay.io.schemas._formats import FormatSchema
from assay.io.schemas._records import RecordError


def _openai_message(raw: Any, field: str) -> dict[str, Any]:
    """One OpenAI message as a dict (for prompts given as message lists in other schemas)."""
    msg = read_message(raw, field)
    if msg.role == "assistant" and not msg.content and not msg.tool_calls:
        raise RecordError(f"{field}.content", "assistant message has neither content nor tool_calls")
    out = write_message(msg)
    if out["content"] is None:
        out["content"] = ""
    return out


def as_list_or_none(value: Any) -> list[Any] | None:
    try:
        return as_list(value, "")
    except RecordError:
        return None


class OpenAIChat(FormatSchema):
    def __init__(self) -> None:
        super().__init__("openai-chat", import_name="openai_chat", matches=self._is_chat)
        self.description = "OpenAI chat format: {messages: [{role, content}, ...]}; a final assistant turn is the response."

    @staticmethod
    def _is_chat(record: Mapping[str, Any]) -> bool:
        return isinstance(as_list_or_none(record.get("messages")), list) and "conversations" not in record


class ShareGPT(FormatSchema):
    def __init__(self) -> None:
        super().__init__("sharegpt", matches=lambda r: isinstance(as_list_or_none(r.get("conversations")), list))
        self.description = "ShareGPT: {conversations: [{from: human|gpt|system|function_call|observation, value}]}."
