"""Writing imported records: items and responses as any import does, scores as verdicts of the run.

Items are identified by external id (else by the hash of the prompt), responses by their item and
external id, verdicts by run, response and criterion, so importing the same file again adds nothing and
importing another model's log of the same task adds that model's responses to the same items. Each batch
asks the database which of its keys exist (one indexed query per kind), inside the import's one
transaction, so memory stays flat however large the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, func, select

from assay.evals.imports._records import BadRecord, EvalRecord
from assay.io._item_sink import (
    ITEM_COLUMNS,
    ITEMS,
    RESPONSE_COLUMNS,
    RESPONSES,
    IdAllocator,
    ItemPreparer,
    PreparedItem,
    response_hash,
)
from assay.io.schemas import RecordError
from assay.spec import ProjectSpec
from assay.store import Item, JudgeVerdict, Response
from assay.store.bulk import BulkInserter

VERDICTS = cast(Table, JudgeVerdict.__table__)
VERDICT_COLUMNS = (
    "id", "run_id", "project_id", "item_id", "question", "response_id", "other_response_id", "swapped", "judge",
    "value", "score", "reasoning", "input_tokens", "output_tokens", "cached", "created_at",
)
_CHUNK = 900


class EvalSink:
    """Writes `EvalRecord`s in batches; counts what it added and what was already there."""

    def __init__(self, conn: Connection, project_id: int, spec: ProjectSpec, import_id: int, run_id: int | None) -> None:
        self.conn = conn
        self.project_id = project_id
        self.import_id = import_id
        self.run_id = run_id
        self.now = datetime.now(UTC)
        self.preparer = ItemPreparer(spec)
        self.item_ids = IdAllocator(conn, "items")
        self.response_ids = IdAllocator(conn, "responses")
        self.verdict_ids = IdAllocator(conn, "judge_verdicts")
        self.items_out = BulkInserter(conn, ITEMS, ITEM_COLUMNS, json_encoded=True)
        self.responses_out = BulkInserter(conn, RESPONSES, RESPONSE_COLUMNS, json_encoded=True)
        self.verdicts_out = BulkInserter(conn, VERDICTS, VERDICT_COLUMNS)
        self.pending: list[tuple[EvalRecord, PreparedItem]] = []
        self.items_added = 0
        self.responses_added = 0
        self.verdicts_added = 0
        self.verdicts_existing = 0
        self.models: set[str] = set()
        self._added: set[int] = set()
        self._found: set[int] = set()
        self._existed: set[int] = set()
        self._responses_added: set[int] = set()
        self._responses_found: set[int] = set()
        self.criteria: set[str] = set()

    @property
    def items_existing(self) -> int:
        """Items of the file that were in the project before this import."""
        return len(self._found)

    @property
    def responses_existing(self) -> int:
        """Responses of the file that were in the project before this import."""
        return len(self._responses_found)

    def add(self, record: EvalRecord) -> BadRecord | None:
        """Validate and queue one record; a record the project cannot take comes back as bad."""
        try:
            prepared = self.preparer.prepare(record.item)
        except RecordError as e:
            return BadRecord(record.location, e.field, e.message)
        for scored in record.responses:
            if not scored.response.external_id:
                return BadRecord(record.location, None, "a response has no id (an importer bug)")
        self.pending.append((record, prepared))
        return None

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if batch:
            self._write(batch)

    # -- one batch ------------------------------------------------------------------------------------

    def _write(self, batch: list[tuple[EvalRecord, PreparedItem]]) -> None:
        item_of = self._items([p for _, p in batch])
        # Responses of items that existed before this batch may exist too: look them up by external id.
        responses: dict[tuple[int, str], int] = {}
        next_position: dict[int, int] = {}
        existing_items = sorted({item_of[p.key] for _, p in batch if item_of[p.key] in self._existed})
        for chunk in _chunks(existing_items):
            for item_id, ext, found, pos in self.conn.execute(
                select(Response.item_id, Response.external_id, Response.id, Response.position)
                .where(Response.item_id.in_(chunk))
            ):
                if ext is not None:
                    responses[(item_id, ext)] = found
                next_position[item_id] = max(next_position.get(item_id, 0), pos + 1)
        known_before = set(responses.values())
        new_rows: list[list[Any]] = []
        fixed = [self.project_id, self.import_id, self.now]
        scored: list[tuple[int, int, EvalRecord, int]] = []  # (item, response, record, index in record)
        for record, prepared in batch:
            item_id = item_of[prepared.key]
            for index, sr in enumerate(record.responses):
                r = sr.response
                key = (item_id, cast(str, r.external_id))
                rid = responses.get(key)
                if rid is None:
                    position = next_position.get(item_id, 0)
                    next_position[item_id] = position + 1
                    row = [None, item_id, *fixed, position, r.external_id, r.model, r.content,
                           response_hash(r.model, r.content), _json_or_none(r.metadata)]
                    new_rows.append(row)
                    rid = -len(new_rows)  # placeholder until ids are taken
                    responses[key] = rid
                elif rid in known_before and rid not in self._responses_added:
                    self._responses_found.add(rid)
                if r.model:
                    self.models.add(r.model)
                scored.append((item_id, rid, record, index))
        ids = self.response_ids.take(len(new_rows))
        for row, rid in zip(new_rows, ids, strict=True):
            row[0] = rid
        self._responses_added.update(ids)
        self.responses_out.insert(new_rows)
        self.responses_added += len(new_rows)
        if self.run_id is not None:
            self._verdicts([(item, ids[-rid - 1] if rid < 0 else rid, record, index)
                            for item, rid, record, index in scored], known_before)

    def _items(self, prepared: list[PreparedItem]) -> dict[tuple[str, str], int]:
        ext_ids = sorted({p.key[1] for p in prepared if p.key[0] == "x"})
        hashes = sorted({p.key[1] for p in prepared if p.key[0] == "h"})
        known: dict[tuple[str, str], int] = {}
        for chunk in _chunks(ext_ids):
            rows = self.conn.execute(select(Item.external_id, Item.id)
                                     .where(Item.project_id == self.project_id, Item.external_id.in_(chunk)))
            known.update({("x", str(e)): int(i) for e, i in rows})
        for chunk in _chunks(hashes):
            rows = self.conn.execute(select(Item.content_hash, func.min(Item.id))
                                     .where(Item.project_id == self.project_id, Item.content_hash.in_(chunk))
                                     .group_by(Item.content_hash))
            known.update({("h", str(h)): int(i) for h, i in rows})
        self._existed = set(known.values())
        new_keys = [k for k in dict.fromkeys(p.key for p in prepared) if k not in known]
        fixed = [self.project_id, self.import_id, self.now]
        rows_out: list[list[Any]] = []
        by_key = {p.key: p for p in prepared}
        for key, item_id in zip(new_keys, self.item_ids.take(len(new_keys)), strict=True):
            known[key] = item_id
            rows_out.append([item_id, *fixed, *by_key[key].values])
        self.items_out.insert(rows_out)
        self.items_added += len(rows_out)
        self._added.update(row[0] for row in rows_out)
        self._found.update({known[p.key] for p in prepared} & self._existed - self._added)
        return known

    def _verdicts(self, scored: list[tuple[int, int, EvalRecord, int]], known_before: set[int]) -> None:
        have: set[tuple[int, str]] = set()
        old = sorted({rid for _, rid, _, _ in scored if rid in known_before})
        for chunk in _chunks(old):
            rows = self.conn.execute(
                select(JudgeVerdict.response_id, JudgeVerdict.question)
                .where(JudgeVerdict.run_id == self.run_id, JudgeVerdict.response_id.in_(chunk),
                       JudgeVerdict.other_response_id == 0))
            have.update((int(r), str(q)) for r, q in rows)
        rows_out: list[list[Any]] = []
        for item_id, rid, record, index in scored:
            for s in record.responses[index].scores:
                key = (rid, s.criterion)
                if key in have:
                    self.verdicts_existing += 1
                    continue
                have.add(key)
                self.criteria.add(s.criterion)
                rows_out.append([None, self.run_id, self.project_id, item_id, s.criterion, rid, 0, False, s.judge,
                                 s.value, s.score, s.reasoning, 0, 0, False, self.now])
        for row, vid in zip(rows_out, self.verdict_ids.take(len(rows_out)), strict=True):
            row[0] = vid
        self.verdicts_out.insert(rows_out)
        self.verdicts_added += len(rows_out)


def _json_or_none(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]
