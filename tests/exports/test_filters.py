"""Filters: gold, domain, language, flags, submission dates, reviewer approval, and their interplay with consensus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from assay.exports import ExportError, ExportOptions, Filters, export_dataset
from assay.store import Database, Item, Judgement, JudgementStatus
from tests.exports.helpers import (
    T0,
    answer,
    give_review,
    item,
    jsonl,
    judgement_id,
    make_project,
    set_consensus,
)

SPAN = [{"start": 0, "end": 6, "label": "hallucination", "comment": "made up", "fix": "remove"}]


def _pref(ref: str, who: str, winner: str, day: int = 0) -> dict[str, Any]:
    return answer(ref, who, "overall", {"winner": winner, "strength": 1}, day=day)


@pytest.fixture
def slug(db: Database, tmp_path: Path) -> str:
    items = [item("s1"), item("s2", language="zh-Hans"), item("s3", domain="Humanities"),
             item("s4", gold={"overall": {"winner": "A", "strength": 1}}), item("s5"), item("s6"),
             item("s7", domain="STEM / Mathematics")]
    answers = [_pref(ref, "ann1", "A") for ref in ("s1", "s2", "s3", "s4", "s5", "s6", "s7")]
    answers += [_pref(ref, "ann2", "B", day=2) for ref in ("s1", "s2", "s3", "s4", "s5", "s6", "s7")]
    answers += [answer("s5", "ann2", "issues", SPAN, "A", day=2), answer("s1", "ann2", "issues", [], "A", day=2),
                answer("s6", "ann1", "verdict", "fail", "B"), answer("s1", "ann1", "verdict", "pass", "B")]
    return make_project(db, tmp_path, items, answers)


def refs(db: Database, slug: str, path: Path, **filters: Any) -> list[tuple[str, str]]:
    export_dataset(db, slug, path, ExportOptions(kind="preference", record_schema="openai-dpo", per="judgement",
                                                 filters=Filters(**filters)))
    return [(r["id"], r["annotator"]) for r in jsonl(path)]


def test_gold_items_are_left_out_unless_asked(db: Database, slug: str, tmp_path: Path) -> None:
    with db.session() as s:
        assert s.scalar(select(Item.is_gold).where(Item.external_id == "s4")) is True
    assert "s4" not in {r for r, _ in refs(db, slug, tmp_path / "a.jsonl")}
    assert "s4" in {r for r, _ in refs(db, slug, tmp_path / "b.jsonl", include_gold=True)}


def test_domain_and_language(db: Database, slug: str, tmp_path: Path) -> None:
    assert {r for r, _ in refs(db, slug, tmp_path / "a.jsonl", domains=("humanities",))} == {"s3"}
    assert {r for r, _ in refs(db, slug, tmp_path / "b.jsonl", domains=("STEM/mathematics",))} == {"s7"}
    assert {r for r, _ in refs(db, slug, tmp_path / "c.jsonl", languages=("zh",))} == {"s2"}  # zh-Hans is zh
    with pytest.raises(ExportError, match="unknown domain 'Cooking'"):
        refs(db, slug, tmp_path / "d.jsonl", domains=("Cooking",))


def test_flags_leave_out_the_whole_item(db: Database, slug: str, tmp_path: Path) -> None:
    everything = {r for r, _ in refs(db, slug, tmp_path / "a.jsonl")}
    assert {"s5", "s6"} <= everything
    # A span label by anyone, and a choice answer, both count as flags.
    assert {r for r, _ in refs(db, slug, tmp_path / "b.jsonl", exclude_flags=("hallucination",))} == everything - {"s5"}
    assert {r for r, _ in refs(db, slug, tmp_path / "c.jsonl", exclude_flags=("hallucination", "fail"))} == \
        everything - {"s5", "s6"}
    manifest = (tmp_path / "c.jsonl.manifest.json").read_text()
    assert '"items_flagged": 2' in manifest
    with pytest.raises(ExportError, match="can flag 'toxic'; span labels: bias, factual_error, hallucination"):
        refs(db, slug, tmp_path / "d.jsonl", exclude_flags=("toxic",))


def test_submission_dates(db: Database, slug: str, tmp_path: Path) -> None:
    got = refs(db, slug, tmp_path / "a.jsonl", since=T0 + timedelta(days=1))
    assert got and {who for _, who in got} == {"ann2"}
    got = refs(db, slug, tmp_path / "b.jsonl", until=T0 + timedelta(days=1))
    assert got and {who for _, who in got} == {"ann1"}
    # A naive time is UTC.
    got = refs(db, slug, tmp_path / "c.jsonl", until=datetime(2026, 11, 2, 9, 0, 1))
    assert {who for _, who in got} == {"ann1"}
    with pytest.raises(ValueError, match="must be after since"):
        Filters(since=T0, until=T0)


def test_approved_only_takes_the_latest_verdict(db: Database, slug: str, tmp_path: Path) -> None:
    give_review(db, "s1", "ann1", "accept", at=T0 + timedelta(days=3))
    give_review(db, "s2", "ann1", "correct", corrected={"overall": {"winner": "B", "strength": 2}},
                at=T0 + timedelta(days=3))
    # Accepted, then rejected later (and resubmitted since): no longer approved.
    give_review(db, "s3", "ann1", "accept", at=T0 + timedelta(days=3))
    give_review(db, "s3", "ann1", "reject", at=T0 + timedelta(days=4))
    # Rejected, reworked, then accepted: approved.
    give_review(db, "s7", "ann1", "reject", at=T0 + timedelta(days=3))
    _resubmit(db, "s3", "ann1")
    _resubmit(db, "s7", "ann1")
    give_review(db, "s7", "ann1", "accept", at=T0 + timedelta(days=5))
    path = tmp_path / "a.jsonl"
    assert refs(db, slug, path, approved_only=True) == [("s1", "ann1"), ("s2", "ann1"), ("s7", "ann1")]
    # The correction is what is exported: the reviewer said B.
    s2 = jsonl(path)[1]
    assert s2["preferred_output"][0]["content"] == "Answer B to s2."


def _resubmit(db: Database, ref: str, who: str) -> None:
    jid = judgement_id(db, ref, who)
    with db.write_session() as s:
        s.execute(update(Judgement).where(Judgement.id == jid).values(status=JudgementStatus.submitted))


def test_consensus_needs_one_kept_judgement_or_an_adjudication(db: Database, slug: str, tmp_path: Path) -> None:
    for ref in ("s1", "s2", "s3"):
        set_consensus(db, ref, "overall", {"winner": "A", "strength": None}, 0.9)
    set_consensus(db, "s7", "overall", {"winner": "B", "strength": 2}, None, method="adjudicated")
    give_review(db, "s1", "ann2", "accept", at=T0 + timedelta(days=3))
    path = tmp_path / "c.jsonl"
    export_dataset(db, slug, path, ExportOptions(kind="preference", record_schema="openai-dpo",
                                                 filters=Filters(approved_only=True)))
    got = {r["id"]: r for r in jsonl(path)}
    # s1: an approved judgement stands behind it; s7: a person adjudicated it (strength 2 is the margin).
    assert set(got) == {"s1", "s7"}
    export_dataset(db, slug, tmp_path / "t.jsonl", ExportOptions(kind="preference", record_schema="trl-preference",
                                                                filters=Filters(approved_only=True)))
    margins = {r["id"]: r.get("margin") for r in jsonl(tmp_path / "t.jsonl")}
    assert margins == {"s1": None, "s7": 2.0}  # s1's agreeing judgements (ann1's A) are not approved


def test_imported_labels_refuse_judgement_filters(db: Database, slug: str, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="--approved-only filter judgements; imported training labels have none"):
        export_dataset(db, slug, tmp_path / "x.jsonl", ExportOptions(
            kind="preference", record_schema="openai-dpo", labels="imported", filters=Filters(approved_only=True)))
    assert not any(tmp_path.glob("x.jsonl*"))


def test_naive_until_in_options_is_utc() -> None:
    f = Filters(until=datetime(2026, 1, 1))
    assert f.until == datetime(2026, 1, 1, tzinfo=UTC)
