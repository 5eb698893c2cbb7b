"""SFT schemas: OpenAI chat, ShareGPT, Alpaca and TRL language-modeling / prompt-only / prompt-completion."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from ._errors import RecordError
from ._fields import as_dict, as_list, leftovers, missing, spread, text, type_name
from ._format import Format, WriteOptions
from ._messages import (
    read_message,
    read_messages,
    read_tools,
    single_text,
    trailing_assistant,
    write_messages,
)
from ._models import Message, SFTExample

# ---- openai-chat ------------------------------------------------------------------------------

OPENAI_KEYS = ("messages", "tools")


def read_openai_chat(record: Mapping[str, Any]) -> SFTExample:
    messages = read_messages(record.get("messages"), "messages")
    for i, m in enumerate(messages):
        if m.role == "assistant" and not m.content and not m.tool_calls:
            raise RecordError(f"messages[{i}].content", "assistant message has neither content nor tool_calls")
    return SFTExample(messages=messages, tools=read_tools(record.get("tools"), "tools"),
                      metadata=leftovers(record, OPENAI_KEYS))


def write_openai_chat(example: SFTExample, options: WriteOptions) -> list[dict[str, Any]]:
    out: dict[str, Any] = {"messages": write_messages(example.messages)}
    if example.tools is not None:
        out["tools"] = example.tools
    return [spread(out, example.metadata, OPENAI_KEYS)]


def _is_openai(record: Mapping[str, Any]) -> bool:
    return "messages" in record and not any(k in record for k in ("conversations", "prompt", "text", "chosen"))


# ---- sharegpt ---------------------------------------------------------------------------------

SHAREGPT_KEYS = ("conversations", "system", "tools")
# ShareGPT's role names, mapped explicitly: guessing would put tool output in the user's mouth.
SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "system": "system", "function_call": "assistant", "observation": "tool", "tool": "tool"}


def _function_call(value: Any, field: str) -> list[dict[str, Any]]:
    """LLaMA-Factory's function_call turn: JSON of {name, arguments} or a list of them."""
    raw = value
    if isinstance(value, str):
        try:
            raw = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise RecordError(field, "a function_call turn must hold JSON {\"name\", \"arguments\"}") from None
    calls = raw if isinstance(raw, list) else [raw]
    out = []
    for i, call in enumerate(calls):
        where = field if len(calls) == 1 else f"{field}[{i}]"
        if not isinstance(call, dict) or missing(call.get("name")):
            raise RecordError(where, "a function call needs a name: {\"name\", \"arguments\"}")
        arguments = call.get("arguments", {})
        if isinstance(arguments, str):
            arguments = as_dict(arguments, f"{where}.arguments") or {}
        if not isinstance(arguments, dict):
            raise RecordError(f"{where}.arguments", f"expected an object, got {type_name(arguments)}")
        out.append({"type": "function", "function": {"name": text(call["name"], f"{where}.name"),
                                                     "arguments": orjson.dumps(arguments).decode()}})
    return out


def read_sharegpt(record: Mapping[str, Any]) -> SFTExample:
    turns = as_list(record.get("conversations"), "conversations", required=True) or []
    if not turns:
        raise RecordError("conversations", "is required and must be a non-empty list")
    messages: list[Message] = []
    for i, turn in enumerate(turns):
        field = f"conversations[{i}]"
        if not isinstance(turn, dict):
            raise RecordError(field, f"expected a turn object, got {type_name(turn)}")
        who = turn.get("from", turn.get("role"))
        if who not in SHAREGPT_ROLES:
            raise RecordError(f"{field}.from", f"unknown role {who!r}; expected one of {sorted(SHAREGPT_ROLES)}")
        value = turn.get("value", turn.get("content"))
        if who == "function_call":
            messages.append(Message(role="assistant", content=None, tool_calls=_function_call(value, f"{field}.value")))
            continue
        content = text(value, f"{field}.value", keep_empty=True)
        messages.append(Message(role=SHAREGPT_ROLES[who], content=content or ""))
    system = text(record.get("system"), "system")
    if system is not None and not (messages and messages[0].role == "system"):
        messages.insert(0, Message(role="system", content=system))
    tools = read_tools(record.get("tools"), "tools")
    return SFTExample(messages=messages, tools=tools, metadata=leftovers(record, SHAREGPT_KEYS))


def write_sharegpt(example: SFTExample, options: WriteOptions) -> list[dict[str, Any]]:
    messages = list(example.messages)
    out: dict[str, Any] = {}
    system = None
    if messages and messages[0].role == "system":
        system = messages.pop(0).content or ""
    turns = []
    for m in messages:
        if m.role == "assistant" and m.tool_calls:
            if m.content:
                turns.append({"from": "gpt", "value": m.content})
            calls = [{"name": c["function"]["name"], "arguments": orjson.loads(c["function"]["arguments"])}
                     for c in m.tool_calls]
            value = calls[0] if len(calls) == 1 else calls
            turns.append({"from": "function_call", "value": json.dumps(value, ensure_ascii=False)})
            continue
        who = {"user": "human", "assistant": "gpt", "system": "system", "tool": "observation"}[m.role]
        turns.append({"from": who, "value": m.content or ""})
    out["conversations"] = turns
    if system is not None:
        out["system"] = system
    if example.tools is not None:
        # LLaMA-Factory keeps tools as JSON text of bare function definitions.
        out["tools"] = json.dumps([t["function"] for t in example.tools], ensure_ascii=False)
    return [spread(out, example.metadata, SHAREGPT_KEYS)]


# ---- alpaca -----------------------------------------------------------------------------------

ALPACA_KEYS = ("instruction", "input", "output", "system", "history")
ALPACA_INPUT = "alpaca_input"
"""Metadata key holding Alpaca's `input` as read: the chat joins it to the instruction, and the Alpaca
writer splits it off again, so Alpaca round-trips exactly."""


def read_alpaca(record: Mapping[str, Any]) -> SFTExample:
    instruction = text(record.get("instruction"), "instruction", required=True) or ""
    extra = text(record.get("input"), "input")
    messages: list[Message] = []
    system = text(record.get("system"), "system")
    if system is not None:
        messages.append(Message(role="system", content=system))
    for i, turn in enumerate(as_list(record.get("history"), "history") or []):
        if not (isinstance(turn, list) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
            raise RecordError(f"history[{i}]", "expected a [user, assistant] pair of strings")
        messages += [Message(role="user", content=turn[0]), Message(role="assistant", content=turn[1])]
    messages.append(Message(role="user", content=f"{instruction}\n\n{extra}" if extra else instruction))
    output = text(record.get("output"), "output")
    if output is not None:
        messages.append(Message(role="assistant", content=output))
    metadata = leftovers(record, ALPACA_KEYS)
    if extra:
        metadata[ALPACA_INPUT] = extra
    return SFTExample(messages=messages, metadata=metadata)


def write_alpaca(example: SFTExample, options: WriteOptions) -> list[dict[str, Any]]:
    messages = list(example.messages)
    system = messages.pop(0).content if messages and messages[0].role == "system" else None
    output = messages.pop().content if messages and messages[-1].role == "assistant" else None
    if not messages or messages[-1].role != "user" or len(messages) % 2 != 1:
        raise RecordError("messages", "alpaca holds [system], (user, assistant) pairs, a user turn and its answer; "
                          "this conversation has another shape")
    history = []
    for i in range(0, len(messages) - 1, 2):
        q, a = messages[i], messages[i + 1]
        if q.role != "user" or a.role != "assistant" or a.tool_calls:
            raise RecordError(f"messages[{i}]", "alpaca history holds plain (user, assistant) pairs only")
        history.append([q.content or "", a.content or ""])
    metadata = dict(example.metadata)
    instruction, extra = messages[-1].content or "", metadata.pop(ALPACA_INPUT, None)
    if isinstance(extra, str) and extra and instruction.endswith(f"\n\n{extra}"):
        instruction = instruction[: -len(extra) - 2]
    else:
        extra = ""
    out: dict[str, Any] = {"instruction": instruction, "input": extra, "output": output or ""}
    if system is not None:
        out["system"] = system
    if history:
        out["history"] = history
    return [spread(out, metadata, ALPACA_KEYS)]


# ---- TRL --------------------------------------------------------------------------------------

def _messages_or_text(value: Any, field: str, role: str) -> list[Message]:
    """A TRL column: a plain string (standard form) or a list of messages (conversational form)."""
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [Message(role=role, content=value)]
    raw = as_list(value, field, required=True) or []
    return [read_message(m, f"{field}[{i}]") for i, m in enumerate(raw)]


LM_KEYS = ("text", "messages", "tools")


def read_trl_lm(record: Mapping[str, Any]) -> SFTExample:
    tools = read_tools(record.get("tools"), "tools")
    meta = leftovers(record, LM_KEYS)
    if not missing(record.get("messages")):
        return SFTExample(messages=read_messages(record.get("messages"), "messages"), tools=tools, metadata=meta)
    content = text(record.get("text"), "text", required=True)
    return SFTExample(messages=[Message(role="assistant", content=content)], tools=tools, metadata=meta)


def write_trl_lm(example: SFTExample, options: WriteOptions) -> list[dict[str, Any]]:
    if options.form == "standard":
        out: dict[str, Any] = {"text": single_text(example.messages, "assistant", "messages")}
    else:
        out = {"messages": write_messages(example.messages, dict_arguments=True)}
        if example.tools is not None:
            out["tools"] = example.tools
    return [spread(out, example.metadata, LM_KEYS)]


PROMPT_ONLY_KEYS = ("prompt", "tools")


def read_trl_prompt_only(record: Mapping[str, Any]) -> SFTExample:
    return SFTExample(messages=_messages_or_text(record.get("prompt"), "prompt", "user"),
                      tools=read_tools(record.get("tools"), "tools"), metadata=leftovers(record, PROMPT_ONLY_KEYS))


def write_trl_prompt_only(example: SFTExample, options: WriteOptions) -> list[dict[str, Any]]:
    # A prompt-only dataset is for generation: trailing answers are the model's job, not the prompt's.
    prompt = example.messages[: trailing_assistant(example.messages)]
    if not prompt:
        raise RecordError("messages", "has no prompt before the assistant's answer")
    out: dict[str, Any] = {"prompt": _trl_column(prompt, "user", "prompt", options)}
    if example.tools is not None and options.form == "conversational":
        out["tools"] = example.tools
    return [spread(out, example.metadata, PROMPT_ONLY_KEYS)]


def _trl_column(messages: list[Message], role: str, field: str, options: WriteOptions) -> Any:
    if options.form == "standard":
        return single_text(messages, role, field)
    return write_messages(messages, dict_arguments=True)


PROMPT_COMPLETION_KEYS = ("prompt", "completion", "tools")


def read_trl_prompt_completion(record: Mapping[str, Any]) -> SFTExample:
    prompt = _messages_or_text(record.get("prompt"), "prompt", "user")
    completion = _messages_or_text(record.get("completion"), "completion", "assistant")
    return SFTExample(messages=prompt + completion, tools=read_tools(record.get("tools"), "tools"),
                      metadata=leftovers(record, PROMPT_COMPLETION_KEYS))


def write_trl_prompt_completion(example: SFTExample, options: WriteOptions) -> list[dict[str, Any]]:
    start = trailing_assistant(example.messages)
    prompt, completion = example.messages[:start], example.messages[start:]
    if not prompt or not completion:
        raise RecordError("messages", "needs a prompt followed by assistant turn(s) to split into prompt and completion")
    out: dict[str, Any] = {"prompt": _trl_column(prompt, "user", "prompt", options),
                           "completion": _trl_column(completion, "assistant", "completion", options)}
    if example.tools is not None and options.form == "conversational":
        out["tools"] = example.tools
    return [spread(out, example.metadata, PROMPT_COMPLETION_KEYS)]


_CHAT = [
    {"role": "system", "content": "You are a careful maths tutor."},
    {"role": "user", "content": "What is 7 × 8?"},
    {"role": "assistant", "content": "7 × 8 = 56."},
]

FORMATS = [
    Format("openai-chat", "sft", SFTExample,
           "OpenAI chat fine-tuning: {messages: [{role, content, tool_calls, weight}], tools}; arguments as JSON text.",
           {"messages": _CHAT}, OPENAI_KEYS, read_openai_chat, write_openai_chat, _is_openai),
    Format("sharegpt", "sft", SFTExample,
           "ShareGPT / LLaMA-Factory: {conversations: [{from: human|gpt|function_call|observation, value}], system, tools}.",
           {"conversations": [{"from": "human", "value": "What is 7 × 8?"}, {"from": "gpt", "value": "56."}],
            "system": "You are a careful maths tutor."},
           SHAREGPT_KEYS, read_sharegpt, write_sharegpt, lambda r: "conversations" in r),
    Format("alpaca", "sft", SFTExample,
           "Alpaca: {instruction, input, output, system, history: [[user, assistant], ...]}; JSON array files.",
           {"instruction": "Multiply.", "input": "7 × 8", "output": "56"},
           ALPACA_KEYS, read_alpaca, write_alpaca, lambda r: "instruction" in r and ("output" in r or "input" in r)),
    Format("trl-language-modeling", "sft", SFTExample,
           "TRL language modeling: {text} (standard) or {messages} (conversational, dict tool-call arguments).",
           {"messages": _CHAT}, LM_KEYS, read_trl_lm, write_trl_lm,
           lambda r: "text" in r and not any(k in r for k in ("prompt", "messages", "completion"))),
    Format("trl-prompt-only", "sft", SFTExample,
           "TRL prompt-only: {prompt} as a string (standard) or a message list (conversational).",
           {"prompt": [{"role": "user", "content": "What is 7 × 8?"}]},
           PROMPT_ONLY_KEYS, read_trl_prompt_only, write_trl_prompt_only,
           lambda r: "prompt" in r and not any(k in r for k in ("completion", "chosen", "response", "completions"))),
    Format("trl-prompt-completion", "sft", SFTExample,
           "TRL prompt-completion: {prompt, completion} as strings or message lists.",
           {"prompt": [{"role": "user", "content": "What is 7 × 8?"}],
            "completion": [{"role": "assistant", "content": "56."}]},
           PROMPT_COMPLETION_KEYS, read_trl_prompt_completion, write_trl_prompt_completion,
           lambda r: "prompt" in r and "completion" in r and "label" not in r),
]
