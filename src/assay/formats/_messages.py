"""Chat messages in and out: the OpenAI shape and the TRL/HF shape (dict tool-call arguments)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from ._errors import RecordError
from ._fields import as_dict, as_list, decode_json, missing, text, type_name
from ._models import Message

# OpenAI's "developer" is the newer name for "system"; "function" is the pre-tools name for "tool".
ROLE_ALIASES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant",
                "tool": "tool", "function": "tool"}
_MESSAGE_KEYS = {"role", "content", "name", "tool_calls", "tool_call_id", "weight", "reasoning",
                 "reasoning_content"}


def content_text(value: Any, field: str) -> str | None:
    """Message content: text, None, or a list of content parts of which only text parts are supported."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = []
        for i, part in enumerate(value):
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                kind = part.get("type") if isinstance(part, dict) else type_name(part)
                raise RecordError(f"{field}[{i}]", f"only text content parts are supported, got {kind!r}")
        return "\n".join(texts)
    raise RecordError(field, f"expected text or a list of content parts, got {type_name(value)}")


def arguments_text(value: Any, field: str) -> str:
    """Tool-call arguments in canonical form: JSON text of an object."""
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    if isinstance(value, str):
        parsed = decode_json(value, field) if value.strip() else None
        if not isinstance(parsed, dict):
            raise RecordError(field, "expected a JSON object (as text) of the call's arguments")
        return value
    raise RecordError(field, f"expected a JSON object of arguments, got {type_name(value)}")


def read_tool_calls(value: Any, field: str) -> list[dict[str, Any]] | None:
    calls = as_list(value, field)
    if calls is None:
        return None
    out = []
    for i, raw in enumerate(calls):
        where = f"{field}[{i}]"
        if not isinstance(raw, dict):
            raise RecordError(where, f"expected a tool call object, got {type_name(raw)}")
        function = as_dict(raw.get("function"), f"{where}.function", required=True) or {}
        name = text(function.get("name"), f"{where}.function.name", required=True)
        call: dict[str, Any] = {}
        if not missing(raw.get("id")):
            call["id"] = text(raw.get("id"), f"{where}.id")
        kind = raw.get("type")
        if kind not in (None, "function"):
            raise RecordError(f"{where}.type", f"only function tool calls are supported, got {kind!r}")
        call["type"] = "function"
        call["function"] = {"name": name, "arguments": arguments_text(function.get("arguments", {}), f"{where}.function.arguments")}
        out.append(call)
    return out


def read_message(raw: Any, field: str, *, roles: Sequence[str] | None = None) -> Message:
    """A canonical message from an OpenAI- or TRL-shaped dict."""
    if not isinstance(raw, dict):
        raise RecordError(field, f"expected a message object, got {type_name(raw)}")
    unknown = [k for k, v in raw.items() if k not in _MESSAGE_KEYS and v is not None]
    if unknown:
        raise RecordError(f"{field}.{unknown[0]}", f"unknown message key; expected some of {sorted(_MESSAGE_KEYS)}")
    role = ROLE_ALIASES.get(raw.get("role"))  # type: ignore[arg-type]
    if role is None or (roles is not None and role not in roles):
        allowed = sorted(ROLE_ALIASES) if roles is None else list(roles)
        raise RecordError(f"{field}.role", f"unknown role {raw.get('role')!r}; expected one of {allowed}")
    weight = raw.get("weight")
    if weight is not None:
        numeric = weight in (0, 1) and not isinstance(weight, bool)
        if numeric or (isinstance(weight, str) and weight.strip() in ("0", "1")):
            weight = int(weight)
        else:
            raise RecordError(f"{field}.weight", f"expected 0 or 1, got {weight!r}")
    reasoning = raw.get("reasoning_content", raw.get("reasoning"))
    return Message(
        role=role,
        content=content_text(raw.get("content"), f"{field}.content"),
        name=text(raw.get("name"), f"{field}.name"),
        tool_calls=read_tool_calls(raw.get("tool_calls"), f"{field}.tool_calls"),
        tool_call_id=text(raw.get("tool_call_id"), f"{field}.tool_call_id"),
        weight=weight,
        reasoning=text(reasoning, f"{field}.reasoning_content", keep_empty=True),
    )


def read_messages(value: Any, field: str, *, required: bool = True, roles: Sequence[str] | None = None) -> list[Message]:
    raw = as_list(value, field, required=required)
    if raw is None:
        return []
    if required and not raw:
        raise RecordError(field, "is required and must be a non-empty list")
    return [read_message(m, f"{field}[{i}]", roles=roles) for i, m in enumerate(raw)]


def read_tools(value: Any, field: str) -> list[dict[str, Any]] | None:
    """OpenAI function tool schemas; bare function definitions ({name, parameters}) are wrapped."""
    tools = as_list(value, field)
    if tools is None:
        return None
    out = []
    for i, tool in enumerate(tools):
        where = f"{field}[{i}]"
        if not isinstance(tool, dict):
            raise RecordError(where, f"expected a tool schema object, got {type_name(tool)}")
        if "function" in tool:
            if tool.get("type", "function") != "function":
                raise RecordError(f"{where}.type", f"only function tools are supported, got {tool.get('type')!r}")
            function = as_dict(tool["function"], f"{where}.function", required=True) or {}
            tool = {**tool, "type": "function", "function": function}
        else:
            function = tool
            tool = {"type": "function", "function": tool}
        text(function.get("name"), f"{where}.function.name", required=True)
        out.append(tool)
    return out


def write_message(message: Message, *, dict_arguments: bool = False) -> dict[str, Any]:
    """The dict of a message: OpenAI shape, or with ``dict_arguments`` the TRL/HF shape."""
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.name is not None:
        out["name"] = message.name
    if message.tool_calls is not None:
        calls = message.tool_calls
        if dict_arguments:
            calls = [
                {**call, "function": {**call["function"], "arguments": orjson.loads(call["function"]["arguments"])}}
                for call in calls
            ]
        out["tool_calls"] = calls
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    if message.weight is not None:
        out["weight"] = message.weight
    if message.reasoning is not None:
        out["reasoning_content"] = message.reasoning
    return out


def write_messages(messages: Sequence[Message], *, dict_arguments: bool = False) -> list[dict[str, Any]]:
    return [write_message(m, dict_arguments=dict_arguments) for m in messages]


def common_prefix(a: Sequence[Message], b: Sequence[Message]) -> int:
    """How many leading messages two conversations share, leaving each at least one of its own."""
    n = 0
    limit = min(len(a), len(b)) - 1
    while n < limit and a[n] == b[n]:
        n += 1
    return n


def trailing_assistant(messages: Sequence[Message]) -> int:
    """Where the final run of assistant messages starts (len(messages) when there is none)."""
    start = len(messages)
    while start > 0 and messages[start - 1].role == "assistant":
        start -= 1
    return start


def single_text(messages: Sequence[Message], role: str, field: str, *, form: str = "standard") -> str:
    """The text of a one-message list, for the standard (plain string) form of TRL datasets."""
    if len(messages) != 1 or messages[0].role != role or messages[0].tool_calls:
        roles = ", ".join(m.role for m in messages) or "none"
        raise RecordError(
            field,
            f"the {form} form holds one {role} text here, but the record has messages ({roles}); "
            "write the conversational form instead",
        )
    return messages[0].content or ""
