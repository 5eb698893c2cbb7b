"""Project progress for managers: items by state, and work per annotator and per organization.

A vendor's manager sees only their organization's people (`org_id`); item totals stay whole-project,
since items are shared.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from assay.store import Database
from assay.store._models import (
    Assignment,
    AssignmentStatus,
    Item,
    Judgement,
    JudgementStatus,
    Organization,
    Review,
    ReviewVerdict,
    User,
)
from assay.store.projects import get_project, load_project_spec


@dataclass
class PersonProgress:
    username: str
    org: str
    submitted: int = 0
    drafts: int = 0
    skipped: int = 0
    leased: int = 0
    rejected: int = 0
    median_seconds: float | None = None


@dataclass
class Progress:
    items: int
    items_complete: int
    """Items with `overlap` submitted judgements (gold items excluded)."""
    items_started: int
    """Items with at least one submitted judgement but fewer than `overlap`."""
    items_untouched: int
    gold_items: int
    overlap: int
    judgements: dict[str, int]
    people: list[PersonProgress] = field(default_factory=list)
    orgs: list[PersonProgress] = field(default_factory=list)
    """Totals per organization (username holds the organization's name)."""

    @property
    def percent_complete(self) -> float:
        regular = self.items - self.gold_items
        return 100.0 * self.items_complete / regular if regular else 0.0


def project_progress(db: Database, slug: str, *, org_id: int | None = None) -> Progress:
    with db.session() as session:
        proj = get_project(session, slug)
        overlap = load_project_spec(session, proj).distribution.overlap
        per_item = (
            select(Judgement.item_id, func.count().label("n"))
            .where(Judgement.project_id == proj.id, Judgement.status == JudgementStatus.submitted)
            .group_by(Judgement.item_id).subquery()
        )
        regular = select(Item.id, func.coalesce(per_item.c.n, 0).label("n")).outerjoin(
            per_item, per_item.c.item_id == Item.id).where(Item.project_id == proj.id, Item.is_gold.is_(False)).subquery()
        complete, started, untouched = (
            int(session.scalar(select(func.count()).select_from(regular).where(cond)) or 0)
            for cond in (regular.c.n >= overlap, (regular.c.n > 0) & (regular.c.n < overlap), regular.c.n == 0)
        )
        items = int(session.scalar(select(func.count()).select_from(Item).where(Item.project_id == proj.id)) or 0)
        gold = int(session.scalar(
            select(func.count()).select_from(Item).where(Item.project_id == proj.id, Item.is_gold.is_(True))) or 0)

        scope = [User.org_id == org_id] if org_id is not None else []
        people: dict[int, PersonProgress] = {}
        for uid, name, org in session.execute(
            select(User.id, User.username, Organization.name).join(Organization, Organization.id == User.org_id)
            .where(User.id.in_(select(Assignment.user_id).where(Assignment.project_id == proj.id)), *scope)
        ):
            people[uid] = PersonProgress(name, org)
        times: dict[int, list[int]] = defaultdict(list)
        judgements: dict[str, int] = defaultdict(int)
        for uid, status, ms in session.execute(
            select(Judgement.user_id, Judgement.status, Judgement.time_spent_ms).join(User, User.id == Judgement.user_id)
            .where(Judgement.project_id == proj.id, *scope)
        ):
            judgements[status.value] += 1
            if uid not in people:
                continue
            if status == JudgementStatus.submitted:
                people[uid].submitted += 1
                if ms:
                    times[uid].append(ms)
            elif status == JudgementStatus.draft:
                people[uid].drafts += 1
        for uid, a_status, n in session.execute(
            select(Assignment.user_id, Assignment.status, func.count()).where(Assignment.project_id == proj.id)
            .group_by(Assignment.user_id, Assignment.status)
        ):
            if uid in people and a_status == AssignmentStatus.skipped:
                people[uid].skipped = int(n)
            elif uid in people and a_status == AssignmentStatus.leased:
                people[uid].leased = int(n)
        for uid, n in session.execute(
            select(Judgement.user_id, func.count()).join(Review, Review.judgement_id == Judgement.id)
            .where(Judgement.project_id == proj.id, Review.verdict == ReviewVerdict.reject).group_by(Judgement.user_id)
        ):
            if uid in people:
                people[uid].rejected = int(n)
        for uid, spent in times.items():
            people[uid].median_seconds = statistics.median(spent) / 1000
        orgs: dict[str, PersonProgress] = {}
        for p in people.values():
            o = orgs.setdefault(p.org, PersonProgress(p.org, p.org))
            for attr in ("submitted", "drafts", "skipped", "leased", "rejected"):
                setattr(o, attr, getattr(o, attr) + getattr(p, attr))
        return Progress(items, complete, started, untouched, gold, overlap, dict(judgements),
                        sorted(people.values(), key=lambda p: (-p.submitted, p.username)),
                        sorted(orgs.values(), key=lambda p: p.username))
