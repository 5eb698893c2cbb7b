"""Prep on a stored project: its items and responses as `PrepRecord`s, and writing check results back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update

from assay.prep._records import PrepRecord, ProgressFn, RecordSet, messages_text
from assay.store import Database, Item, Response
from assay.store.projects import get_project

_PAGE = 5000


def read_project(db: Database, slug: str, *, progress: ProgressFn | None = None) -> RecordSet:
    """Every item of project `slug`, in id order, with its responses in position order."""
    with db.session() as session:
        project = get_project(session, slug)
        total = int(session.scalar(select(func.count()).select_from(Item).where(Item.project_id == project.id)) or 0)
        records: list[PrepRecord] = []
        by_id: dict[int, PrepRecord] = {}
        last = 0
        while True:
            rows = session.execute(
                select(Item.id, Item.external_id, Item.prompt, Item.messages, Item.reference, Item.domain,
                       Item.subdomain, Item.language, Item.meta, Item.priority)
                .where(Item.project_id == project.id, Item.id > last).order_by(Item.id).limit(_PAGE)
            ).all()
            if not rows:
                break
            for iid, ext, prompt, messages, ref, dom, sub, lang, meta, prio in rows:
                rec = PrepRecord(
                    iid, prompt if prompt is not None else messages_text(messages or []), [], id=ext,
                    reference=ref, domain=dom, subdomain=sub, language=lang, meta=meta, response_ids=[],
                    priority=prio,
                )
                records.append(rec)
                by_id[iid] = rec
            last = rows[-1][0]
            if progress:
                progress(len(records), total)
        responses = session.execute(
            select(Response.id, Response.item_id, Response.content)
            .where(Response.project_id == project.id).order_by(Response.item_id, Response.position, Response.id)
        )
        for rid, item_id, content in responses:
            owner = by_id.get(item_id)
            if owner is not None and owner.response_ids is not None:
                owner.responses.append(content)
                owner.response_ids.append(rid)
    return RecordSet(f"project {slug}", "item", records)


def write_response_checks(db: Database, slug: str, key: str, results: Mapping[int, dict[str, Any]]) -> int:
    """Store `results[response_id]` under `metadata["checks"][key]` of each response, in one
    transaction: every response is updated or none is. Returns the number updated."""
    if not results:
        return 0
    ids = sorted(results)
    with db.write_session() as session:
        project = get_project(session, slug)
        current: dict[int, dict[str, Any] | None] = {}
        for start in range(0, len(ids), _PAGE):
            chunk = ids[start : start + _PAGE]
            rows_ = session.execute(
                select(Response.id, Response.meta).where(Response.project_id == project.id, Response.id.in_(chunk))
            )
            current.update((int(rid), meta) for rid, meta in rows_)
        missing = [i for i in ids if i not in current]
        if missing:
            raise ValueError(f"project {slug}: responses {missing[:5]} do not belong to it")
        rows = []
        for rid in ids:
            meta = dict(current[rid] or {})
            checks = dict(meta.get("checks") or {})
            checks[key] = results[rid]
            meta["checks"] = checks
            rows.append({"id": rid, "meta": meta})
        session.execute(update(Response), rows)
    return len(rows)
