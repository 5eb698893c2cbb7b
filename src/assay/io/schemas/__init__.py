"""Record schemas: how one record of a file maps to items, responses or judgements.

A schema is independent of the container it arrives in, so every schema works with JSONL, CSV,
Parquet and the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from assay.io.schemas._alpaca import Alpaca
from assay.io.schemas._chat import OpenAIChat, ShareGPT
from assay.io.schemas._formats import FormatSchema
from assay.io.schemas._generic import TARGETS as MAPPING_TARGETS
from assay.io.schemas._generic import GenericMapping, MappingError, parse_mapping
from assay.io.schemas._judgements import LongJudgements
from assay.io.schemas._records import ItemRecord, JudgementRecord, RecordError, ResponseRecord
from assay.io.schemas._responses import PromptResponses


class RecordSchema(Protocol):
    name: str
    description: str
    produces: str  # "items", "judgements", or "items+judgements" (Label Studio, Argilla: `judgements(record)` too)

    def matches(self, record: Mapping[str, Any]) -> bool: ...

    def parse(self, record: Mapping[str, Any]) -> Any: ...


# Detection order matters: the most specific shapes first. The training formats' own shapes come before
# `responses`, which would otherwise take any record with a prompt; TRL prompt(-completion) records stay
# with `responses` (same items either way) and TRL language-modeling text comes last.
_SPECIFIC = ("label-studio", "argilla", "openai-dpo", "hh-rlhf", "trl-stepwise", "trl-kto", "trl-preference",
             "ultrafeedback", "helpsteer")
_DETECTABLE: tuple[RecordSchema, ...] = (
    LongJudgements(), *(FormatSchema(n) for n in _SPECIFIC), ShareGPT(), Alpaca(), PromptResponses(), OpenAIChat(),
    FormatSchema("trl-prompt-completion"), FormatSchema("trl-prompt-only"), FormatSchema("trl-language-modeling"),
)
SCHEMAS: dict[str, str] = {s.name: s.description for s in _DETECTABLE} | {GenericMapping.name: GenericMapping.description}


class SchemaError(ValueError):
    """The schema could not be chosen: unknown name, or records that fit none."""


def get_schema(name: str, mapping: Mapping[str, str] | None = None) -> RecordSchema:
    if name == "generic":
        if not mapping:
            raise SchemaError("the generic schema needs a mapping: --map prompt=FIELD [--map response=FIELD ...]")
        return GenericMapping(mapping)
    for schema in _DETECTABLE:
        if schema.name in (name, name.replace("_", "-"), name.replace("-", "_")):
            return schema
    raise SchemaError(f"unknown schema {name!r}; expected one of {sorted(SCHEMAS)}")


def detect_schema(records: Sequence[Mapping[str, Any]]) -> RecordSchema:
    """The schema that fits most of the sampled records (the earliest on a tie).

    Most, not all: a bad record among the first ones should be reported as a bad record of the
    file's schema, with its field, rather than make the whole file unrecognisable.
    """
    if not records:
        raise SchemaError("no records to detect the schema from")
    scores = [(sum(schema.matches(r) for r in records), -i, schema) for i, schema in enumerate(_DETECTABLE)]
    best, _, schema = max(scores, key=lambda t: (t[0], t[1]))
    if best and best * 2 >= len(records):
        return schema
    keys = sorted({k for r in records[:3] for k in r})
    raise SchemaError(
        f"could not recognise the record shape (fields: {', '.join(keys)}); "
        "name it with --schema or map fields with --map prompt=FIELD"
    )


__all__ = [
    "MAPPING_TARGETS",
    "SCHEMAS",
    "Alpaca",
    "GenericMapping",
    "ItemRecord",
    "JudgementRecord",
    "LongJudgements",
    "MappingError",
    "OpenAIChat",
    "PromptResponses",
    "RecordError",
    "RecordSchema",
    "ResponseRecord",
    "SchemaError",
    "ShareGPT",
    "detect_schema",
    "get_schema",
    "parse_mapping",
]
