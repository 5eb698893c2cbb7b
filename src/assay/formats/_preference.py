"""Preference schemas: OpenAI DPO, TRL preference (explicit / implicit prompt), Anthropic HH-RLHF,
TRL unpaired preference (KTO) and TRL stepwise supervision."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._errors import RecordError
from ._fields import as_bool, as_dict, as_list, as_number, leftovers, missing, spread, text, type_name
from ._format import Format, WriteOptions
from ._messages import (
    common_prefix,
    read_messages,
    read_tools,
    single_text,
    write_messages,
)
from ._models import KTOExample, Message, PreferencePair, StepwiseExample
from ._sft import _messages_or_text, _trl_column

# ---- openai-dpo -------------------------------------------------------------------------------

DPO_KEYS = ("input", "preferred_output", "non_preferred_output", "preferred_completion", "non_preferred_completion")
PARALLEL = "parallel_tool_calls"


def _output(record: Mapping[str, Any], name: str, old: str) -> list[Message]:
    key = name if not missing(record.get(name)) or missing(record.get(old)) else old
    value = record.get(key)
    if isinstance(value, dict):
        value = [value]
    messages = read_messages(value, key)
    for i, m in enumerate(messages):
        if m.role != "assistant":
            raise RecordError(f"{key}[{i}].role", f"expected an assistant message, got {m.role!r}")
    return messages


def read_openai_dpo(record: Mapping[str, Any]) -> PreferencePair:
    source = as_dict(record.get("input"), "input", required=True) or {}
    prompt = read_messages(source.get("messages"), "input.messages")
    meta = leftovers(record, DPO_KEYS)
    if PARALLEL in source and source[PARALLEL] is not None:
        meta[PARALLEL] = as_bool(source[PARALLEL], f"input.{PARALLEL}")
    unknown = [k for k, v in source.items() if k not in ("messages", "tools", PARALLEL) and v is not None]
    if unknown:
        raise RecordError(f"input.{unknown[0]}", "unknown key; input holds messages, tools and parallel_tool_calls")
    return PreferencePair(
        prompt=prompt,
        chosen=_output(record, "preferred_output", "preferred_completion"),
        rejected=_output(record, "non_preferred_output", "non_preferred_completion"),
        tools=read_tools(source.get("tools"), "input.tools"),
        metadata=meta,
    )


def write_openai_dpo(pair: PreferencePair, options: WriteOptions) -> list[dict[str, Any]]:
    meta = dict(pair.metadata)
    source: dict[str, Any] = {"messages": write_messages(pair.prompt)}
    if pair.tools is not None:
        source["tools"] = pair.tools
    if PARALLEL in meta:
        source[PARALLEL] = meta.pop(PARALLEL)
    out = {"input": source, "preferred_output": write_messages(pair.chosen),
           "non_preferred_output": write_messages(pair.rejected)}
    return [spread(out, meta, DPO_KEYS)]


# ---- trl-preference ---------------------------------------------------------------------------

TRL_PREF_KEYS = ("prompt", "chosen", "rejected", "score_chosen", "score_rejected", "margin", "tools")


def implicit_prompt_text(chosen: str, rejected: str) -> int:
    """Where TRL's `extract_prompt` cuts two strings: at their first difference, backing off one space."""
    idx = 0
    for idx in range(min(len(chosen), len(rejected))):
        if chosen[idx] != rejected[idx]:
            if idx > 0 and chosen[idx - 1] == " ":
                idx -= 1
            break
    else:
        idx = min(len(chosen), len(rejected))
    return idx


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and not value.lstrip().startswith("[")


def read_trl_preference(record: Mapping[str, Any]) -> PreferencePair:
    chosen_raw, rejected_raw = record.get("chosen"), record.get("rejected")
    if missing(chosen_raw):
        raise RecordError("chosen", "is required and missing or empty")
    if missing(rejected_raw):
        raise RecordError("rejected", "is required and missing or empty")
    scores = {k: as_number(record.get(k), k) for k in ("score_chosen", "score_rejected", "margin")}
    common = {"tools": read_tools(record.get("tools"), "tools"), "metadata": leftovers(record, TRL_PREF_KEYS),
              **{k: None if v is None else float(v) for k, v in scores.items()}}
    if not missing(record.get("prompt")):
        return PreferencePair(prompt=_messages_or_text(record.get("prompt"), "prompt", "user"),
                              chosen=_messages_or_text(chosen_raw, "chosen", "assistant"),
                              rejected=_messages_or_text(rejected_raw, "rejected", "assistant"), **common)
    if _is_text(chosen_raw) != _is_text(rejected_raw):
        raise RecordError("rejected", "chosen and rejected must both be text or both be message lists")
    if isinstance(chosen_raw, str) and isinstance(rejected_raw, str) and _is_text(chosen_raw):
        cut = implicit_prompt_text(chosen_raw, rejected_raw)
        prompt = [Message(role="user", content=chosen_raw[:cut])] if cut else []
        return PreferencePair(prompt=prompt, chosen=[Message(role="assistant", content=chosen_raw[cut:])],
                              rejected=[Message(role="assistant", content=rejected_raw[cut:])], **common)
    chosen = read_messages(chosen_raw, "chosen")
    rejected = read_messages(rejected_raw, "rejected")
    n = common_prefix(chosen, rejected)
    return PreferencePair(prompt=chosen[:n], chosen=chosen[n:], rejected=rejected[n:], **common)


def write_trl_preference(pair: PreferencePair, options: WriteOptions) -> list[dict[str, Any]]:
    out: dict[str, Any] = {}
    if options.implicit_prompt:
        if options.form == "standard":
            prefix = single_text(pair.prompt, "user", "prompt") if pair.prompt else ""
            out["chosen"] = prefix + single_text(pair.chosen, "assistant", "chosen")
            out["rejected"] = prefix + single_text(pair.rejected, "assistant", "rejected")
        else:
            out["chosen"] = write_messages([*pair.prompt, *pair.chosen], dict_arguments=True)
            out["rejected"] = write_messages([*pair.prompt, *pair.rejected], dict_arguments=True)
    else:
        out["prompt"] = _trl_column(pair.prompt, "user", "prompt", options)
        out["chosen"] = _trl_column(pair.chosen, "assistant", "chosen", options)
        out["rejected"] = _trl_column(pair.rejected, "assistant", "rejected", options)
    for key in ("score_chosen", "score_rejected", "margin"):
        if getattr(pair, key) is not None:
            out[key] = getattr(pair, key)
    if pair.tools is not None and options.form == "conversational":
        out["tools"] = pair.tools
    return [spread(out, pair.metadata, TRL_PREF_KEYS)]


def _is_trl_preference(record: Mapping[str, Any]) -> bool:
    return "chosen" in record and "rejected" in record and not _is_hh(record)


# ---- hh-rlhf ----------------------------------------------------------------------------------

HH_KEYS = ("chosen", "rejected")
_HH_TURN = re.compile(r"\n\n(Human|Assistant): ?")
_HH_ROLES = {"Human": "user", "Assistant": "assistant"}


def parse_transcript(value: Any, field: str) -> list[Message]:
    transcript = text(value, field, required=True, keep_empty=True) or ""
    parts = _HH_TURN.split(transcript)
    if parts[0] != "" or len(parts) < 3:
        raise RecordError(field, "an HH transcript starts with '\\n\\nHuman: ' and alternates Human and Assistant turns")
    return [Message(role=_HH_ROLES[who], content=content)
            for who, content in zip(parts[1::2], parts[2::2], strict=True)]


def render_transcript(messages: Sequence[Message], field: str) -> str:
    out = []
    for i, m in enumerate(messages):
        if m.role not in ("user", "assistant") or m.tool_calls:
            raise RecordError(f"{field}[{i}].role", f"HH transcripts hold Human and Assistant turns only, not {m.role}")
        out.append(f"\n\n{'Human' if m.role == 'user' else 'Assistant'}: {m.content or ''}")
    return "".join(out)


def read_hh(record: Mapping[str, Any]) -> PreferencePair:
    chosen = parse_transcript(record.get("chosen"), "chosen")
    rejected = parse_transcript(record.get("rejected"), "rejected")
    n = common_prefix(chosen, rejected)
    return PreferencePair(prompt=chosen[:n], chosen=chosen[n:], rejected=rejected[n:],
                          metadata=leftovers(record, HH_KEYS))


def write_hh(pair: PreferencePair, options: WriteOptions) -> list[dict[str, Any]]:
    out = {"chosen": render_transcript([*pair.prompt, *pair.chosen], "chosen"),
           "rejected": render_transcript([*pair.prompt, *pair.rejected], "rejected")}
    return [spread(out, pair.metadata, HH_KEYS)]


def _is_hh(record: Mapping[str, Any]) -> bool:
    chosen = record.get("chosen")
    return isinstance(chosen, str) and chosen.startswith("\n\nHuman:") and "prompt" not in record


# ---- trl-kto ----------------------------------------------------------------------------------

KTO_KEYS = ("prompt", "completion", "label")


def read_kto(record: Mapping[str, Any]) -> KTOExample:
    return KTOExample(prompt=_messages_or_text(record.get("prompt"), "prompt", "user"),
                      completion=_messages_or_text(record.get("completion"), "completion", "assistant"),
                      label=as_bool(record.get("label"), "label", required=True),
                      metadata=leftovers(record, KTO_KEYS))


def write_kto(example: KTOExample, options: WriteOptions) -> list[dict[str, Any]]:
    out = {"prompt": _trl_column(example.prompt, "user", "prompt", options),
           "completion": _trl_column(example.completion, "assistant", "completion", options),
           "label": example.label}
    return [spread(out, example.metadata, KTO_KEYS)]


# ---- trl-stepwise -----------------------------------------------------------------------------

STEPWISE_KEYS = ("prompt", "completions", "labels")


def read_stepwise(record: Mapping[str, Any]) -> StepwiseExample:
    prompt = text(record.get("prompt"), "prompt", required=True) or ""
    steps = as_list(record.get("completions"), "completions", required=True) or []
    labels = as_list(record.get("labels"), "labels", required=True) or []
    for i, step in enumerate(steps):
        if not isinstance(step, str):
            raise RecordError(f"completions[{i}]", f"expected text, got {type_name(step)}")
    flags = [as_bool(v, f"labels[{i}]", required=True) for i, v in enumerate(labels)]
    if len(flags) != len(steps):
        raise RecordError("labels", f"has {len(flags)} labels for {len(steps)} completions; one per step")
    return StepwiseExample(prompt=prompt, completions=steps, labels=flags,
                           metadata=leftovers(record, STEPWISE_KEYS))


def write_stepwise(example: StepwiseExample, options: WriteOptions) -> list[dict[str, Any]]:
    out = {"prompt": example.prompt, "completions": list(example.completions), "labels": list(example.labels)}
    return [spread(out, example.metadata, STEPWISE_KEYS)]


_PROMPT = [{"role": "user", "content": "Is 91 prime?"}]

FORMATS = [
    Format("openai-dpo", "preference", PreferencePair,
           "OpenAI preference fine-tuning: {input: {messages, tools, parallel_tool_calls}, preferred_output, "
           "non_preferred_output} (older *_completion names read too).",
           {"input": {"messages": _PROMPT}, "preferred_output": [{"role": "assistant", "content": "No: 91 = 7 × 13."}],
            "non_preferred_output": [{"role": "assistant", "content": "Yes."}]},
           DPO_KEYS, read_openai_dpo, write_openai_dpo,
           lambda r: "input" in r and any(k in r for k in ("preferred_output", "preferred_completion"))),
    Format("hh-rlhf", "preference", PreferencePair,
           "Anthropic HH-RLHF: {chosen, rejected} transcripts '\\n\\nHuman: … \\n\\nAssistant: …'; the shared prefix is the prompt.",
           {"chosen": "\n\nHuman: Is 91 prime?\n\nAssistant: No: 91 = 7 × 13.",
            "rejected": "\n\nHuman: Is 91 prime?\n\nAssistant: Yes."},
           HH_KEYS, read_hh, write_hh, _is_hh),
    Format("trl-preference", "preference", PreferencePair,
           "TRL preference: {prompt, chosen, rejected} or implicit prompt {chosen, rejected}; strings or message lists.",
           {"prompt": _PROMPT, "chosen": [{"role": "assistant", "content": "No: 91 = 7 × 13."}],
            "rejected": [{"role": "assistant", "content": "Yes."}]},
           TRL_PREF_KEYS, read_trl_preference, write_trl_preference, _is_trl_preference),
    Format("trl-kto", "kto", KTOExample,
           "TRL unpaired preference (KTO): {prompt, completion, label: true|false}.",
           {"prompt": _PROMPT, "completion": [{"role": "assistant", "content": "Yes."}], "label": False},
           KTO_KEYS, read_kto, write_kto, lambda r: "completion" in r and "label" in r),
    Format("trl-stepwise", "stepwise", StepwiseExample,
           "TRL stepwise supervision: {prompt, completions: [step, ...], labels: [true|false, ...]}.",
           {"prompt": "Is 91 prime?", "completions": ["91 = 7 × 13.", "So 91 is prime."], "labels": [True, False]},
           STEPWISE_KEYS, read_stepwise, write_stepwise, lambda r: "completions" in r and "labels" in r),
]
