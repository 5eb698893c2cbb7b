"""Alpaca: instruction, optional input, output; LLaMA-Factory's `system` and `history` too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.io.schemas._common import as_list, as_text, fill_standard, not_metadata
from assay.io.schemas._records import ItemRecord, RecordError, ResponseRecord

_SKIP = not_metadata(("instruction", "input", "output", "history", "model"))


class Alpaca:
    name = "alpaca"
    description = "Alpaca: {instruction, input, output} with optional system and history [[user, assistant], ...]."
    produces = "items"

    def matches(self, record: Mapping[str, Any]) -> bool:
        return "instruction" in record and ("output" in record or "input" in record)

    def parse(self, record: Mapping[str, Any]) -> ItemRecord:
        instruction = as_text(record.get("instruction"), "instruction", required=True) or ""
        extra_input = as_text(record.get("input"), "input")
        prompt = f"{instruction}\n\n{extra_input}" if extra_input else instruction
        item = ItemRecord()
        history = as_list(record.get("history"), "history")
        if history:
            messages: list[dict[str, Any]] = []
            for i, turn in enumerate(history):
                if not (isinstance(turn, list) and len(turn) == 2 and all(isinstance(t, str) for t in turn)):
                    raise RecordError(f"history[{i}]", "expected a [user, assistant] pair of strings")
                messages += [{"role": "user", "content": turn[0]}, {"role": "assistant", "content": turn[1]}]
            messages.append({"role": "user", "content": prompt})
            item.messages = messages
        else:
            item.prompt = prompt
        output = as_text(record.get("output"), "output")
        if output is not None:
            item.responses = [ResponseRecord(content=output, model=as_text(record.get("model"), "model"))]
        return fill_standard(item, record, _SKIP)
