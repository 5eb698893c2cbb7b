"""Review and adjudication: accept, send back for rework, correct; decide the final answer of an item.

Every change to a judgement leaves a history row (who, when, why, old and new value). A rejected
judgement goes back to its annotator as a draft on a renewed lease, so it keeps its slot in the
item's overlap while it is reworked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assay.store import Database
from assay.store._models import (
    Assignment,
    AssignmentStatus,
    Consensus,
    Item,
    Judgement,
    JudgementSource,
    JudgementStatus,
    Organization,
    OrgKind,
    Project,
    Response,
    Review,
    ReviewVerdict,
    User,
)
from assay.store.judgements import record_history, sync_answers
from assay.store.projects import get_project, load_project_spec
from assay.work.distribution import to_letter_answers, to_stored_answers


class ReviewError(ValueError):
    """A review that cannot be made (not submitted, missing comment, ...)."""


@dataclass(frozen=True)
class QueueEntry:
    judgement_id: int
    item_id: int
    annotator: str
    reason: str
    """new-annotator, low-confidence (stored consensus below the threshold, not yet adjudicated),
    disagreement or sample."""


def _sampled(judgement_id: int, rate: float) -> bool:
    # A fixed share, chosen by a hash so annotators cannot predict which of their tasks are checked.
    digest = hashlib.blake2b(f"review:{judgement_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < rate


LOW_CONFIDENCE = 0.7
"""Consensus confidence below which an item's judgements go to review (as `assay quality` reports it)."""


def review_queue(db: Database, project: str, *, limit: int = 200, org_id: int | None = None,
                 low_confidence: float = LOW_CONFIDENCE) -> list[QueueEntry]:
    """Submitted human judgements waiting for review: a new annotator's first N, items whose stored
    consensus (`assay quality consensus`) is less sure than `low_confidence` and not yet adjudicated,
    items whose annotators disagree, and a sampled share of everything else. With `org_id` (a
    vendor's reviewer), only work by that organization's people."""
    with db.session() as session:
        proj = get_project(session, project)
        spec = load_project_spec(session, proj)
        dist = spec.distribution
        reviewed = select(Review.judgement_id)
        rows = session.execute(
            select(Judgement.id, Judgement.item_id, Judgement.user_id, User.username, Judgement.answers)
            .join(User, User.id == Judgement.user_id)
            .where(
                Judgement.project_id == proj.id,
                Judgement.status == JudgementStatus.submitted,
                Judgement.source == JudgementSource.human,
                Judgement.id.not_in(reviewed),
                *([User.org_id == org_id] if org_id is not None else []),
            )
            .order_by(Judgement.submitted_at, Judgement.id)
        ).all()
        rank: dict[int, int] = {}
        firsts = dict(
            session.execute(
                select(Judgement.user_id, func.count())
                .where(Judgement.project_id == proj.id, Judgement.id.in_(reviewed))
                .group_by(Judgement.user_id)
            ).all()
        )
        by_item: dict[int, list[dict[str, Any]]] = {}
        for _jid, item_id, _uid, _name, answers in rows:
            by_item.setdefault(item_id, []).append(answers)
        comparable = [q.key for q in spec.questions if q.kind.value in ("rating", "choice", "compare") and not q.per_response]
        unsure = _unsure_items(session, proj.id, low_confidence)
        out: list[QueueEntry] = []
        for jid, item_id, uid, name, _answers in rows:
            rank[uid] = rank.get(uid, firsts.get(uid, 0)) + 1
            if rank[uid] <= dist.review_first_n:
                reason = "new-annotator"
            elif item_id in unsure:
                reason = "low-confidence"
            elif _disagree(by_item.get(item_id, []), comparable):
                reason = "disagreement"
            elif _sampled(jid, dist.review_sample_rate):
                reason = "sample"
            else:
                continue
            out.append(QueueEntry(jid, item_id, name, reason))
            if len(out) >= limit:
                break
        return out


def _unsure_items(session: Session, project_id: int, threshold: float) -> set[int]:
    """Items with a computed consensus answer below `threshold` that nobody has adjudicated."""
    decided = select(Consensus.item_id, Consensus.question, Consensus.response_id).where(
        Consensus.project_id == project_id, Consensus.method == "adjudicated")
    rows = session.execute(
        select(Consensus.item_id, Consensus.question, Consensus.response_id)
        .where(Consensus.project_id == project_id, Consensus.method != "adjudicated",
               Consensus.confidence < threshold)).all()
    adjudicated = set(session.execute(decided).all())
    return {item for item, question, response in rows if (item, question, response) not in adjudicated}


def _disagree(answer_sets: list[dict[str, Any]], keys: list[str]) -> bool:
    if len(answer_sets) < 2:
        return False
    for key in keys:
        values = {repr(a.get(key)) for a in answer_sets if key in a}
        if len(values) > 1:
            return True
    return False


def _responses(session: Session, item_id: int) -> list[Response]:
    return list(session.scalars(select(Response).where(Response.item_id == item_id).order_by(Response.position)))


def review(
    db: Database,
    judgement_id: int,
    reviewer_id: int,
    verdict: ReviewVerdict | str,
    *,
    comment: str | None = None,
    corrected: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Accept, reject (back to the annotator with `comment`) or correct (`corrected` answers, by letter)
    a submitted judgement. Returns the review id."""
    verdict = ReviewVerdict(verdict)
    now = now or datetime.now(UTC)
    with db.write_session() as session:
        j = session.get(Judgement, judgement_id)
        if j is None:
            raise ReviewError(f"no judgement {judgement_id}")
        if j.status != JudgementStatus.submitted:
            raise ReviewError(f"judgement {judgement_id} is a {j.status.value}, not submitted work")
        if j.user_id == reviewer_id:
            raise ReviewError("people do not review their own work")
        if verdict != ReviewVerdict.accept and not (comment or "").strip():
            raise ReviewError("say why: a rejection or correction needs a comment for the annotator")
        proj = session.get(Project, j.project_id)
        assert proj is not None
        spec = load_project_spec(session, proj)
        old_value, old_status = dict(j.answers), j.status.value
        stored: dict[str, Any] | None = None
        if verdict == ReviewVerdict.reject:
            j.status = JudgementStatus.draft
            j.updated_at = now
            _reopen_assignment(session, j, spec.distribution.lease_minutes, now)
        elif verdict == ReviewVerdict.correct:
            if not corrected:
                raise ReviewError("a correction needs the corrected answers")
            responses = _responses(session, j.item_id)
            issues = spec.check_answers({**to_letter_answers(spec, j.answers, responses), **corrected}, len(responses))
            if issues:
                raise ReviewError("; ".join(str(i) for i in issues))
            stored = to_stored_answers(spec, corrected, responses)
            j.answers = {**j.answers, **stored}
            j.updated_at = now
        r = Review(judgement_id=j.id, reviewer_id=reviewer_id, verdict=verdict, comment=comment,
                   corrected=stored, created_at=now)
        session.add(r)
        session.flush()
        if verdict != ReviewVerdict.accept:
            record_history(session, j, action=f"review-{verdict.value}", by=reviewer_id, reason=comment,
                           old_status=old_status, old_value=old_value)
            sync_answers(session, [j], spec)
        return r.id


def scope_org(session: Session, user: User) -> int | None:
    """The organization whose work this user is limited to: their own for a vendor's people, None
    (everything) for the lab's."""
    org = session.get(Organization, user.org_id)
    return user.org_id if org is not None and org.kind == OrgKind.vendor else None


def judgement_author_org(session: Session, judgement_id: int) -> int | None:
    return session.scalar(select(User.org_id).join(Judgement, Judgement.user_id == User.id).where(Judgement.id == judgement_id))


def _reopen_assignment(session: Session, j: Judgement, lease_minutes: int, now: datetime) -> None:
    a = session.scalar(select(Assignment).where(Assignment.item_id == j.item_id, Assignment.user_id == j.user_id))
    if a is None:  # imported judgements have no assignment: give them one so the rework has a lease
        a = Assignment(project_id=j.project_id, item_id=j.item_id, user_id=j.user_id, kind="normal")
        session.add(a)
    a.status = AssignmentStatus.leased
    a.leased_at = now
    # Rework is owed work: a longer lease than a fresh task, so it does not lapse overnight.
    a.expires_at = now + timedelta(minutes=max(lease_minutes, 60 * 24 * 7))


@dataclass(frozen=True)
class InboxEntry:
    review_id: int
    judgement_id: int
    item_id: int
    verdict: str
    comment: str | None
    reviewer: str
    at: datetime


def inbox(db: Database, user_id: int, *, limit: int = 100) -> list[InboxEntry]:
    """Reviewers' feedback on this person's work, newest first."""
    with db.session() as session:
        rows = session.execute(
            select(Review, Judgement.item_id, User.username)
            .join(Judgement, Judgement.id == Review.judgement_id)
            .join(User, User.id == Review.reviewer_id)
            .where(Judgement.user_id == user_id)
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(limit)
        ).all()
        return [
            InboxEntry(r.id, r.judgement_id, item_id, r.verdict.value, r.comment, name, r.created_at)
            for r, item_id, name in rows
        ]


def adjudicate(
    db: Database,
    item_id: int,
    adjudicator_id: int,
    answers: dict[str, Any],
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> int:
    """Set the final answers of an item (per-response ones by letter). Returns how many were set."""
    now = now or datetime.now(UTC)
    with db.write_session() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise ReviewError(f"no item {item_id}")
        proj = session.get(Project, item.project_id)
        assert proj is not None
        spec = load_project_spec(session, proj)
        responses = _responses(session, item_id)
        try:
            stored = to_stored_answers(spec, answers, responses)
        except (KeyError, ValueError) as e:
            raise ReviewError(str(e)) from None
        n = 0
        for key, value in stored.items():
            pairs = list(value.items()) if spec.question(key).per_response else [("0", value)]
            for rid, v in pairs:
                session.execute(
                    delete(Consensus).where(
                        Consensus.item_id == item_id, Consensus.question == key, Consensus.response_id == int(rid)
                    )
                )
                session.add(Consensus(
                    project_id=item.project_id, item_id=item_id, question=key, response_id=int(rid), value=v,
                    method="adjudicated", confidence=1.0, decided_by=adjudicator_id, reason=reason, decided_at=now,
                ))
                n += 1
        return n


def item_judgements(db: Database, item_id: int, *, org_id: int | None = None) -> list[dict[str, Any]]:
    """All judgements on an item side by side, for the adjudication view (per-response answers by letter).
    With `org_id`, only those by that organization's people."""
    with db.session() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise ReviewError(f"no item {item_id}")
        proj = session.get(Project, item.project_id)
        assert proj is not None
        spec = load_project_spec(session, proj)
        responses = _responses(session, item_id)
        rows = session.execute(
            select(Judgement, User.username).join(User, User.id == Judgement.user_id)
            .where(Judgement.item_id == item_id, *([User.org_id == org_id] if org_id is not None else []))
            .order_by(User.username)
        ).all()
        return [
            {"judgement_id": j.id, "annotator": name, "status": j.status.value,
             "answers": to_letter_answers(spec, j.answers, responses)}
            for j, name in rows
        ]
