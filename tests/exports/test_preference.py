"""Preference pairs from compare judgements, rankings and rating differences, per judgement and per consensus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.exports import ExportError, ExportOptions, Filters, export_dataset
from assay.store import Database
from tests.exports.helpers import answer, item, jsonl, make_project, set_consensus

WHO = ("ann1", "ann2", "ann3")


def _pref(ref: str, who: str, winner: str, strength: int | None = None) -> dict[str, Any]:
    return answer(ref, who, "overall", {"winner": winner, "strength": strength} if winner != "tie" else "tie")


ANSWERS = [
    _pref("i1", "ann1", "A", 2), _pref("i1", "ann2", "A", 3), _pref("i1", "ann3", "B", 1),
    _pref("i2", "ann1", "tie"), _pref("i2", "ann2", "tie"), _pref("i2", "ann3", "A", 1),
    _pref("i3", "ann1", "B", 1), _pref("i3", "ann2", "B", 1),
    _pref("i4", "ann1", "A", 2),
]
# Three responses: rankings and rating differences (compare questions need exactly two).
RANKED = [
    answer("i1", "ann1", "order", "B>A=C"), answer("i2", "ann1", "order", "C>A>B"),
    *[answer("i1", "ann1", "quality", v, r) for r, v in zip("ABC", (5, 3, 1), strict=True)],
    *[answer("i1", "ann2", "quality", v, r) for r, v in zip("ABC", (4, 3, 2), strict=True)],
    *[answer("i2", "ann1", "quality", 3, r) for r in "ABC"],
]


@pytest.fixture
def slug(db: Database, tmp_path: Path) -> str:
    items = [item("i1"), item("i2"), item("i3", domain="Humanities", language="zh"), item("i4")]
    slug = make_project(db, tmp_path, items, ANSWERS)
    set_consensus(db, "i1", "overall", {"winner": "A", "strength": None}, 0.8)
    set_consensus(db, "i2", "overall", {"winner": "tie", "strength": None}, 0.9)
    set_consensus(db, "i3", "overall", {"winner": "B", "strength": None}, 0.95)
    return slug


@pytest.fixture
def ranked(db: Database, tmp_path: Path) -> str:
    return make_project(db, tmp_path, [item("i1", n=3), item("i2", n=3)], RANKED, slug="ranked", responses=3)


def _letter(messages: list[dict[str, Any]]) -> str:
    return str(messages[-1]["content"]).split()[1]  # "Answer B to i1." -> "B"


def pairs(db: Database, slug: str, path: Path, **options: Any) -> list[tuple[Any, ...]]:
    filters = options.pop("filters", Filters())
    export_dataset(db, slug, path, ExportOptions(kind="preference", record_schema="trl-preference", filters=filters,
                                                 **options))
    return [(r["id"], _letter(r["chosen"]), _letter(r["rejected"]), r.get("margin"), r.get("score_chosen"),
             r.get("score_rejected"), r.get("annotator")) for r in jsonl(path)]


def test_compare_per_judgement_skips_ties_and_carries_strength(db: Database, slug: str, tmp_path: Path) -> None:
    got = pairs(db, slug, tmp_path / "p.jsonl", per="judgement")
    assert got == [
        ("i1", "A", "B", 2.0, None, None, "ann1"), ("i1", "A", "B", 3.0, None, None, "ann2"),
        ("i1", "B", "A", 1.0, None, None, "ann3"), ("i2", "A", "B", 1.0, None, None, "ann3"),
        ("i3", "B", "A", 1.0, None, None, "ann1"), ("i3", "B", "A", 1.0, None, None, "ann2"),
        ("i4", "A", "B", 2.0, None, None, "ann1"),
    ]


def test_compare_per_consensus_margin_is_mean_strength_of_agreeing_judgements(db: Database, slug: str,
                                                                               tmp_path: Path) -> None:
    got = pairs(db, slug, tmp_path / "p.jsonl")
    # i2's consensus is a tie; i4 has no consensus.
    assert got == [("i1", "A", "B", 2.5, None, None, None), ("i3", "B", "A", 1.0, None, None, None)]


def test_consensus_filters(db: Database, slug: str, tmp_path: Path) -> None:
    assert [p[0] for p in pairs(db, slug, tmp_path / "a.jsonl", filters=Filters(min_confidence=0.9))] == ["i3"]
    assert [p[0] for p in pairs(db, slug, tmp_path / "b.jsonl", filters=Filters(min_confidence=0.8))] == ["i1", "i3"]
    # i1: two of three agree with A (0.67).
    assert [p[0] for p in pairs(db, slug, tmp_path / "c.jsonl", filters=Filters(min_agreement=0.7))] == ["i3"]
    assert [p[0] for p in pairs(db, slug, tmp_path / "d.jsonl", filters=Filters(min_agreement=0.6))] == ["i1", "i3"]
    # Per judgement, the unit filters compare with the consensus; i4 has none, so it cannot pass.
    got = pairs(db, slug, tmp_path / "e.jsonl", per="judgement", filters=Filters(min_agreement=0.7))
    assert [(p[0], p[-1]) for p in got] == [("i3", "ann1"), ("i3", "ann2")]


def test_rank_pairs_all_and_best_worst(db: Database, ranked: str, tmp_path: Path) -> None:
    got = pairs(db, ranked, tmp_path / "r.jsonl", question="order")
    assert [p[:3] for p in got] == [("i1", "B", "A"), ("i1", "B", "C"), ("i2", "C", "A"), ("i2", "C", "B"),
                                    ("i2", "A", "B")]
    got = pairs(db, ranked, tmp_path / "rb.jsonl", question="order", pairs="best-worst")
    assert [p[:3] for p in got] == [("i1", "B", "A"), ("i1", "B", "C"), ("i2", "C", "B")]


def test_pairs_from_mean_ratings_with_margin(db: Database, ranked: str, tmp_path: Path) -> None:
    got = pairs(db, ranked, tmp_path / "m1.jsonl", from_ratings="quality", margin=1)
    # Means on i1: A 4.5, B 3, C 1.5; i2 is all 3s (ties make no pair).
    assert [p[:6] for p in got] == [("i1", "A", "B", 1.5, 4.5, 3.0), ("i1", "A", "C", 3.0, 4.5, 1.5),
                                    ("i1", "B", "C", 1.5, 3.0, 1.5)]
    got = pairs(db, ranked, tmp_path / "m2.jsonl", from_ratings="quality", margin=2)
    assert [p[:6] for p in got] == [("i1", "A", "C", 3.0, 4.5, 1.5)]
    got = pairs(db, ranked, tmp_path / "m3.jsonl", from_ratings="quality", margin=1, pairs="best-worst")
    assert [p[:3] for p in got] == [("i1", "A", "C")]


def test_pairs_from_each_judgements_ratings(db: Database, ranked: str, tmp_path: Path) -> None:
    got = pairs(db, ranked, tmp_path / "j.jsonl", from_ratings="quality", margin=2, per="judgement")
    assert [(p[1], p[2], p[3], p[6]) for p in got] == [("A", "B", 2.0, "ann1"), ("A", "C", 4.0, "ann1"),
                                                       ("B", "C", 2.0, "ann1"), ("A", "C", 2.0, "ann2")]


def test_mean_confidence_filters_rating_units(db: Database, ranked: str, tmp_path: Path) -> None:
    # Confidence of a mean: 1 - 2 sd / (max - min). i1: A (5, 4) sd .5 -> .75; B (3, 3) -> 1; C (1, 2) -> .75.
    with pytest.raises(ExportError, match=r"no preference records .* --min-confidence"):
        # Only B passes, and one response makes no pair: nothing to write, and nothing written.
        pairs(db, ranked, tmp_path / "c.jsonl", from_ratings="quality", margin=1, filters=Filters(min_confidence=0.8))
    assert not (tmp_path / "c.jsonl").exists()
    got = pairs(db, ranked, tmp_path / "d.jsonl", from_ratings="quality", margin=1, filters=Filters(min_confidence=0.75))
    assert len(got) == 3


def test_source_errors_name_the_problem(db: Database, slug: str, tmp_path: Path) -> None:
    def run(**options: Any) -> str:
        with pytest.raises(ExportError) as e:
            export_dataset(db, slug, tmp_path / "x.jsonl", ExportOptions(kind="preference", record_schema="openai-dpo",
                                                                           **options))
        assert not (tmp_path / "x.jsonl").exists()
        return str(e.value)

    assert "no question 'nope'" in run(question="nope")
    assert "is a rating question; expected a compare or rank question" in run(question="quality")
    assert "is a compare question; expected a rating question" in run(from_ratings="overall")
    assert "--per mean does not apply" in run(per="mean")
    with pytest.raises(ExportError, match="no consensus yet"):
        export_dataset(db, slug, tmp_path / "y.jsonl",
                       ExportOptions(kind="preference", record_schema="openai-dpo", question="order", per="consensus"))


def test_openai_dpo_shape_and_models(db: Database, slug: str, tmp_path: Path) -> None:
    path = tmp_path / "dpo.jsonl"
    export_dataset(db, slug, path, ExportOptions(kind="preference", record_schema="openai-dpo"))
    first = jsonl(path)[0]
    assert first["input"] == {"messages": [{"role": "user", "content": "Question i1?"}]}
    assert first["preferred_output"] == [{"role": "assistant", "content": "Answer A to i1."}]
    assert first["non_preferred_output"] == [{"role": "assistant", "content": "Answer B to i1."}]
    assert (first["id"], first["domain"], first["language"]) == ("i1", "STEM", "en")
    assert (first["model_chosen"], first["model_rejected"]) == ("m-a", "m-b")
    export_dataset(db, slug, path, ExportOptions(kind="preference", record_schema="openai-dpo",
                                                 include_metadata=False))
    assert set(jsonl(path)[0]) == {"input", "preferred_output", "non_preferred_output"}
