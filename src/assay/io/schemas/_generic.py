"""Any record shape, through a column mapping: `--map prompt=question.text --map response=answer`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.io.schemas._common import get_path, missing
from assay.io.schemas._records import ItemRecord, RecordError
from assay.io.schemas._responses import PromptResponses

TARGETS = {
    "id": "external id of the item",
    "prompt": "prompt text (or a list of chat messages)",
    "messages": "chat messages of the prompt",
    "system": "system prompt",
    "reference": "reference answer",
    "domain": "domain (from the project's taxonomy)",
    "subdomain": "sub-domain",
    "language": "language code",
    "response": "one model response (text)",
    "responses": "a list of responses (texts or {model, content} objects)",
    "model": "model name of `response`",
    "gold": "gold answers by question key",
    "metadata": "an object merged into the item's metadata",
}


class MappingError(ValueError):
    """A mapping that names an unknown target."""


def parse_mapping(pairs: Mapping[str, str]) -> dict[str, str]:
    """Validate `{target: source path}`; `metadata.KEY` targets are allowed too."""
    out = {}
    for target, source in pairs.items():
        if target not in TARGETS and not target.startswith("metadata."):
            raise MappingError(f"unknown mapping target {target!r}; expected one of {sorted(TARGETS)} or metadata.KEY")
        if not source:
            raise MappingError(f"mapping for {target!r} names no source field")
        out[target] = source
    if "prompt" not in out and "messages" not in out:
        raise MappingError("the mapping must name the prompt: --map prompt=FIELD (or messages=FIELD)")
    return out


class GenericMapping:
    name = "generic"
    description = "Any shape, by a mapping of Assay fields to source fields (dotted paths for nested values)."
    produces = "items"

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.mapping = parse_mapping(mapping)
        self._roots = {src.split(".")[0] for src in self.mapping.values()} | set(self.mapping.values())
        self._inner = PromptResponses()

    def matches(self, record: Mapping[str, Any]) -> bool:
        return True

    def parse(self, record: Mapping[str, Any]) -> ItemRecord:
        shaped: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        for target, source in self.mapping.items():
            value = get_path(record, source)
            if target.startswith("metadata."):
                if not missing(value):
                    meta[target.split(".", 1)[1]] = value
            elif target == "id":
                shaped["external_id"] = value
            else:
                shaped[target] = value
        leftovers = {k: v for k, v in record.items() if k not in self._roots and not missing(v)}
        if leftovers or meta:
            shaped["metadata"] = {**leftovers, **meta}
        if "prompt" not in shaped and "messages" in shaped:
            shaped["prompt"] = shaped.pop("messages")
        try:
            return self._inner.parse(shaped)
        except RecordError as e:
            raise RecordError(self._source_field(e.field), e.message) from None

    def _source_field(self, field: str | None) -> str | None:
        if field is None:
            return None
        head, sep, rest = field.partition(".")
        base = head.split("[")[0]
        key = "id" if base == "external_id" else base
        if key in self.mapping:
            return self.mapping[key] + field[len(base) :] if not sep else f"{self.mapping[key]}.{rest}"
        return field
