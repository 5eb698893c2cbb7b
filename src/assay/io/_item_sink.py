"""Writing items and responses in batches, idempotently.

Two halves, so they can run in different processes:
- `ItemPreparer` validates an item record against the project (domain, gold answers), hashes it and
  turns it into plain tuples with JSON already encoded. Pure Python work, no database.
- `ItemSink` writes prepared items. An item is identified by its external id when it has one, else by
  the hash of its prompt; a response by its item and the hash of (model, content). Each batch asks the
  database which of its keys exist (one indexed query per key kind), so memory stays flat however
  large the file, and rows written by earlier batches of the same import are found the same way,
  inside the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

import orjson
from sqlalchemy import Connection, Table, func, select, text

from assay.io.schemas import ItemRecord, RecordError
from assay.spec import ProjectSpec
from assay.store._models import Item, Response
from assay.store.bulk import BulkInserter

ITEMS = cast(Table, Item.__table__)
RESPONSES = cast(Table, Response.__table__)
ITEM_COLUMNS = (
    "id", "project_id", "import_id", "created_at", "external_id", "content_hash", "prompt", "messages",
    "system", "reference", "domain", "subdomain", "language", "metadata", "is_gold", "gold", "priority",
)
RESPONSE_COLUMNS = (
    "id", "item_id", "project_id", "import_id", "created_at", "position", "external_id", "model", "content",
    "content_hash", "metadata",
)


def _digest(value: Any) -> str:
    return hashlib.blake2b(orjson.dumps(value, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def item_hash(item: ItemRecord) -> str:
    """Identity of a prompt: system prompt plus prompt text or messages."""
    return _digest([item.system, item.prompt, item.messages])


def response_hash(model: str | None, content: str) -> str:
    # Same digest as _digest([model, content]) would give, without sorting keys there are none of.
    return hashlib.blake2b(orjson.dumps([model, content]), digest_size=16).hexdigest()


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class PreparedItem(NamedTuple):
    """An item ready to write: tuples of plain values, cheap to pickle between processes."""

    key: tuple[str, str]
    """("x", external id) or ("h", content hash): the item's identity for idempotent import."""
    values: tuple[Any, ...]
    """ITEM_COLUMNS after the first four."""
    responses: tuple[tuple[Any, ...], ...]
    """Per response: external id, model, content, content hash, metadata JSON (RESPONSE_COLUMNS[6:])."""


class ItemPreparer:
    """Validates item records against the project and prepares them for `ItemSink.write`."""

    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = spec
        # Files repeat a handful of domain spellings; canonicalise each once.
        self._domains: dict[str, tuple[str, str | None]] = {}

    def prepare(self, item: ItemRecord) -> PreparedItem:
        self._validate(item)
        h = item_hash(item)
        key = ("x", item.external_id) if item.external_id else ("h", h)
        values = (
            item.external_id, h, item.prompt, _json(item.messages), item.system, item.reference, item.domain,
            item.subdomain, item.language, _json(item.metadata), bool(item.gold), _json(item.gold), 0,
        )
        responses = tuple(
            (r.external_id, r.model, r.content, response_hash(r.model, r.content), _json(r.metadata))
            for r in item.responses
        )
        return PreparedItem(key, values, responses)

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
    """Validates item records (through an `ItemPreparer`) and writes them in batches."""

    def __init__(self, conn: Connection, project_id: int, spec: ProjectSpec, import_id: int) -> None:
        self.conn = conn
        self.project_id = project_id
        self.import_id = import_id
        self.now = datetime.now(UTC)
        self.preparer = ItemPreparer(spec)
        if conn.dialect.name == "sqlite":
            # Hash-keyed index pages are touched in random order; SQLite's default 2 MB page cache
            # makes each insert re-read them. 64 MB for this (pooled) connection while importing.
            conn.exec_driver_sql("PRAGMA cache_size=-65536")
        self.item_ids = IdAllocator(conn, "items")
        self.response_ids = IdAllocator(conn, "responses")
        self.pending: list[PreparedItem] = []
        self.items_out = BulkInserter(conn, ITEMS, ITEM_COLUMNS, json_encoded=True)
        self.responses_out = BulkInserter(conn, RESPONSES, RESPONSE_COLUMNS, json_encoded=True)
        self._analyze_at = 5_000
        self.items_added = 0
        self.items_existing = 0
        self.responses_added = 0
        self.responses_existing = 0

    def add(self, number: int, raw: dict[str, Any], item: ItemRecord) -> None:
        self.pending.append(self.preparer.prepare(item))

    def flush(self) -> list[tuple[int, dict[str, Any], RecordError]]:
        batch, self.pending = self.pending, []
        self.write(batch)
        return []

    def write(self, batch: list[PreparedItem]) -> None:
        """Write one prepared batch."""
        if not batch:
            return
        ext_ids = {p.key[1] for p in batch if p.key[0] == "x"}
        hashes = {p.key[1] for p in batch if p.key[0] == "h"}
        known = self._existing_items(ext_ids, hashes)
        existed = set(known.values())

        new_rows: list[list[Any]] = []
        resolved: list[tuple[int, PreparedItem]] = []
        ids = iter(self.item_ids.take(len({p.key for p in batch if p.key not in known})))
        fixed = [self.project_id, self.import_id, self.now]
        for p in batch:
            item_id = known.get(p.key)
            if item_id is None:
                item_id = known[p.key] = next(ids)
                new_rows.append([item_id, *fixed, *p.values])
            elif item_id in existed:
                self.items_existing += 1
            resolved.append((item_id, p))
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

    def _write_responses(self, resolved: list[tuple[int, PreparedItem]], existed: set[int]) -> None:
        if not any(p.responses for _, p in resolved):
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
        fixed = [self.project_id, self.import_id, self.now]
        for item_id, p in resolved:
            for r in p.responses:
                key = (item_id, r[3])
                if key in seen:
                    self.responses_existing += 1
                    continue
                seen.add(key)
                position = next_position.get(item_id, 0)
                next_position[item_id] = position + 1
                rows_out.append([None, item_id, *fixed, position, *r])
        for row, rid in zip(rows_out, self.response_ids.take(len(rows_out)), strict=True):
            row[0] = rid
        self.responses_out.insert(rows_out)
        self.responses_added += len(rows_out)


def _chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
