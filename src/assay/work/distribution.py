"""Handing out work: leases with expiry, overlap that holds under concurrency, gold, calibration, routing.

The invariant: an item never has more than `overlap` submitted judgements plus live leases. It is kept
in `items.taken` and `items.is_open`, changed only while the item's row is locked: on PostgreSQL by
`SELECT ... FOR UPDATE SKIP LOCKED` (concurrent annotators pass over each other's candidate instead of
waiting), on SQLite by the single writer (`BEGIN IMMEDIATE`). "Next task" is then an index range scan
over the open items of a project, whatever its size.

Gold items are outside the overlap (everyone may answer them) and look like any other task to the
annotator; calibration items are answered by every member before regular work.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from assay.spec import AnswerIssue, ProjectSpec
from assay.store import Database
from assay.store._models import (
    Assignment,
    AssignmentStatus,
    Item,
    Judgement,
    JudgementSource,
    JudgementStatus,
    Project,
    ProjectMember,
    Response,
)
from assay.store.judgements import record_history, sync_answers
from assay.store.projects import get_project, load_project_spec
from assay.work.members import get_member

LETTERS = string.ascii_uppercase


class NotAMember(PermissionError):
    """The user is not an active member of the project."""


class LeaseError(Exception):
    """The lease cannot be used: not this user's, already finished, or expired with the item full."""


class AnswersRejected(ValueError):
    """Self-QC found problems; nothing was saved."""

    def __init__(self, issues: list[AnswerIssue]) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class Lease:
    assignment_id: int
    item_id: int
    kind: str
    """normal, gold or calibration. For the server's bookkeeping only: never shown to the annotator."""
    expires_at: datetime


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _lease(a: Assignment) -> Lease:
    assert a.expires_at is not None
    return Lease(a.id, a.item_id, a.kind, a.expires_at)


def reclaim_expired(session: Session, project_id: int, now: datetime) -> int:
    """Return expired leases' slots to the pool. Their rows stay (as `expired`), so the same person is
    not given the item again, but the item is open to others."""
    expired = session.execute(
        update(Assignment)
        .where(
            Assignment.project_id == project_id,
            Assignment.status == AssignmentStatus.leased,
            Assignment.expires_at < now,
        )
        .values(status=AssignmentStatus.expired)
        .returning(Assignment.item_id, Assignment.kind)
    ).all()
    for item_id, kind in expired:
        if kind == "normal":
            _release_slot(session, item_id)
    return len(expired)


def _release_slot(session: Session, item_id: int) -> None:
    session.execute(update(Item).where(Item.id == item_id).values(taken=Item.taken - 1, is_open=True))


def lease_next(db: Database, project: str, user_id: int, *, now: datetime | None = None) -> Lease | None:
    """The next task for `user_id` in `project`: their live lease if they have one, else a new one.
    None when there is nothing left for them (or they reached their cap)."""
    now = _now(now)
    with db.write_session() as session:
        proj = get_project(session, project)
        spec = load_project_spec(session, proj)
        member = get_member(session, proj.id, user_id)
        if member is None:
            raise NotAMember(f"user {user_id} is not a member of project {project!r}")
        reclaim_expired(session, proj.id, now)

        live = session.scalar(
            select(Assignment)
            .where(
                Assignment.project_id == proj.id,
                Assignment.user_id == user_id,
                Assignment.status == AssignmentStatus.leased,
            )
            .order_by(Assignment.leased_at)
            .limit(1)
        )
        if live is not None:
            return _lease(live)

        dist = spec.distribution
        done = session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(
                Assignment.project_id == proj.id,
                Assignment.user_id == user_id,
                Assignment.status.in_([AssignmentStatus.leased, AssignmentStatus.submitted]),
            )
        ) or 0
        if dist.max_per_annotator is not None and done >= dist.max_per_annotator:
            return None

        expires = now + timedelta(minutes=dist.lease_minutes)
        for kind, pick in (("calibration", _pick_calibration), ("gold", _pick_gold), ("normal", _pick_regular)):
            if kind == "gold" and not _gold_turn(user_id, done, dist.gold_rate):
                continue
            item_id = pick(session, proj, spec, member, user_id)
            if item_id is None:
                continue
            a = Assignment(
                project_id=proj.id, item_id=item_id, user_id=user_id, kind=kind,
                status=AssignmentStatus.leased, leased_at=now, expires_at=expires,
            )
            session.add(a)
            if kind == "normal":
                session.execute(
                    update(Item)
                    .where(Item.id == item_id)
                    .values(taken=Item.taken + 1, is_open=Item.taken + 1 < dist.overlap)
                )
            session.flush()
            return _lease(a)
        return None


def _not_seen_by(user_id: int) -> Any:
    return ~exists().where(Assignment.item_id == Item.id, Assignment.user_id == user_id)


def _lock(stmt: Any, session: Session) -> Any:
    # Skip rows another annotator's transaction holds: two people never wait on the same candidate.
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True, of=Item)
    return stmt


def _pick_calibration(session: Session, proj: Project, spec: ProjectSpec, member: ProjectMember, user_id: int) -> int | None:
    stmt = (
        select(Item.id)
        .where(Item.project_id == proj.id, Item.calibration_round.is_not(None), _not_seen_by(user_id))
        .order_by(Item.calibration_round, Item.id)
        .limit(1)
    )
    return session.scalar(stmt)


def _gold_turn(user_id: int, done: int, rate: float) -> bool:
    """Whether this user's next task is a gold one: a fixed share, spread unpredictably over their tasks
    (a hash of user and position), so gold cannot be told apart by when it comes."""
    if rate <= 0:
        return False
    digest = hashlib.blake2b(f"{user_id}:{done}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < rate


def _pick_gold(session: Session, proj: Project, spec: ProjectSpec, member: ProjectMember, user_id: int) -> int | None:
    stmt = (
        select(Item.id)
        .where(Item.project_id == proj.id, Item.is_gold.is_(True), _not_seen_by(user_id), *_routing(spec, member))
        .order_by(Item.id)
        .limit(1)
    )
    return session.scalar(stmt)


def _routing(spec: ProjectSpec, member: ProjectMember) -> list[Any]:
    conds = []
    dist = spec.distribution
    if dist.route_by_domain and member.domains:
        conds.append(or_(Item.domain.in_(member.domains), Item.domain.is_(None)))
    if dist.route_by_language and member.languages:
        conds.append(or_(Item.language.in_(member.languages), Item.language.is_(None)))
    return conds


def _pick_regular(session: Session, proj: Project, spec: ProjectSpec, member: ProjectMember, user_id: int) -> int | None:
    stmt = (
        select(Item.id)
        .where(
            Item.project_id == proj.id,
            Item.is_open.is_(True),
            Item.is_gold.is_(False),
            Item.calibration_round.is_(None),
            # Re-checked under the lock: is_open may be stale after a spec change of the overlap.
            Item.taken < spec.distribution.overlap,
            _not_seen_by(user_id),
            *_routing(spec, member),
        )
        .order_by(Item.priority.desc(), Item.id)
        .limit(1)
    )
    return session.scalar(_lock(stmt, session))


# ---- working on a lease -------------------------------------------------------------------------


def _own_assignment(session: Session, assignment_id: int, user_id: int) -> Assignment:
    a = session.get(Assignment, assignment_id, with_for_update=session.get_bind().dialect.name == "postgresql")
    if a is None or a.user_id != user_id:
        raise LeaseError(f"assignment {assignment_id} is not yours")
    return a


def _responses(session: Session, item_id: int) -> list[Response]:
    return list(session.scalars(select(Response).where(Response.item_id == item_id).order_by(Response.position)))


def to_stored_answers(spec: ProjectSpec, answers: dict[str, Any], responses: list[Response]) -> dict[str, Any]:
    """Answers as people give them (per-response ones keyed by letter) to the stored form (keyed by
    response id), values normalised by their question."""
    out: dict[str, Any] = {}
    n = len(responses)
    for key, value in answers.items():
        q = spec.question(key)
        if q.per_response:
            items = value.items() if isinstance(value, dict) else zip(LETTERS, value, strict=False)
            stored = {}
            for letter, v in items:
                if v is None:
                    continue
                idx = LETTERS.index(letter)
                stored[str(responses[idx].id)] = q.check_answer(v, n_responses=n)
            out[key] = stored
        elif value is not None:
            out[key] = q.check_answer(value, n_responses=n)
    return out


def response_letter(position: int) -> str:
    """How people and files name the response at `position`: A, B, ... (then 27, 28, ...)."""
    return LETTERS[position] if position < len(LETTERS) else str(position + 1)


def to_letter_answers(spec: ProjectSpec, answers: dict[str, Any], responses: Sequence[Any]) -> dict[str, Any]:
    """The inverse of `to_stored_answers`: per-response answers keyed by letter instead of response id."""
    letters = {str(r.id): response_letter(i) for i, r in enumerate(responses)}
    out: dict[str, Any] = {}
    for key, value in answers.items():
        try:
            per_response = spec.question(key).per_response
        except KeyError:
            per_response = False  # a question dropped from a later spec version keeps its answers
        out[key] = {letters.get(rid, rid): v for rid, v in value.items()} if per_response and isinstance(value, dict) else value
    return out


def _judgement_for(session: Session, a: Assignment, spec_version: int, spec: ProjectSpec, now: datetime) -> Judgement:
    j = session.scalar(select(Judgement).where(Judgement.item_id == a.item_id, Judgement.user_id == a.user_id))
    if j is None:
        j = Judgement(
            project_id=a.project_id, item_id=a.item_id, user_id=a.user_id, assignment_id=a.id, answers={},
            status=JudgementStatus.draft, source=JudgementSource.human, spec_version=spec_version,
            guidelines_version=spec.guidelines.version, started_at=a.leased_at, updated_at=now,
        )
        session.add(j)
        session.flush()
    return j


def save_draft(db: Database, assignment_id: int, user_id: int, answers: dict[str, Any], *, now: datetime | None = None) -> int:
    """Autosave: store answers as a draft without self-QC. Returns the judgement id."""
    now = _now(now)
    with db.write_session() as session:
        a = _own_assignment(session, assignment_id, user_id)
        if a.status != AssignmentStatus.leased:
            raise LeaseError(f"assignment {assignment_id} is {a.status.value}, not open for drafts")
        proj = session.get(Project, a.project_id)
        assert proj is not None
        spec = load_project_spec(session, proj)
        j = _judgement_for(session, a, proj.current_spec_version, spec, now)
        j.answers = to_stored_answers(spec, {k: v for k, v in answers.items() if v not in (None, "", [])},
                                      _responses(session, a.item_id))
        j.updated_at = now
        return j.id


def submit(
    db: Database,
    assignment_id: int,
    user_id: int,
    answers: dict[str, Any],
    *,
    time_spent_ms: int | None = None,
    now: datetime | None = None,
) -> int:
    """Submit answers on a lease after self-QC. Returns the judgement id.

    A lease that expired is still accepted if the item has room (its slot is taken back); otherwise
    LeaseError, and the item's overlap holds."""
    now = _now(now)
    with db.write_session() as session:
        a = _own_assignment(session, assignment_id, user_id)
        if a.status == AssignmentStatus.submitted:
            raise LeaseError(f"assignment {assignment_id} was already submitted")
        if a.status == AssignmentStatus.skipped:
            raise LeaseError(f"assignment {assignment_id} was skipped")
        proj = session.get(Project, a.project_id)
        assert proj is not None
        spec = load_project_spec(session, proj)
        responses = _responses(session, a.item_id)
        issues = spec.check_answers(answers, len(responses), response_texts=[r.content for r in responses])
        if issues:
            raise AnswersRejected(issues)
        lapsed = a.status == AssignmentStatus.expired or (a.expires_at is not None and _aware(a.expires_at) < now)
        if lapsed and a.kind == "normal":
            _retake_slot(session, a, spec, expired_row=a.status == AssignmentStatus.expired)
        j = _judgement_for(session, a, proj.current_spec_version, spec, now)
        old_value, old_status = dict(j.answers), j.status.value
        j.answers = to_stored_answers(spec, answers, responses)
        j.status = JudgementStatus.submitted
        j.submitted_at = now
        j.updated_at = now
        j.time_spent_ms = time_spent_ms
        j.spec_version = proj.current_spec_version
        j.guidelines_version = spec.guidelines.version
        a.status = AssignmentStatus.submitted
        session.flush()
        record_history(session, j, action="submit", by=user_id, reason=None, old_status=old_status,
                       old_value=old_value or None)
        sync_answers(session, [j], spec)
        return j.id


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _retake_slot(session: Session, a: Assignment, spec: ProjectSpec, *, expired_row: bool) -> None:
    """A late submission counts only if the item still has room; the lock makes the check exact."""
    if not expired_row:
        return  # not yet reclaimed: its slot is still counted in `taken`
    stmt = select(Item).where(Item.id == a.item_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    item = session.scalar(stmt)
    assert item is not None
    if item.taken >= spec.distribution.overlap:
        raise LeaseError("your lease expired and the item has since been completed by others")
    item.taken += 1
    item.is_open = item.taken < spec.distribution.overlap


def skip(db: Database, assignment_id: int, user_id: int, reason: str, *, now: datetime | None = None) -> None:
    """Give a task back with a reason; the person is not offered the item again."""
    if not reason.strip():
        raise ValueError("say why you skip (the reason helps the project manager)")
    now = _now(now)
    with db.write_session() as session:
        a = _own_assignment(session, assignment_id, user_id)
        if a.status != AssignmentStatus.leased:
            raise LeaseError(f"assignment {assignment_id} is {a.status.value}, it cannot be skipped")
        a.status = AssignmentStatus.skipped
        a.skip_reason = reason.strip()
        if a.kind == "normal":
            _release_slot(session, a.item_id)


def submitted_counts(session: Session, project_id: int) -> dict[int, int]:
    """Submitted human judgements per item (for progress pages and tests)."""
    rows = session.execute(
        select(Judgement.item_id, func.count())
        .where(
            Judgement.project_id == project_id,
            Judgement.status == JudgementStatus.submitted,
            Judgement.source == JudgementSource.human,
        )
        .group_by(Judgement.item_id)
    )
    return {item_id: n for item_id, n in rows}


__all__ = [
    "AnswersRejected",
    "Lease",
    "LeaseError",
    "NotAMember",
    "lease_next",
    "reclaim_expired",
    "response_letter",
    "save_draft",
    "skip",
    "submit",
    "submitted_counts",
    "to_letter_answers",
    "to_stored_answers",
]
