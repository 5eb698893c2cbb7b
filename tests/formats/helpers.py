"""Golden files and the schema/options each is written in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from assay.formats import BadRecord, WriteOptions, read_records
from assay.io.containers import open_source

GOLDEN = Path(__file__).parent / "golden"
STANDARD = WriteOptions(form="standard")

# golden file -> (schema, writer options that reproduce its shape)
CASES: dict[str, tuple[str, WriteOptions]] = {
    "openai-chat.jsonl": ("openai-chat", WriteOptions()),
    "sharegpt.jsonl": ("sharegpt", WriteOptions()),
    "alpaca.json": ("alpaca", WriteOptions()),
    "trl-language-modeling.jsonl": ("trl-language-modeling", WriteOptions()),
    "trl-language-modeling-standard.jsonl": ("trl-language-modeling", STANDARD),
    "trl-prompt-only.jsonl": ("trl-prompt-only", WriteOptions()),
    "trl-prompt-only-standard.jsonl": ("trl-prompt-only", STANDARD),
    "trl-prompt-completion.jsonl": ("trl-prompt-completion", WriteOptions()),
    "trl-prompt-completion-standard.jsonl": ("trl-prompt-completion", STANDARD),
    "openai-dpo.jsonl": ("openai-dpo", WriteOptions()),
    "trl-preference.jsonl": ("trl-preference", WriteOptions()),
    "trl-preference-implicit.jsonl": ("trl-preference", WriteOptions(implicit_prompt=True)),
    "trl-preference-standard.jsonl": ("trl-preference", STANDARD),
    "trl-preference-implicit-standard.jsonl": ("trl-preference", WriteOptions(form="standard", implicit_prompt=True)),
    "hh-rlhf.jsonl": ("hh-rlhf", WriteOptions()),
    "trl-kto.jsonl": ("trl-kto", WriteOptions()),
    "trl-kto-standard.jsonl": ("trl-kto", STANDARD),
    "trl-stepwise.jsonl": ("trl-stepwise", WriteOptions()),
    "ultrafeedback.jsonl": ("ultrafeedback", WriteOptions()),
    "helpsteer.jsonl": ("helpsteer", WriteOptions()),
    "label-studio.json": ("label-studio", WriteOptions()),
    "argilla.jsonl": ("argilla", WriteOptions()),
}


def canonical(path: Path, schema: str, container: str | None = None) -> list[Any]:
    with read_records(path, schema, container) as reader:
        records = list(reader)
    bad = [str(r) for r in records if isinstance(r, BadRecord)]
    assert not bad, bad
    return records


def raw_records(path: Path, container: str | None = None) -> list[dict[str, Any]]:
    with open_source(path, container) as source:
        return [r.data for r in source if r.data is not None]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path
