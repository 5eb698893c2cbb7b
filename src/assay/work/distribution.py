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

import functools
import hashlib
import string
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import BindParameter, Engine, Table, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from assay.spec import AnswerIssue, ProjectSpec
from assay.store import Database
from assay.store._models import (
    Assignment,
    AssignmentStatus,
    Item,
    Judgement,
    JudgementAnswer,
    JudgementHistory,
    JudgementSource,
    JudgementStatus,
    Project,
    ProjectMember,
    Response,
    SpecVersion,
)
from assay.store.judgements import answer_rows, record_history, sync_answers
from assay.store.projects import get_project

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


# ---- per-process helpers --------------------------------------------------------------------------

# Expired leases are reclaimed lazily, by whoever asks for work. Doing it on every request cost an
# UPDATE each time; a process now does it at most every RECLAIM_EVERY (by the `now` it is given), and
# always when the pool looks empty or the person's own lease has lapsed, so nobody is told "nothing
# left" while expired slots wait. A lapsed lease keeps its slot at most this much longer.
RECLAIM_EVERY = timedelta(seconds=10)
_last_reclaim: dict[tuple[str, int], datetime] = {}
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_guard = threading.Lock()
# Spec versions never change once saved: parsed specs are shared by hash (as in store.projects), and
# a request reads only the 64-character hash instead of the whole spec document.
_SPECS: dict[str, ProjectSpec] = {}
_SPECS_MAX = 256


@contextmanager
def _write(db: Database) -> Iterator[Session]:
    """A write session. On SQLite, this process's writers queue on a lock first: SQLite has one
    writer anyway, and waiting in its busy handler (sleeps of up to 100 ms between retries) made
    the tail latency of concurrent requests ten times the work itself."""
    if not db.is_sqlite:
        with db.write_session() as session:
            yield session
        return
    with _guard:
        lock = _SQLITE_WRITERS.setdefault(db.engine, threading.Lock())
    with lock, db.write_session() as session:
        yield session


def _reclaim_due(session: Session, project_id: int, now: datetime) -> bool:
    key = (str(session.get_bind().engine.url), project_id)
    with _guard:
        last = _last_reclaim.get(key)
        if last is not None and last <= now < last + RECLAIM_EVERY:
            return False
        _last_reclaim[key] = now
        return True


def _spec(session: Session, project: Project, spec_hash: str | None = None) -> ProjectSpec:
    if spec_hash is None:
        spec_hash = session.scalar(
            select(SpecVersion.spec_hash).where(
                SpecVersion.project_id == project.id, SpecVersion.version == project.current_spec_version
            )
        )
    spec = _SPECS.get(spec_hash) if spec_hash else None
    if spec is None:
        doc = session.scalar(
            select(SpecVersion.spec).where(
                SpecVersion.project_id == project.id, SpecVersion.version == project.current_spec_version
            )
        )
        assert doc is not None, "a project always has its current spec version"
        spec = ProjectSpec.model_validate(doc)
        if spec_hash:
            with _guard:
                if len(_SPECS) >= _SPECS_MAX:
                    _SPECS.clear()
                _SPECS[spec_hash] = spec
    return spec


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


# ---- leasing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """A lease with what the annotator works on, read in the lease's own transaction."""

    lease: Lease
    item: Item
    responses: list[Response]
    draft: dict[str, Any] | None
    """Answers saved earlier on this item (stored form, keyed by response id), if any."""
    spec: ProjectSpec


def lease_next(db: Database, project: str, user_id: int, *, now: datetime | None = None) -> Lease | None:
    """The next task for `user_id` in `project`: their live lease if they have one, else a new one.
    None when there is nothing left for them (or they reached their cap)."""
    now = _now(now)
    with _write(db) as session:
        found = _lease_in(session, project, user_id, now)
        return found[0] if found else None


def lease_task(
    db: Database, project: str, user_id: int, *, now: datetime | None = None,
    check: Callable[[Session], object] | None = None,
) -> Task | None:
    """`lease_next`, plus the item, its responses and any draft, all in one transaction. `check` runs
    first in that transaction (a door's own access rule: raise to refuse)."""
    now = _now(now)
    with _write(db) as session:
        if check is not None:
            check(session)
        found = _lease_in(session, project, user_id, now)
        if found is None:
            return None
        lease, spec = found
        rows = session.execute(_TASK_ROWS, {"item_id": lease.item_id, "user_id": user_id}).all()
        item = rows[0][0]
        responses = [r for _, r, _ in rows if r is not None]
        draft = rows[0][2] or None
        return Task(lease, item, responses, draft, spec)


# The hot statements are built once, with bound parameters: building a SELECT and its cache key on
# every request cost more Python time than SQLite took to run it. See docs/design/distribution.md
# ("Serving cost") for what each request issues.


def _not_seen_by(user_id: Any, item: Any = Item) -> Any:
    return ~exists().where(Assignment.item_id == item.id, Assignment.user_id == user_id)


_USER: BindParameter[Any] = bindparam("user_id")
_LIVE = aliased(Assignment, name="live")
# The first calibration item this person has not had, or NULL: a scalar subquery of the context query,
# so the common case (no calibration items; the partial index ix_items_calibration is empty) costs no
# round trip of its own.
_CALIBRATION_CANDIDATE = (
    select(Item.id)
    .where(Item.project_id == Project.id, Item.calibration_round.is_not(None), _not_seen_by(_USER))
    .order_by(Item.calibration_round, Item.id)
    .limit(1)
    .correlate(Project)
    .scalar_subquery()
)
# Everything a lease decision needs up front, in one query: the project, its current spec's hash, the
# person's active membership, their oldest live lease and the calibration candidate.
_LEASE_CONTEXT = (
    select(Project, SpecVersion.spec_hash, ProjectMember, _LIVE.id, _LIVE.item_id, _LIVE.kind, _LIVE.expires_at,
           _CALIBRATION_CANDIDATE)
    .join(SpecVersion, (SpecVersion.project_id == Project.id) & (SpecVersion.version == Project.current_spec_version))
    .outerjoin(
        ProjectMember,
        (ProjectMember.project_id == Project.id) & (ProjectMember.user_id == _USER) & ProjectMember.active.is_(True),
    )
    .outerjoin(
        _LIVE, (_LIVE.project_id == Project.id) & (_LIVE.user_id == _USER) & (_LIVE.status == AssignmentStatus.leased)
    )
    .where(Project.slug == bindparam("slug"))
    .order_by(_LIVE.leased_at)
    .limit(1)
)
_TASK_ROWS = (
    select(Item, Response, Judgement.answers)
    .outerjoin(Response, Response.item_id == Item.id)
    .outerjoin(Judgement, (Judgement.item_id == Item.id) & (Judgement.user_id == _USER))
    .where(Item.id == bindparam("item_id"))
    .order_by(Response.position)
)
_items = cast(Table, Item.__table__)
_assignments = cast(Table, Assignment.__table__)
_NEW_LEASE = (
    insert(_assignments)
    .values(project_id=bindparam("project_id"), item_id=bindparam("item_id"), user_id=_USER, kind=bindparam("kind"),
            status=AssignmentStatus.leased, leased_at=bindparam("now"), expires_at=bindparam("expires"))
    .returning(_assignments.c.id)
)


def _lease_in(session: Session, project: str, user_id: int, now: datetime) -> tuple[Lease, ProjectSpec] | None:
    row = session.execute(_LEASE_CONTEXT, {"slug": project, "user_id": user_id}).first()
    if row is None:
        get_project(session, project)  # raises ProjectNotFound, naming the known projects
        raise AssertionError("a project always has its current spec version")
    proj, spec_hash, member, live_id, live_item, live_kind, live_expires, calibration_item = row
    if member is None:
        raise NotAMember(f"user {user_id} is not a member of project {project!r}")
    spec = _spec(session, proj, spec_hash)
    reclaimed = _reclaim_due(session, proj.id, now)
    if reclaimed:
        reclaim_expired(session, proj.id, now)

    if live_id is not None:
        assert live_expires is not None, "a lease always has an expiry"
        if _aware(live_expires) >= now:
            return Lease(live_id, live_item, live_kind, live_expires), spec
        # Their own lease lapsed since the last reclaim: reclaim now, as if it had run first.
        if not reclaimed:
            reclaim_expired(session, proj.id, now)
            reclaimed = True

    dist = spec.distribution
    done = 0
    if dist.max_per_annotator is not None or dist.gold_rate > 0:
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
    for kind in ("calibration", "gold", "normal"):
        if kind == "calibration":
            # Nothing writes between the context query and here that could change the candidate:
            # reclaiming only expires leases, and an expired lease still counts as seen.
            item_id = calibration_item
        elif kind == "gold":
            if not _gold_turn(user_id, done, dist.gold_rate):
                continue
            item_id = _pick_gold(session, proj, spec, member, user_id)
        else:
            item_id = _take_regular(session, proj, spec, member, user_id)
            if item_id is None and not reclaimed:
                # The pool looks empty: give lapsed leases back before saying so.
                reclaim_expired(session, proj.id, now)
                item_id = _take_regular(session, proj, spec, member, user_id)
        if item_id is None:
            continue
        # Core statements, not the ORM's unit of work: a third of the request's CPU went to flushing.
        assignment_id = session.execute(
            _NEW_LEASE,
            {"project_id": proj.id, "item_id": item_id, "user_id": user_id, "kind": kind, "now": now,
             "expires": expires},
        ).scalar_one()
        return Lease(assignment_id, item_id, kind, expires), spec
    return None


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _gold_turn(user_id: int, done: int, rate: float) -> bool:
    """Whether this user's next task is a gold one: a fixed share, spread unpredictably over their tasks
    (a hash of user and position), so gold cannot be told apart by when it comes."""
    if rate <= 0:
        return False
    digest = hashlib.blake2b(f"{user_id}:{done}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < rate


def _routing(by_domain: bool, by_language: bool, item: Any = Item) -> list[Any]:
    conds = []
    if by_domain:
        conds.append(or_(item.domain.in_(bindparam("domains", expanding=True)), item.domain.is_(None)))
    if by_language:
        conds.append(or_(item.language.in_(bindparam("languages", expanding=True)), item.language.is_(None)))
    return conds


def _routing_params(spec: ProjectSpec, member: ProjectMember) -> tuple[bool, bool, dict[str, Any]]:
    """Which skill filters apply to this person, and their values."""
    dist = spec.distribution
    by_domain = bool(dist.route_by_domain and member.domains)
    by_language = bool(dist.route_by_language and member.languages)
    params: dict[str, Any] = {}
    if by_domain:
        params["domains"] = list(member.domains)
    if by_language:
        params["languages"] = list(member.languages)
    return by_domain, by_language, params


@functools.cache
def _gold_stmt(by_domain: bool, by_language: bool) -> Any:
    return (
        select(Item.id)
        .where(Item.project_id == bindparam("project_id"), Item.is_gold.is_(True), _not_seen_by(_USER),
               *_routing(by_domain, by_language))
        .order_by(Item.id)
        .limit(1)
    )


@functools.cache
def _take_stmt(by_domain: bool, by_language: bool, postgres: bool) -> Any:
    """Pick the next regular item and take a slot of its overlap, in one statement: UPDATE the item
    chosen by a sub-select (under the lock on PostgreSQL) and return its id, or nothing."""
    candidate = aliased(Item, name="candidate")  # the sub-select's own items, not the updated row
    pick = (
        select(candidate.id)
        .where(
            # Not named like an items column: those names are reserved for the UPDATE's SET values.
            candidate.project_id == bindparam("pick_project"),
            candidate.is_open.is_(True),
            candidate.is_gold.is_(False),
            candidate.calibration_round.is_(None),
            # Re-checked under the lock: is_open may be stale after a spec change of the overlap.
            candidate.taken < bindparam("overlap"),
            _not_seen_by(_USER, candidate),
            *_routing(by_domain, by_language, candidate),
        )
        .order_by(candidate.priority.desc(), candidate.id)
        .limit(1)
    )
    if postgres:
        # Skip rows another annotator's transaction holds: two people never wait on the same candidate.
        pick = pick.with_for_update(skip_locked=True, of=candidate)
    return (
        update(_items)
        .where(_items.c.id == pick.scalar_subquery())
        .values(taken=_items.c.taken + 1, is_open=_items.c.taken + 1 < bindparam("overlap"))
        .returning(_items.c.id)
    )


def _pick_gold(session: Session, proj: Project, spec: ProjectSpec, member: ProjectMember, user_id: int) -> int | None:
    by_domain, by_language, params = _routing_params(spec, member)
    return session.scalar(_gold_stmt(by_domain, by_language), {"project_id": proj.id, "user_id": user_id, **params})


def _take_regular(session: Session, proj: Project, spec: ProjectSpec, member: ProjectMember, user_id: int) -> int | None:
    by_domain, by_language, params = _routing_params(spec, member)
    stmt = _take_stmt(by_domain, by_language, _postgres(session))
    return session.execute(
        stmt, {"pick_project": proj.id, "user_id": user_id, "overlap": spec.distribution.overlap, **params}
    ).scalar_one_or_none()


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


def _project_spec(session: Session, project_id: int) -> tuple[Project, ProjectSpec]:
    row = session.execute(
        select(Project, SpecVersion.spec_hash)
        .join(SpecVersion, (SpecVersion.project_id == Project.id) & (SpecVersion.version == Project.current_spec_version))
        .where(Project.id == project_id)
    ).first()
    assert row is not None, "a project always has its current spec version"
    return row[0], _spec(session, row[0], row[1])


def save_draft(db: Database, assignment_id: int, user_id: int, answers: dict[str, Any], *, now: datetime | None = None) -> int:
    """Autosave: store answers as a draft without self-QC. Returns the judgement id."""
    now = _now(now)
    with _write(db) as session:
        a = _own_assignment(session, assignment_id, user_id)
        if a.status != AssignmentStatus.leased:
            raise LeaseError(f"assignment {assignment_id} is {a.status.value}, not open for drafts")
        proj, spec = _project_spec(session, a.project_id)
        j = _judgement_for(session, a, proj.current_spec_version, spec, now)
        j.answers = to_stored_answers(spec, {k: v for k, v in answers.items() if v not in (None, "", [])},
                                      _responses(session, a.item_id))
        j.updated_at = now
        return j.id


class NeedsConfirmation(ValueError):
    """The answers are valid but trip the project's consistency rules; nothing was saved. Submit
    again with `confirm=True` to keep them."""

    def __init__(self, warnings: list[AnswerIssue]) -> None:
        super().__init__("; ".join(str(w) for w in warnings))
        self.warnings = warnings


_judgements = cast(Table, Judgement.__table__)
_history = cast(Table, JudgementHistory.__table__)
_answers = cast(Table, JudgementAnswer.__table__)
_NEW_JUDGEMENT = insert(_judgements).returning(_judgements.c.id)
_SUBMITTED = (
    update(_assignments).where(_assignments.c.id == bindparam("assignment_id")).values(status=AssignmentStatus.submitted)
)


@functools.cache
def _submit_stmt(postgres: bool) -> Any:
    stmt = (
        select(Assignment, Judgement, Project, SpecVersion.spec_hash, Response)
        .outerjoin(Judgement, (Judgement.item_id == Assignment.item_id) & (Judgement.user_id == Assignment.user_id))
        .join(Project, Project.id == Assignment.project_id)
        .join(SpecVersion, (SpecVersion.project_id == Project.id) & (SpecVersion.version == Project.current_spec_version))
        .outerjoin(Response, Response.item_id == Assignment.item_id)
        .where(Assignment.id == bindparam("assignment_id"))
        .order_by(Response.position)
    )
    # Only the assignment is locked: a concurrent submit or skip of the same lease waits for this one.
    return stmt.with_for_update(of=Assignment) if postgres else stmt


def submit(
    db: Database,
    assignment_id: int,
    user_id: int,
    answers: dict[str, Any],
    *,
    time_spent_ms: int | None = None,
    now: datetime | None = None,
    confirm: bool = True,
) -> int:
    """Submit answers on a lease after self-QC. Returns the judgement id.

    A lease that expired is still accepted if the item has room (its slot is taken back); otherwise
    LeaseError, and the item's overlap holds. With `confirm=False`, answers that trip the project's
    consistency rules raise NeedsConfirmation instead of being saved."""
    now = _now(now)
    with _write(db) as session:
        # The assignment (locked on PostgreSQL), this person's judgement of the item, the project with its
        # spec's hash and the item's responses, in one query.
        rows = session.execute(_submit_stmt(_postgres(session)), {"assignment_id": assignment_id}).all()
        if not rows or rows[0][0].user_id != user_id:
            raise LeaseError(f"assignment {assignment_id} is not yours")
        a, j, proj, spec_hash = rows[0][:4]
        if a.status == AssignmentStatus.submitted:
            raise LeaseError(f"assignment {assignment_id} was already submitted")
        if a.status == AssignmentStatus.skipped:
            raise LeaseError(f"assignment {assignment_id} was skipped")
        spec = _spec(session, proj, spec_hash)
        responses = [r[4] for r in rows if r[4] is not None]
        texts = [r.content for r in responses]
        issues = spec.check_answers(answers, len(responses), response_texts=texts)
        if issues:
            raise AnswersRejected(issues)
        if not confirm and spec.consistency:
            warnings = spec.consistency_warnings(answers, len(responses), response_texts=texts)
            if warnings:
                raise NeedsConfirmation(warnings)
        lapsed = a.status == AssignmentStatus.expired or (a.expires_at is not None and _aware(a.expires_at) < now)
        if lapsed and a.kind == "normal":
            _retake_slot(session, a, spec, expired_row=a.status == AssignmentStatus.expired)
        stored = to_stored_answers(spec, answers, responses)
        if j is None:
            # A first judgement goes in whole, with Core statements (the ORM's flush cost more than the
            # SQL), and has no long-form rows to replace.
            values: dict[str, Any] = dict(
                project_id=a.project_id, item_id=a.item_id, user_id=a.user_id, assignment_id=a.id, answers=stored,
                status=JudgementStatus.submitted, source=JudgementSource.human,
                spec_version=proj.current_spec_version, guidelines_version=spec.guidelines.version,
                started_at=a.leased_at, submitted_at=now, updated_at=now, time_spent_ms=time_spent_ms,
            )
            # Table-level inserts: the ORM-enabled `insert(Judgement)` and the unit of work flushing a
            # history object took a quarter of the submit's CPU. The history row is the one
            # `record_history` writes.
            jid = session.execute(_NEW_JUDGEMENT, values).scalar_one()
            session.execute(_SUBMITTED, {"assignment_id": a.id})
            j = Judgement(id=jid, **values)  # transient: read by the long-form helper only
            session.execute(insert(_history), {
                "judgement_id": jid, "changed_by": user_id, "action": "submit", "reason": None,
                "old_status": "draft", "new_status": JudgementStatus.submitted.value, "old_value": None,
                "new_value": stored,
            })
            long_rows = answer_rows(j, spec)
            if long_rows:
                session.execute(insert(_answers), long_rows)
            return jid
        old_value, old_status = dict(j.answers), j.status.value
        j.answers = stored
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
    with _write(db) as session:
        a = _own_assignment(session, assignment_id, user_id)
        if a.status != AssignmentStatus.leased:
            raise LeaseError(f"assignment {assignment_id} is {a.status.value}, it cannot be skipped")
        a.status = AssignmentStatus.skipped
        a.skip_reason = reason.strip()
        if a.kind == "normal":
            _release_slot(session, a.item_id)


def submitted_counts(session: Session, project_id: int) -> dict[int, int]:
    """Submitted judgements per item, made here or imported (both take a slot of the overlap)."""
    rows = session.execute(
        select(Judgement.item_id, func.count())
        .where(
            Judgement.project_id == project_id,
            Judgement.status == JudgementStatus.submitted,
        )
        .group_by(Judgement.item_id)
    )
    return {item_id: n for item_id, n in rows}


__all__ = [
    "AnswersRejected",
    "Lease",
    "LeaseError",
    "NeedsConfirmation",
    "NotAMember",
    "Task",
    "lease_next",
    "lease_task",
    "reclaim_expired",
    "response_letter",
    "save_draft",
    "skip",
    "submit",
    "submitted_counts",
    "to_letter_answers",
    "to_stored_answers",
]
