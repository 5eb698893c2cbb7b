"""`export_project`: items, responses and judgements out, streamed in item-id order.

Two shapes:
- wide: one row per item, its responses and judgements nested (JSON-encoded in flat containers). It
  imports back with the `responses` schema.
- long: one row per judgement answer, with the item and response it is about. It imports back with
  the `judgements` schema.
Per-response answers are keyed by response letter (A, B, ...) in both, so files are portable between
databases.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assay.io.containers import detect_container, open_writer
from assay.spec import ProjectSpec
from assay.store import Database, Item, Judgement, JudgementStatus, Response, User
from assay.store.projects import get_project, load_project_spec
from assay.work.distribution import response_letter, to_letter_answers

Form = Literal["wide", "long"]
BATCH = 1000

WIDE_COLUMNS = [
    "id",
    "assay_item_id",
    "prompt",
    "messages",
    "system",
    "reference",
    "domain",
    "subdomain",
    "language",
    "metadata",
    "gold",
    "content_hash",
    "responses",
    "judgements",
]
LONG_COLUMNS = [
    "item",
    "assay_item_id",
    "domain",
    "language",
    "annotator",
    "question",
    "response",
    "model",
    "value",
    "status",
    "submitted_at",
    "time_spent_ms",
    "spec_version",
    "guidelines_version",
]


@dataclass
class ExportReport:
    path: str
    container: str
    form: str
    rows: int
    items: int
    seconds: float


def export_project(
    db: Database,
    project: str,
    path: str | Path,
    *,
    form: Form = "wide",
    container: str | None = None,
    include_drafts: bool = False,
    xlsx_overflow: Literal["error", "split"] = "error",
    progress: Callable[[int, int | None], None] | None = None,
) -> ExportReport:
    """Write `project` to `path`. The file appears only when complete (written aside, then renamed)."""
    started = time.perf_counter()
    statuses = [JudgementStatus.submitted] + ([JudgementStatus.draft] if include_drafts else [])
    with db.session() as session:
        proj = get_project(session, project)
        spec = load_project_spec(session, proj)
        total = session.scalar(select(func.count()).select_from(Item).where(Item.project_id == proj.id)) or 0
        columns = WIDE_COLUMNS if form == "wide" else LONG_COLUMNS
        items = rows = 0
        with open_writer(path, container, columns=columns, xlsx_overflow=xlsx_overflow) as writer:
            for batch in _item_batches(session, proj.id):
                responses = _responses(session, [i.id for i in batch])
                judgements = _judgements(session, [i.id for i in batch], statuses)
                for item in batch:
                    rs = responses.get(item.id, [])
                    js = judgements.get(item.id, [])
                    if form == "wide":
                        writer.write(_wide_row(item, rs, js, spec))
                        rows += 1
                    else:
                        for row in _long_rows(item, rs, js, spec):
                            writer.write(row)
                            rows += 1
                items += len(batch)
                if progress:
                    progress(items, total)
    return ExportReport(str(path), container or detect_container(path), form, rows, items, time.perf_counter() - started)


def _item_batches(session: Session, project_id: int) -> Iterator[Sequence[Item]]:
    # Keyset pagination: constant cost per batch however deep into the table.
    last = 0
    while True:
        batch = session.scalars(
            select(Item).where(Item.project_id == project_id, Item.id > last).order_by(Item.id).limit(BATCH)
        ).all()
        if not batch:
            return
        yield batch
        last = batch[-1].id
        session.expunge_all()


def _responses(session: Session, item_ids: list[int]) -> dict[int, list[Response]]:
    out: dict[int, list[Response]] = {}
    for r in session.scalars(
        select(Response).where(Response.item_id.in_(item_ids)).order_by(Response.item_id, Response.position)
    ):
        out.setdefault(r.item_id, []).append(r)
    return out


def _judgements(
    session: Session, item_ids: list[int], statuses: list[JudgementStatus]
) -> dict[int, list[tuple[Judgement, str]]]:
    out: dict[int, list[tuple[Judgement, str]]] = {}
    rows = session.execute(
        select(Judgement, User.username)
        .join(User, User.id == Judgement.user_id)
        .where(Judgement.item_id.in_(item_ids), Judgement.status.in_(statuses))
        .order_by(Judgement.item_id, User.username)
    )
    for j, username in rows:
        out.setdefault(j.item_id, []).append((j, username))
    return out


def item_ref(item: Item) -> str:
    """How files refer to an item: its external id, else its content hash (both portable)."""
    return item.external_id or item.content_hash


def _per_response(spec: ProjectSpec, key: str) -> bool:
    try:
        return spec.question(key).per_response
    except KeyError:
        return False


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    # SQLite hands back naive datetimes; every time Assay stores is UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _wide_row(item: Item, rs: list[Response], js: list[tuple[Judgement, str]], spec: ProjectSpec) -> dict[str, Any]:
    return {
        "id": item.external_id,
        "assay_item_id": item.id,
        "prompt": item.prompt,
        "messages": item.messages,
        "system": item.system,
        "reference": item.reference,
        "domain": item.domain,
        "subdomain": item.subdomain,
        "language": item.language,
        "metadata": item.meta,
        "gold": item.gold,
        "content_hash": item.content_hash,
        "responses": [
            {k: v for k, v in {"id": r.external_id, "model": r.model, "content": r.content, "metadata": r.meta}.items() if v is not None}
            for r in rs
        ],
        "judgements": [
            {
                "annotator": username,
                "status": j.status.value,
                "submitted_at": _iso(j.submitted_at),
                "time_spent_ms": j.time_spent_ms,
                "spec_version": j.spec_version,
                "guidelines_version": j.guidelines_version,
                "answers": to_letter_answers(spec, j.answers, rs),
            }
            for j, username in js
        ],
    }


def _long_rows(
    item: Item, rs: list[Response], js: list[tuple[Judgement, str]], spec: ProjectSpec
) -> Iterator[dict[str, Any]]:
    by_id = {str(r.id): (response_letter(i), r.model) for i, r in enumerate(rs)}
    for j, username in js:
        base = {
            "item": item_ref(item),
            "assay_item_id": item.id,
            "domain": item.domain,
            "language": item.language,
            "annotator": username,
            "status": j.status.value,
            "submitted_at": _iso(j.submitted_at),
            "time_spent_ms": j.time_spent_ms,
            "spec_version": j.spec_version,
            "guidelines_version": j.guidelines_version,
        }
        for key, value in j.answers.items():
            if _per_response(spec, key) and isinstance(value, dict):
                for rid, v in value.items():
                    letter, model = by_id.get(rid, (rid, None))
                    yield {**base, "question": key, "response": letter, "model": model, "value": v}
            else:
                yield {**base, "question": key, "response": None, "model": None, "value": value}
