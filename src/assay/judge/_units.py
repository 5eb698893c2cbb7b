"""Units of judge work: which (item, question, response or pair, order) a run must answer, read from
the project in batches so a million items never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assay.judge._prompts import JudgeContent, conversation_text
from assay.spec import ProjectSpec, Question, QuestionKind
from assay.store import Database, Item, JudgeVerdict, Response

BATCH = 500


@dataclass(frozen=True, slots=True)
class Unit:
    """One verdict to obtain. For a pair, `response_id` is A in stored order and `swapped` means the
    judge is shown the other response first."""

    item_id: int
    question: str
    response_id: int
    other_response_id: int = 0
    swapped: bool = False

    @property
    def key(self) -> tuple[int, str, int, int, bool]:
        return (self.item_id, self.question, self.response_id, self.other_response_id, self.swapped)


@dataclass(frozen=True)
class ItemView:
    """What a judge needs of one item."""

    item_id: int
    content: JudgeContent
    responses: list[tuple[int, str, str | None]]
    """(response id, text, model) of the responses shown, in position order."""


def units_for(spec: ProjectSpec, questions: Sequence[Question], view: ItemView, both_orders: bool) -> list[Unit]:
    out: list[Unit] = []
    ids = [r[0] for r in view.responses]
    for q in questions:
        if q.kind == QuestionKind.COMPARE:
            for a, b in combinations(ids, 2):
                out.append(Unit(view.item_id, q.key, a, b, False))
                if both_orders:
                    out.append(Unit(view.item_id, q.key, a, b, True))
        else:
            for rid in ids:
                out.append(Unit(view.item_id, q.key, rid))
    return out


def count_units(session: Session, project_id: int, spec: ProjectSpec, questions: Sequence[Question],
                both_orders: bool, *, limit: int | None = None) -> int:
    """How many units the project (or its first `limit` items) holds, from response counts alone."""
    shown = spec.layout.responses
    counted = select(func.count(Response.id).label("n")).where(Response.project_id == project_id)
    if limit is not None:
        first = select(Item.id).where(Item.project_id == project_id).order_by(Item.id).limit(limit).subquery()
        counted = counted.where(Response.item_id.in_(select(first.c.id)))
    per_item = counted.group_by(Response.item_id).subquery()
    total = 0
    for (n,) in session.execute(select(per_item.c.n)):
        k = min(n, shown)
        for q in questions:
            if q.kind == QuestionKind.COMPARE:
                total += k * (k - 1) // 2 * (2 if both_orders else 1)
            else:
                total += k
    return total


def item_batches(db: Database, project_id: int, spec: ProjectSpec, run_id: int, *, limit: int | None = None,
                 ) -> Iterator[tuple[list[ItemView], set[tuple[int, str, int, int, bool]]]]:
    """Items of the project in id order, a batch at a time, with the responses the layout shows and
    the units of `run_id` already stored for them. Each batch is read in its own short transaction:
    a run lasts hours, and an open transaction held that long blocks vacuum and schema changes."""
    last, seen = 0, 0
    while limit is None or seen < limit:
        size = BATCH if limit is None else min(BATCH, limit - seen)
        with db.session() as session:
            items = list(session.execute(
                select(Item.id, Item.prompt, Item.messages, Item.system, Item.reference)
                .where(Item.project_id == project_id, Item.id > last).order_by(Item.id).limit(size)))
            if not items:
                return
            ids = [row.id for row in items]
            responses: dict[int, list[tuple[int, str, str | None]]] = {}
            for item_id, rid, content, model in session.execute(
                select(Response.item_id, Response.id, Response.content, Response.model)
                .where(Response.item_id.in_(ids)).order_by(Response.item_id, Response.position, Response.id)
            ):
                shown = responses.setdefault(item_id, [])
                if len(shown) < spec.layout.responses:
                    shown.append((rid, content, model))
            done = done_keys(session, run_id, ids)
        yield [
            ItemView(row.id, JudgeContent(conversation_text(row.prompt, row.messages, row.system),
                                          row.reference if "reference" in spec.layout.fields else None),
                     responses.get(row.id, []))
            for row in items
        ], done
        last, seen = ids[-1], seen + len(ids)


def done_keys(session: Session, run_id: int, item_ids: Sequence[int]) -> set[tuple[int, str, int, int, bool]]:
    rows = session.execute(
        select(JudgeVerdict.item_id, JudgeVerdict.question, JudgeVerdict.response_id,
               JudgeVerdict.other_response_id, JudgeVerdict.swapped)
        .where(JudgeVerdict.run_id == run_id, JudgeVerdict.item_id.in_(item_ids)))
    return {(i, q, r, o, bool(s)) for i, q, r, o, s in rows}
