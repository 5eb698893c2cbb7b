"""Parquet of preference pairs built column by column: the fast path of `--as preference` to Parquet.

`assay.formats` writes Parquet from row dicts: pyarrow converts each batch of nested Python values
and the writer checks that every value comes back unchanged, which is most of the time of a large
export. Preference pairs of plain messages have a fixed shape, so here the same Arrow arrays are
built from flat lists (roles, contents and list offsets) and written in the same 10,000-row batches
with the same writer settings: the file is byte for byte the one the canonical path writes (tested).
Anything outside that shape (tool calls, reasoning, scores present on some pairs only) raises
`NotFast`, and the export is redone on the canonical path.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 10_000
"""As `assay.formats`' Parquet writer batches (one row group per batch)."""
MESSAGE = pa.struct([pa.field("role", pa.string()), pa.field("content", pa.string())])
MESSAGES = pa.list_(MESSAGE)
SCORES = ("score_chosen", "score_rejected", "margin")


class HasDicts(Protocol):
    @property
    def dicts(self) -> list[dict[str, Any]] | None: ...


class NotFast(Exception):
    """A record a fast writer (`ColumnarPairWriter`, `LinePairWriter`) cannot write exactly as the
    canonical path would: the export starts again on the canonical path."""


def _messages(lists: list[list[dict[str, Any]]]) -> pa.Array:
    if not all(lists):
        raise NotFast("an empty message list")  # Arrow would infer a different type
    flat = [m for messages in lists for m in messages]
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    np.cumsum([len(messages) for messages in lists], out=offsets[1:])
    values = pa.StructArray.from_arrays([pa.array([m["role"] for m in flat], pa.string()),
                                         pa.array([m["content"] for m in flat], pa.string())], fields=list(MESSAGE))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


class ColumnarPairWriter:
    """Writes openai-dpo or trl-preference (conversational, explicit prompt) pairs to one Parquet file."""

    def __init__(self, path: Path, schema: str, *, metadata: bool, scores: tuple[str, ...]) -> None:
        self.path = path
        self.schema_name = schema
        self.metadata = metadata
        self.scores = scores
        """trl-preference score columns present on every pair (a column on some pairs only is refused)."""
        names: list[str]
        if schema == "openai-dpo":
            types = [pa.struct([pa.field("messages", MESSAGES)]), MESSAGES, MESSAGES]
            names = ["input", "preferred_output", "non_preferred_output"]
        else:
            types = [MESSAGES, MESSAGES, MESSAGES, *(pa.float64() for _ in scores)]
            names = ["prompt", "chosen", "rejected", *scores]
        if metadata:
            names.append("metadata")
            types.append(pa.string())
        self.arrow_schema = pa.schema([pa.field(n, t) for n, t in zip(names, types, strict=True)])
        self._prompt: list[list[dict[str, Any]]] = []
        self._chosen: list[list[dict[str, Any]]] = []
        self._rejected: list[list[dict[str, Any]]] = []
        self._scores: list[list[float]] = [[] for _ in scores]
        self._score_at = [(column, SCORES.index(key)) for column, key in zip(self._scores, scores, strict=True)]
        self._meta: list[str] = []
        self._writer: pq.ParquetWriter | None = None
        self.count = 0

    def add(self, prompt: HasDicts, chosen: HasDicts, rejected: HasDicts, scores: tuple[float | None, ...],
            meta: dict[str, Any] | None) -> None:
        p, c, x = prompt.dicts, chosen.dicts, rejected.dicts
        if p is None or c is None or x is None:
            raise NotFast("a record with more than plain messages")
        self._prompt.append(p)
        self._chosen.append(c)
        self._rejected.append(x)
        for column, index in self._score_at:
            value = scores[index]
            if value is None:
                raise NotFast("a score missing on some pairs")
            column.append(float(value))
        if self.metadata:
            if not meta:
                raise NotFast("a pair without metadata")
            self._meta.append(orjson.dumps(meta).decode())
        self.count += 1
        if len(self._prompt) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._prompt and self._writer is not None:
            return
        prompt, chosen, rejected = (_messages(lists) for lists in (self._prompt, self._chosen, self._rejected))
        arrays: list[pa.Array] = [
            pa.StructArray.from_arrays([prompt], fields=[self.arrow_schema.field(0).type.field(0)])
            if self.schema_name == "openai-dpo" else prompt,
            chosen, rejected,
            *(pa.array(column, pa.float64()) for column in self._scores),
        ]
        if self.metadata:
            arrays.append(pa.array(self._meta, pa.string()))
        batch = pa.record_batch(arrays, schema=self.arrow_schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(str(self.path), self.arrow_schema, compression="zstd")
        if self._prompt:
            self._writer.write_batch(batch)
        self._prompt, self._chosen, self._rejected, self._meta = [], [], [], []
        for column in self._scores:
            column.clear()

    def close(self) -> None:
        if self.count == 0:
            # An empty file: the canonical writer has no rows to take columns from, and writes one.
            raise NotFast("an empty split")
        self._flush()
        assert self._writer is not None
        self._writer.close()
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        self.path.unlink(missing_ok=True)
