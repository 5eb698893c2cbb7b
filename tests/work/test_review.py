"""Review, rework, correction, inbox, review queues and adjudication."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assay.store import Consensus, Database, Judgement, JudgementHistory, JudgementStatus, Review
from assay.work import add_user
from assay.work.distribution import lease_next, submit
from assay.work.review import ReviewError, adjudicate, inbox, item_judgements, review, review_queue

from .test_distribution import ANSWERS, setup


def _submitted(db: Database, slug: str, user: int, answers: dict | None = None) -> tuple[int, int]:
    lease = lease_next(db, slug, user)
    assert lease is not None
    jid = submit(db, lease.assignment_id, user, answers or ANSWERS)
    return lease.assignment_id, jid


def _reviewer(db: Database) -> int:
    with db.write_session() as s:
        return add_user(s, "rev", "reviewer").id


def test_accept_reject_rework_and_inbox(db, tmp_path: Path) -> None:
    slug, (a, *_) = setup(db, tmp_path, n_items=2, overlap=1)
    rev = _reviewer(db)
    aid, jid = _submitted(db, slug, a)
    with pytest.raises(ReviewError, match="say why"):
        review(db, jid, rev, "reject")
    with pytest.raises(ReviewError, match="own work"):
        review(db, jid, a, "accept")
    review(db, jid, rev, "reject", comment="Score B too: the answer has two errors.")
    with db.session() as s:
        j = s.get(Judgement, jid)
        assert j is not None and j.status == JudgementStatus.draft
    # Back in the annotator's hands: the same lease comes first, and resubmitting works.
    again = lease_next(db, slug, a)
    assert again is not None and again.assignment_id == aid
    fixed = {"verdict": "bad", "score": {"A": 2}}
    assert submit(db, aid, a, fixed) == jid
    review(db, jid, rev, "accept")
    notes = inbox(db, a)
    assert [n.verdict for n in notes] == ["accept", "reject"]
    assert notes[1].comment == "Score B too: the answer has two errors." and notes[1].reviewer == "rev"
    with db.session() as s:
        actions = [h.action for h in s.scalars(select(JudgementHistory).where(JudgementHistory.judgement_id == jid).order_by(JudgementHistory.id))]
    assert actions == ["submit", "review-reject", "submit"]


def test_correction_keeps_history(db, tmp_path: Path) -> None:
    slug, (a, *_) = setup(db, tmp_path, n_items=1, overlap=1)
    rev = _reviewer(db)
    _, jid = _submitted(db, slug, a)
    with pytest.raises(ReviewError):
        review(db, jid, rev, "correct", comment="fix", corrected={"score": {"A": 9}})
    review(db, jid, rev, "correct", comment="It is bad, not good.", corrected={"verdict": "bad"})
    with db.session() as s:
        j = s.get(Judgement, jid)
        assert j is not None and j.answers["verdict"] == "bad" and j.status == JudgementStatus.submitted
        h = s.scalars(select(JudgementHistory).where(JudgementHistory.action == "review-correct")).one()
        assert h.changed_by == rev and h.reason == "It is bad, not good."
        assert h.old_value is not None and h.old_value["verdict"] == "good"
        assert s.scalars(select(Review)).one().corrected == {"verdict": "bad"}


def test_review_queue_reasons(db, tmp_path: Path) -> None:
    slug, (a, b, _) = setup(db, tmp_path, n_items=4, overlap=2, extra=", review_first_n: 1, review_sample_rate: 0.0")
    for u in (a, b):
        while (lease := lease_next(db, slug, u)) is not None:
            verdict = "good" if u == a or lease.item_id % 2 else "bad"
            submit(db, lease.assignment_id, u, {"verdict": verdict, "score": {"A": 3}})
    queue = review_queue(db, slug)
    reasons = {(e.annotator, e.reason) for e in queue}
    assert ("ann0", "new-annotator") in reasons and ("ann1", "new-annotator") in reasons
    disagreeing = {e.item_id for e in queue if e.reason == "disagreement"}
    assert disagreeing and all(i % 2 == 0 for i in disagreeing)
    assert all(e.reason != "sample" for e in queue), "sample rate 0"


def test_adjudication_sets_final_answers(db, tmp_path: Path) -> None:
    slug, (a, b, _) = setup(db, tmp_path, n_items=1, overlap=2)
    rev = _reviewer(db)
    _submitted(db, slug, a, {"verdict": "good", "score": {"A": 5}})
    _submitted(db, slug, b, {"verdict": "bad", "score": {"A": 1}})
    with db.session() as s:
        item_id = s.scalars(select(Judgement.item_id)).first()
    assert item_id is not None
    side = item_judgements(db, item_id)
    assert [(x["annotator"], x["answers"]["score"]) for x in side] == [("ann0", {"A": 5}), ("ann1", {"A": 1})]
    assert adjudicate(db, item_id, rev, {"verdict": "bad", "score": {"A": 2}}, reason="B's reading is right") == 2
    assert adjudicate(db, item_id, rev, {"verdict": "good"}, reason="changed my mind") == 1
    with db.session() as s:
        final = {(c.question, c.response_id): c.value for c in s.scalars(select(Consensus))}
    assert len(final) == 2 and final[("verdict", 0)] == "good"
    with pytest.raises(ReviewError):
        adjudicate(db, item_id, rev, {"nope": 1})


def test_low_confidence_consensus_goes_to_review_until_adjudicated(db, tmp_path: Path) -> None:
    """After `assay quality consensus`, items whose consensus is unsure are queued for review as
    low-confidence; an adjudicated answer takes them off that list."""
    from assay.quality.project import QualityOptions, compute_consensus

    slug, (a, b, c) = setup(db, tmp_path, n_items=2, overlap=3, extra=", review_first_n: 0, review_sample_rate: 0.0")
    for u, verdicts in ((a, ("good", "good")), (b, ("good", "bad")), (c, ("good", "good"))):
        for verdict in verdicts:
            lease = lease_next(db, slug, u)
            assert lease is not None
            submit(db, lease.assignment_id, u, {"verdict": verdict, "score": {"A": 3}})
    compute_consensus(db, slug, QualityOptions(method="majority"))
    with db.session() as s:
        rows = {(r.item_id, r.question): r.confidence for r in s.scalars(select(Consensus))}
    unsure = {item for (item, q), conf in rows.items() if q == "verdict" and conf < 0.7}
    assert len(unsure) == 1  # 2 of 3 said "good" on the second item: 0.67
    queue = review_queue(db, slug)
    assert {e.item_id for e in queue if e.reason == "low-confidence"} == unsure
    assert len([e for e in queue if e.reason == "low-confidence"]) == 3, "all three judgements of the item"
    adjudicate(db, unsure.pop(), _reviewer(db), {"verdict": "good"}, reason="checked")
    assert all(e.reason != "low-confidence" for e in review_queue(db, slug))
