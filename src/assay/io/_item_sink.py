"""Writing items and responses in batches, idempotently.

An item is identified by its external id when it has one, else by the hash of its prompt; a response by
its item and the hash of (model, content). Each batch asks the database which of its keys exist (one
indexed query per key kind), so memory stays flat however large the file, and rows written by earlier
batches of the same import are found the same way, inside the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, func, select, text

from assay.io.schemas import ItemRecord, RecordError
from assay.spec import ProjectSpec
from assay.store._models import Item, Response
from assay.store.bulk import BulkInserter

ITEMS = cast(Table, Item.__table__)
RESPONSES = cast(Table, Response.__table__)
ITEM_COLUMNS = (
    "id", "project_id", "external_id", "content_hash", "prompt", "messages", "system", "reference", "domain",
    "subdomain", "language", "metadata", "is_gold", "gold", "priority", "import_id", "created_at",
)
RESPONSE_COLUMNS = (
    "id", "item_id", "project_id", "position", "external_id", "model", "content", "content_hash", "metadata",
    "import_id", "created_at",
)


def _digest(value: Any) -> str:
    return hashlib.blake2b(orjson.dumps(value, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def item_hash(item: ItemRecord) -> str:
    """Identity of a prompt: system prompt plus prompt text or messages."""
    return _digest([item.system, item.prompt, item.messages])


def response_hash(model: str | None, content: str) -> str:
    # Same digest as _digest([model, content]) would give, without building and sorting a JSON document.
    return hashlib.blake2b(orjson.dumps([model, content]), digest_size=16).hexdigest()


@dataclass
class Pending:
    number: int
    raw: dict[str, Any]
    item: ItemRecord
    hash: str


class IdAllocator:
    """Hands out primary keys in bulk so rows can be inserted with plain executemany / no RETURNING."""

    def __init__(self, conn: Connection, table: str) -> None:
        self.conn = conn
        self.table = table
        self.next_id = 0
        if conn.dialect.name == "sqlite":
            # Safe: the import holds SQLite's write lock (BEGIN IMMEDIATE) for its whole transaction.
            self.next_id = int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one()) + 1

    def take(self, n: int) -> list[int]:
        if n == 0:
            return []
        if self.conn.dialect.name == "postgresql":
            # One row holding an array: fetching n one-column rows costs more than the sequence itself.
            ids = self.conn.execute(
                text(
                    f"SELECT array_agg(nextval(pg_get_serial_sequence('{self.table}', 'id'))) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": n},
            ).scalar_one()
            return sorted(ids)
        ids = list(range(self.next_id, self.next_id + n))
        self.next_id += n
        return ids


class ItemSink:
    """Validates item records against the project and writes them in batches."""

    def __init__(self, conn: Connection, project_id: int, spec: ProjectSpec, import_id: int) -> None:
        self.conn = conn
        self.project_id = project_id
        self.spec = spec
        self.import_id = import_id
        self.now = datetime.now(UTC)
        if conn.dialect.name == "sqlite":
            # Hash-keyed index pages are touched in random order; SQLite's default 2 MB page cache
            # makes each insert re-read them. 64 MB for this (pooled) connection while importing.
            conn.exec_driver_sql("PRAGMA cache_size=-65536")
        self.item_ids = IdAllocator(conn, "items")
        self.response_ids = IdAllocator(conn, "responses")
        self.pending: list[Pending] = []
        self.items_out = BulkInserter(conn, ITEMS, ITEM_COLUMNS)
        self.responses_out = BulkInserter(conn, RESPONSES, RESPONSE_COLUMNS)
        # Files repeat a handful of domain spellings; canonicalise each once.
        self._domains: dict[str, tuple[str, str | None]] = {}
        self.items_added = 0
        self._analyze_at = 5_000
        self.items_existing = 0
        self.responses_added = 0
        self.responses_existing = 0

    def add(self, number: int, raw: dict[str, Any], item: ItemRecord) -> None:
        self._validate(item)
        self.pending.append(Pending(number, raw, item, item_hash(item)))

    def _validate(self, item: ItemRecord) -> None:
        if item.domain is not None:
            name = f"{item.domain}/{item.subdomain}" if item.subdomain else item.domain
            if name not in self._domains:
                try:
                    self._domains[name] = self.spec.canonical_domain(name)
                except ValueError as e:
                    raise RecordError("subdomain" if item.subdomain else "domain", str(e)) from None
            item.domain, item.subdomain = self._domains[name]
        elif item.subdomain is not None:
            raise RecordError("domain", "a subdomain is given without a domain")
        if item.gold:
            for key, value in item.gold.items():
                try:
                    question = self.spec.question(key)
                except KeyError as e:
                    raise RecordError(f"gold.{key}", str(e).strip("'\"")) from None
                try:
                    if question.per_response and isinstance(value, dict):
                        item.gold[key] = {k: question.check_answer(v) for k, v in value.items()}
                    else:
                        item.gold[key] = question.check_answer(value)
                except ValueError as e:
                    raise RecordError(f"gold.{key}", str(e)) from None

    def flush(self) -> list[tuple[int, dict[str, Any], RecordError]]:
        batch, self.pending = self.pending, []
        self.write(batch)
        return []

    def write(self, batch: list[Pending]) -> None:
        """Write one validated batch. Touches only the database, so it may run on a writer thread."""
        if not batch:
            return
        ext_ids = {p.item.external_id for p in batch if p.item.external_id}
        hashes = {p.hash for p in batch if not p.item.external_id}
        known = self._existing_items(ext_ids, hashes)
        existed = set(known.values())

        new_rows: list[list[Any]] = []
        resolved: list[tuple[int, Pending]] = []
        fresh = [p for p in batch if self._key(p) not in known]
        ids = iter(self.item_ids.take(len({self._key(p) for p in fresh})))
        for p in batch:
            key = self._key(p)
            if key not in known:
                known[key] = next(ids)
                new_rows.append(self._item_row(known[key], p))
            elif known[key] in existed:
                self.items_existing += 1
            resolved.append((known[key], p))
        self.items_out.insert(new_rows)
        self.items_added += len(new_rows)
        self._write_responses(resolved, existed)
        self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """PostgreSQL plans the per-batch lookups from table statistics, which cannot see rows this
        (still open) transaction wrote, so it would scan a table it believes empty: quadratic. ANALYZE
        inside the transaction does count our own rows; at doubling sizes it costs little."""
        if self.conn.dialect.name != "postgresql" or self.items_added < self._analyze_at:
            return
        self.conn.exec_driver_sql("ANALYZE items")
        self.conn.exec_driver_sql("ANALYZE responses")
        self._analyze_at *= 2

    @staticmethod
    def _key(p: Pending) -> tuple[str, str]:
        return ("x", p.item.external_id) if p.item.external_id else ("h", p.hash)

    def _existing_items(self, ext_ids: set[str], hashes: set[str]) -> dict[tuple[str, str], int]:
        known: dict[tuple[str, str], int] = {}
        for chunk in _chunks(sorted(ext_ids), 900):
            rows = self.conn.execute(
                select(Item.external_id, Item.id).where(Item.project_id == self.project_id, Item.external_id.in_(chunk))
            )
            known.update({("x", str(e)): i for e, i in rows})
        for chunk in _chunks(sorted(hashes), 900):
            rows = self.conn.execute(
                select(Item.content_hash, func.min(Item.id))
                .where(Item.project_id == self.project_id, Item.content_hash.in_(chunk))
                .group_by(Item.content_hash)
            )
            known.update({("h", str(h)): int(i) for h, i in rows})
        return known

    def _item_row(self, item_id: int, p: Pending) -> list[Any]:
        it = p.item
        return [
            item_id, self.project_id, it.external_id, p.hash, it.prompt, it.messages, it.system, it.reference,
            it.domain, it.subdomain, it.language, it.metadata, bool(it.gold), it.gold, 0, self.import_id, self.now,
        ]

    def _write_responses(self, resolved: list[tuple[int, Pending]], existed: set[int]) -> None:
        if not any(p.item.responses for _, p in resolved):
            return
        seen: set[tuple[int, str]] = set()
        next_position: dict[int, int] = {}
        for chunk in _chunks(sorted(existed), 900):
            rows = self.conn.execute(
                select(Response.item_id, Response.content_hash, Response.position).where(Response.item_id.in_(chunk))
            )
            for item_id, h, pos in rows:
                seen.add((item_id, h))
                next_position[item_id] = max(next_position.get(item_id, 0), pos + 1)
        rows_out: list[list[Any]] = []
        for item_id, p in resolved:
            for r in p.item.responses:
                key = (item_id, response_hash(r.model, r.content))
                if key in seen:
                    self.responses_existing += 1
                    continue
                seen.add(key)
                position = next_position.get(item_id, 0)
                next_position[item_id] = position + 1
                rows_out.append(
                    [None, item_id, self.project_id, position, r.external_id, r.model, r.content, key[1],
                     r.metadata, self.import_id, self.now]
                )
        for row, rid in zip(rows_out, self.response_ids.take(len(rows_out)), strict=True):
            row[0] = rid
        self.responses_out.insert(rows_out)
        self.responses_added += len(rows_out)


def _chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
