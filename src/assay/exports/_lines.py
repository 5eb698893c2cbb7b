"""JSONL of preference pairs spliced from JSON pieces: the fast path of `--as preference` to JSONL.

A pair's line is its prompt, chosen and rejected messages between fixed key text. The messages of an
item and of a response are serialised once (with orjson, as the JSONL writer would) and reused by
every pair that shows them, instead of building and serialising a dict per record; the line is the
bytes ``orjson.dumps`` gives for the same row (compact JSON keeps the pieces as they are), which the
tests check against the canonical path. Anything else (tool calls, a metadata key that clashes with a
field) raises `NotFast` and the export is redone on the canonical path.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import orjson

from ._columnar import SCORES, NotFast

JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
"""The options of the JSONL container writer (`assay.io.containers`)."""
DPO_KEYS = frozenset({"input", "preferred_output", "non_preferred_output", "preferred_completion",
                      "non_preferred_completion"})
TRL_KEYS = frozenset({"prompt", "chosen", "rejected", *SCORES, "tools"})


class HasJSON(Protocol):
    @property
    def json(self) -> bytes | None: ...


class LinePairWriter:
    """Writes openai-dpo or trl-preference (conversational, explicit prompt) pairs to one JSONL file."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self.dpo = schema == "openai-dpo"
        self.keys = DPO_KEYS if self.dpo else TRL_KEYS
        self._file: BinaryIO = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in close/abort
        self.count = 0

    def add(self, prompt: HasJSON, chosen: HasJSON, rejected: HasJSON, scores: tuple[float | None, ...],
            meta: dict[str, Any] | None) -> None:
        p, c, x = prompt.json, chosen.json, rejected.json
        if p is None or c is None or x is None:
            raise NotFast("a record with more than plain messages")
        if self.dpo:
            parts = [b'{"input":{"messages":', p, b'},"preferred_output":', c, b',"non_preferred_output":', x]
        else:
            parts = [b'{"prompt":', p, b',"chosen":', c, b',"rejected":', x]
            for key, value in zip(SCORES, scores, strict=True):
                if value is not None:
                    # PreferencePair holds scores as floats: 4.0, not 4.
                    parts += [b',"', key.encode(), b'":', orjson.dumps(float(value))]
        if meta:
            if not self.keys.isdisjoint(meta):
                raise NotFast("a metadata key that is a field of the schema")  # the canonical writer explains
            parts += [b",", orjson.dumps(meta, option=JSON_OPTIONS)[1:-1]]
        parts.append(b"}\n")
        self._file.write(b"".join(parts))
        self.count += 1

    def close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._file.close()
        self.path.unlink(missing_ok=True)
