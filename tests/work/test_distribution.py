"""Distribution: overlap, leases and their expiry, skips, caps, routing, gold, calibration, self-QC,
and the overlap invariant under concurrent annotators on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assay.io import import_file
from assay.spec import parse_spec
from assay.store import Assignment, Database, Item, Judgement
from assay.store.projects import create_project, get_project
from assay.work import add_user
from assay.work.distribution import (
    AnswersRejected,
    LeaseError,
    NotAMember,
    lease_next,
    save_draft,
    skip,
    submit,
    submitted_counts,
)
from assay.work.members import add_member

SPEC = """
slug: dist
name: Distribution test
layout: {{fields: [prompt], responses: 1}}
distribution: {{overlap: {overlap}, lease_minutes: 30, gold_rate: {gold_rate}, route_by_domain: true,
  route_by_language: true{extra}}}
questions:
  - {{key: verdict, kind: choice, title: Verdict, options: [good, bad]}}
  - {{key: score, kind: rating, title: Score, per_response: true, scale: {{min: 1, max: 5}}}}
"""
ANSWERS = {"verdict": "good", "score": {"A": 4}}


def setup(
    db: Database,
    tmp_path: Path,
    *,
    n_items: int = 5,
    overlap: int = 2,
    gold_rate: float = 0.0,
    extra: str = "",
    users: int = 3,
    records: list[dict[str, Any]] | None = None,
) -> tuple[str, list[int]]:
    spec = parse_spec(SPEC.format(overlap=overlap, gold_rate=gold_rate, extra=extra))
    with db.write_session() as s:
        project = create_project(s, spec)
        ids = []
        for i in range(users):
            user = add_user(s, f"ann{i}", "annotator")
            add_member(s, project, user)
            ids.append(user.id)
    recs = records or [{"id": f"i{i}", "prompt": f"prompt {i}", "response": f"answer {i}"} for i in range(n_items)]
    path = tmp_path / "items.jsonl"
    import orjson

    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    import_file(db, spec.slug, path)
    return spec.slug, ids


def work_until_done(db: Database, slug: str, user_id: int, now: datetime | None = None) -> list[int]:
    items = []
    while (lease := lease_next(db, slug, user_id, now=now)) is not None:
        submit(db, lease.assignment_id, user_id, ANSWERS, time_spent_ms=1000, now=now)
        items.append(lease.item_id)
    return items


def counts_by_item(db: Database, slug: str) -> dict[int, int]:
    with db.session() as s:
        return submitted_counts(s, get_project(s, slug).id)


def test_overlap_is_exact_and_nobody_sees_an_item_twice(db, tmp_path: Path) -> None:
    slug, users = setup(db, tmp_path, n_items=5, overlap=2, users=3)
    done = {u: work_until_done(db, slug, u) for u in users}
    assert sum(len(v) for v in done.values()) == 10
    assert all(len(v) == len(set(v)) for v in done.values())
    assert sorted(counts_by_item(db, slug).values()) == [2] * 5


def test_live_lease_is_resumed(db, tmp_path: Path) -> None:
    slug, (u, *_) = setup(db, tmp_path)
    first = lease_next(db, slug, u)
    again = lease_next(db, slug, u)
    assert first is not None and again == first


def test_expired_lease_returns_to_pool_and_late_submit_depends_on_room(db, tmp_path: Path) -> None:
    slug, (a, b, c) = setup(db, tmp_path, n_items=1, overlap=1)
    t0 = datetime.now(UTC)
    lease_a = lease_next(db, slug, a, now=t0)
    assert lease_a is not None
    assert lease_next(db, slug, b, now=t0 + timedelta(minutes=5)) is None, "the only slot is leased"
    later = t0 + timedelta(minutes=31)
    lease_b = lease_next(db, slug, b, now=later)
    assert lease_b is not None and lease_b.item_id == lease_a.item_id
    submit(db, lease_b.assignment_id, b, ANSWERS, now=later)
    with pytest.raises(LeaseError, match="completed by others"):
        submit(db, lease_a.assignment_id, a, ANSWERS, now=later)
    assert counts_by_item(db, slug) == {lease_a.item_id: 1}
    assert lease_next(db, slug, c, now=later) is None


def test_late_submit_accepted_when_item_still_has_room(db, tmp_path: Path) -> None:
    slug, (a, b, _) = setup(db, tmp_path, n_items=1, overlap=2)
    t0 = datetime.now(UTC)
    lease_a = lease_next(db, slug, a, now=t0)
    assert lease_a is not None
    later = t0 + timedelta(hours=2)
    assert lease_next(db, slug, b, now=later) is not None  # reclaims a's slot while taking one
    submit(db, lease_a.assignment_id, a, ANSWERS, now=later)
    with db.session() as s:
        item = s.get(Item, lease_a.item_id)
        assert item is not None and item.taken == 2 and item.is_open is False


def test_skip_releases_the_slot_and_is_not_offered_again(db, tmp_path: Path) -> None:
    slug, (a, b, _) = setup(db, tmp_path, n_items=1, overlap=1)
    lease = lease_next(db, slug, a)
    assert lease is not None
    with pytest.raises(ValueError, match="why"):
        skip(db, lease.assignment_id, a, "  ")
    skip(db, lease.assignment_id, a, "prompt is unreadable")
    assert lease_next(db, slug, a) is None
    assert lease_next(db, slug, b) is not None
    with db.session() as s:
        assert s.scalar(select(Assignment.skip_reason).where(Assignment.id == lease.assignment_id)) == "prompt is unreadable"


def test_per_person_cap(db, tmp_path: Path) -> None:
    slug, (a, *_) = setup(db, tmp_path, n_items=5, overlap=1, extra=", max_per_annotator: 2")
    assert len(work_until_done(db, slug, a)) == 2


def test_routing_by_domain_and_language(db, tmp_path: Path) -> None:
    recs = [
        {"id": "m", "prompt": "maths", "response": "r", "domain": "STEM", "language": "en"},
        {"id": "h", "prompt": "history", "response": "r", "domain": "Humanities", "language": "en"},
        {"id": "z", "prompt": "中文", "response": "r", "domain": "STEM", "language": "zh"},
    ]
    slug, (a, b, c) = setup(db, tmp_path, overlap=1, records=recs)
    with db.write_session() as s:
        project = get_project(s, slug)
        from assay.store import User

        add_member(s, project, s.get(User, a), domains=["STEM"], languages=["en"])  # type: ignore[arg-type]
        add_member(s, project, s.get(User, b), languages=["zh"])  # type: ignore[arg-type]
    got_a = work_until_done(db, slug, a)
    got_b = work_until_done(db, slug, b)
    with db.session() as s:
        ext = {i.id: i.external_id for i in s.scalars(select(Item))}
    assert [ext[i] for i in got_a] == ["m"]
    assert [ext[i] for i in got_b] == ["z"]
    assert [ext[i] for i in work_until_done(db, slug, c)] == ["h"], "no declared skills: anything"


def test_gold_items_are_mixed_in_outside_the_overlap(db, tmp_path: Path) -> None:
    recs = [{"id": f"i{i}", "prompt": f"p{i}", "response": "r"} for i in range(40)]
    recs += [{"id": f"g{i}", "prompt": f"gold {i}", "response": "r", "gold": {"verdict": "good"}} for i in range(10)]
    slug, users = setup(db, tmp_path, overlap=1, gold_rate=0.2, users=2, records=recs)
    kinds: Counter[str] = Counter()
    for u in users:
        while (lease := lease_next(db, slug, u)) is not None:
            kinds[lease.kind] += 1
            submit(db, lease.assignment_id, u, ANSWERS)
    assert kinds["normal"] == 40, "every regular item done exactly once (overlap 1)"
    assert 2 <= kinds["gold"] <= 20, kinds
    with db.session() as s:
        gold_ids = set(s.scalars(select(Item.id).where(Item.is_gold.is_(True))))
        counts = submitted_counts(s, get_project(s, slug).id)
    assert all(n == 1 for i, n in counts.items() if i not in gold_ids)


def test_calibration_items_come_first_for_everyone(db, tmp_path: Path) -> None:
    slug, users = setup(db, tmp_path, n_items=6, overlap=1, users=2)
    with db.write_session() as s:
        for item in s.scalars(select(Item).where(Item.external_id.in_(["i4", "i5"]))):
            item.calibration_round = 1
    for u in users:
        first = [lease_next(db, slug, u)]
        assert first[0] is not None and first[0].kind == "calibration"
        submit(db, first[0].assignment_id, u, ANSWERS)
        second = lease_next(db, slug, u)
        assert second is not None and second.kind == "calibration"
        submit(db, second.assignment_id, u, ANSWERS)
    with db.session() as s:
        cal = set(s.scalars(select(Item.id).where(Item.calibration_round.is_not(None))))
        counts = submitted_counts(s, get_project(s, slug).id)
    assert {i: counts[i] for i in cal} == dict.fromkeys(cal, 2)


def test_self_qc_rejects_and_saves_nothing(db, tmp_path: Path) -> None:
    slug, (a, *_) = setup(db, tmp_path)
    lease = lease_next(db, slug, a)
    assert lease is not None
    with pytest.raises(AnswersRejected) as exc:
        submit(db, lease.assignment_id, a, {"verdict": "good"})
    assert any(i.question == "score" for i in exc.value.issues)
    with pytest.raises(AnswersRejected):
        submit(db, lease.assignment_id, a, {"verdict": "meh", "score": {"A": 4}})
    with db.session() as s:
        assert s.scalars(select(Judgement)).all() == []
    draft_id = save_draft(db, lease.assignment_id, a, {"verdict": "bad"})
    jid = submit(db, lease.assignment_id, a, ANSWERS)
    assert jid == draft_id
    with pytest.raises(LeaseError, match="already submitted"):
        submit(db, lease.assignment_id, a, ANSWERS)


def test_only_members_get_work_and_only_owners_submit(db, tmp_path: Path) -> None:
    slug, (a, b, _) = setup(db, tmp_path)
    with db.write_session() as s:
        outsider = add_user(s, "outsider", "annotator").id
    with pytest.raises(NotAMember):
        lease_next(db, slug, outsider)
    lease = lease_next(db, slug, a)
    assert lease is not None
    with pytest.raises(LeaseError, match="not yours"):
        submit(db, lease.assignment_id, b, ANSWERS)


# ---- concurrency ----------------------------------------------------------------------------------


def _hammer(db: Database, slug: str, users: list[int]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(u: int) -> None:
        try:
            work_until_done(db, slug, u)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "n_items", "n_users"), [("sqlite", 60, 8), ("postgresql", 300, 30)])
def test_concurrent_annotators_never_exceed_overlap(make_db, tmp_path: Path, backend: str, n_items: int, n_users: int) -> None:
    from tests.conftest import BACKENDS

    if backend not in BACKENDS:
        pytest.skip("ASSAY_TEST_POSTGRES_URL not set")
    db = make_db(backend)
    slug, users = setup(db, tmp_path, n_items=n_items, overlap=3, users=n_users)
    errors = _hammer(db, slug, users)
    assert errors == []
    counts = counts_by_item(db, slug)
    assert len(counts) == n_items and set(counts.values()) == {3}
    with db.session() as s:
        pairs = s.execute(select(Judgement.item_id, Judgement.user_id)).all()
        assert len(pairs) == len(set(pairs)) == 3 * n_items
        assert all(not i.is_open and i.taken == 3 for i in s.scalars(select(Item)))


def test_imported_judgements_count_towards_overlap_and_are_not_given_again(db, tmp_path: Path) -> None:
    """Labels brought in with `--schema judgements` take their item's slots and their authors never
    get the item again (the demo seeds its annotators' history this way)."""
    slug, (a0, a1, a2) = setup(db, tmp_path, n_items=3, overlap=2)
    rows = [{"item": "i0", "annotator": "ann0", "question": "verdict", "value": "good"},
            {"item": "i0", "annotator": "ann1", "question": "verdict", "value": "bad"},
            {"item": "i1", "annotator": "ann0", "question": "verdict", "value": "good"}]
    path = tmp_path / "labels.jsonl"
    import orjson

    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    import_file(db, slug, path, schema="judgements")
    import_file(db, slug, path, schema="judgements")  # again: nothing more is counted
    with db.session() as s:
        ids = {i.external_id: i.id for i in s.scalars(select(Item))}
        assert {i.external_id: (i.taken, i.is_open) for i in s.scalars(select(Item))} == {
            "i0": (2, False), "i1": (1, True), "i2": (0, True)}
        assert all(j.assignment_id is not None for j in s.scalars(select(Judgement)))
    # ann0 judged i0 and i1 already: only i2 is left for them; i0 is full for everyone.
    assert work_until_done(db, slug, a0) == [ids["i2"]]
    assert work_until_done(db, slug, a2) == [ids["i1"], ids["i2"]]
    assert work_until_done(db, slug, a1) == []
    assert counts_by_item(db, slug) == {ids["i0"]: 2, ids["i1"]: 2, ids["i2"]: 2}
