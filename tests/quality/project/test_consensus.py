"""Consensus computed and stored per item × question (× response): every method against the tested
`assay.quality.aggregate_labels` on the same labels (and majority vote by hand), gold clamped,
ratings' mean/median with their dispersion confidence, adjudicated answers kept, low-confidence
answers listed for adjudication, and re-running replacing what an earlier run wrote."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from statsmodels.stats.inter_rater import cohens_kappa

from assay.io import import_file
from assay.quality import LABEL_METHODS, Ratings, aggregate_labels
from assay.quality.project import QualityOptions, compute_consensus, low_confidence_items, project_quality
from assay.store import Consensus
from assay.work.review import adjudicate
from tests.quality.project.conftest import VERDICTS, ConsensusProject
from tests.quality.project.helpers import Built, Labels, by_unit, write_jsonl

CATEGORIES: dict[str, list[Any]] = {"verdict": list(VERDICTS), "score": [1, 2, 3, 4, 5], "pref": ["A", "B"]}
EM_METHODS = [m for m in LABEL_METHODS if m != "majority"]


def _labels(p: ConsensusProject, key: str) -> Labels:
    return {"verdict": p.verdict, "score": p.score, "pref": p.pref}[key]


def _unit_id(b: Built, unit: Any) -> int:
    """The stored unit: the response for per-response questions, else the item."""
    return b.responses[unit] if isinstance(unit, tuple) else b.items[unit]


def _key(b: Built, key: str, unit: Any) -> tuple[int, str, int]:
    """(item id, question, response id) as the consensus table keys a unit."""
    if isinstance(unit, tuple):
        return b.items[unit[0]], key, b.responses[unit]
    return b.items[unit], key, 0


def _stored(b: Built) -> dict[tuple[int, str, int], Consensus]:
    with b.db.session() as s:
        rows = s.scalars(select(Consensus)).all()
        s.expunge_all()
    return {(r.item_id, r.question, r.response_id): r for r in rows}


def _canonical(key: str, label: Any) -> Any:
    if key == "pref":
        return {"winner": label, "strength": None}
    return int(label) if key == "score" else label


def _reference(p: ConsensusProject, key: str, method: str) -> dict[Any, tuple[Any, float]]:
    """unit -> (label, confidence) from `aggregate_labels` on the planted labels, gold clamped."""
    b = p.built
    labels = _labels(p, key)
    keys = sorted(labels, key=lambda k: (_unit_id(b, k[0]), b.users[k[1]]))
    ratings = Ratings([_unit_id(b, u) for u, _ in keys], [b.users[a] for _, a in keys], [labels[k] for k in keys],
                      categories=CATEGORIES[key])
    gold = {_unit_id(b, u): v for u, v in p.gold[key].items()}
    fit = aggregate_labels(ratings, method, gold=gold or None, seed=0)
    by_id = {_unit_id(b, u): u for u, _ in keys}
    return {by_id[int(i)]: (fit.categories[c], float(conf))
            for i, c, conf in zip(fit.items, fit.label, fit.confidence, strict=True)}


@pytest.mark.parametrize("method", EM_METHODS)
def test_each_method_is_stored_with_its_confidence(consensus_project: ConsensusProject, method: str) -> None:
    p, b = consensus_project, consensus_project.built
    run = compute_consensus(b.db, "qc", QualityOptions(method=method))
    stored = _stored(b)
    n_units = sum(len(by_unit(_labels(p, k))) for k in CATEGORIES)
    assert len(stored) == run.written == n_units and run.adjudicated_kept == 0
    for key in CATEGORIES:
        votes = by_unit(_labels(p, key))
        for unit, (label, confidence) in _reference(p, key, method).items():
            row = stored[_key(b, key, unit)]
            assert row.method == method and row.value == _canonical(key, label), (key, unit)
            assert row.confidence == pytest.approx(confidence, abs=1e-9)
            assert row.reason == f"{method} over {len(votes[unit])} answers"
        assert run.questions[key]["written"] == len(votes)


@pytest.mark.parametrize("method", EM_METHODS)
def test_gold_is_clamped(consensus_project: ConsensusProject, method: str) -> None:
    """Four of five say c00 is good; its gold answer is bad. Everyone scores c01/A 5; gold says 1."""
    b = consensus_project.built
    compute_consensus(b.db, "qc", QualityOptions(method=method))
    stored = _stored(b)
    verdict = stored[(b.items["c00"], "verdict", 0)]
    score = stored[(b.items["c01"], "score", b.responses[("c01", "A")])]
    assert (verdict.value, verdict.confidence) == ("bad", pytest.approx(1.0))
    assert (score.value, score.confidence) == (1, pytest.approx(1.0))


def test_majority_vote_by_hand(consensus_project: ConsensusProject) -> None:
    p, b = consensus_project, consensus_project.built
    compute_consensus(b.db, "qc", QualityOptions(method="majority"))
    stored = _stored(b)
    for key in CATEGORIES:
        for unit, votes in by_unit(_labels(p, key)).items():
            row = stored[_key(b, key, unit)]
            if unit in p.gold[key]:
                # A vote never overrules a known answer: c00's crowd says "good", its gold "bad".
                assert (row.value, row.confidence) == (_canonical(key, p.gold[key][unit]), pytest.approx(1.0))
                continue
            counts = Counter(votes.values())
            top = max(counts.values())
            assert row.confidence == pytest.approx(top / len(votes))
            assert row.value in [_canonical(key, v) for v, n in counts.items() if n == top]


@pytest.mark.parametrize("rating_method", ["mean", "median"])
def test_ratings_mean_or_median_with_dispersion_confidence(consensus_project: ConsensusProject,
                                                           rating_method: str) -> None:
    p, b = consensus_project, consensus_project.built
    run = compute_consensus(b.db, "qc", QualityOptions(rating_method=rating_method))
    stored = _stored(b)
    for unit, votes in by_unit(p.score).items():
        x = np.array(list(votes.values()), dtype=float)
        row = stored[_key(b, "score", unit)]
        centre = x.mean() if rating_method == "mean" else np.median(x)
        assert row.method == rating_method and row.value == pytest.approx(centre, abs=1e-6)
        assert isinstance(row.value, int) == float(round(centre, 6)).is_integer()
        # 1 when everyone agrees, 0 when split between the ends of the 1..5 scale (sd over n).
        assert row.confidence == pytest.approx(max(0.0, 1 - 2 * x.std() / 4))
    assert run.questions["score"]["method"] == rating_method
    assert run.questions["verdict"]["method"] == "dawid-skene"


def test_adjudicated_answers_are_never_overwritten(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    rev = b.users["rev"]
    compute_consensus(b.db, "qc", QualityOptions(method="majority"))
    # A reviewer decides c05 after the first run, and c06 too; the next runs keep both.
    adjudicate(b.db, b.items["c05"], rev, {"verdict": "unsure", "score": {"A": 2}}, reason="discussed")
    adjudicate(b.db, b.items["c06"], rev, {"pref": {"winner": "B"}})
    decided = {(b.items["c05"], "verdict", 0): "unsure", (b.items["c05"], "score", b.responses[("c05", "A")]): 2,
               (b.items["c06"], "pref", 0): {"winner": "B", "strength": None}}
    before = _stored(b)
    for method in ("dawid-skene", "mace"):
        run = compute_consensus(b.db, "qc", QualityOptions(method=method))
        stored = _stored(b)
        assert run.adjudicated_kept == 3 and run.written == len(before) - 3 == len(stored) - 3
        for key, value in decided.items():
            row = stored[key]
            assert (row.method, row.value, row.decided_by, row.confidence) == ("adjudicated", value, rev, 1.0)
            assert row.id == before[key].id
        assert {r.method for k, r in stored.items() if k not in decided} == {method}


def test_rerunning_replaces_the_computed_rows(consensus_project: ConsensusProject, tmp_path: Path) -> None:
    p, b = consensus_project, consensus_project.built
    first = compute_consensus(b.db, "qc", QualityOptions(method="majority"))
    before = {k: (r.value, r.confidence, r.method) for k, r in _stored(b).items()}
    again = compute_consensus(b.db, "qc", QualityOptions(method="majority"))
    assert again.to_dict() == first.to_dict()
    assert {k: (r.value, r.confidence, r.method) for k, r in _stored(b).items()} == before
    # Two more people call c03 (truth: good) "bad": its majority changes on the next run.
    votes = by_unit(p.verdict)["c03"]
    extra = [{"item": "c03", "annotator": who, "question": "verdict", "value": "bad"} for who in ("q1", "q2", "q3",
                                                                                                 "q4", "q5")]
    import_file(b.db, "qc", write_jsonl(tmp_path / "more.jsonl", extra), schema="judgements")
    compute_consensus(b.db, "qc", QualityOptions(method="majority"))
    row = _stored(b)[(b.items["c03"], "verdict", 0)]
    n_bad = sum(v == "bad" for v in votes.values()) + 5
    assert row.value == "bad" and row.confidence == pytest.approx(n_bad / (len(votes) + 5))
    assert row.reason == f"majority over {len(votes) + 5} answers"
    assert len(_stored(b)) == first.written


def test_low_confidence_answers_are_listed_for_adjudication(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    run = compute_consensus(b.db, "qc", QualityOptions(method="majority", low_confidence=0.7))
    adjudicate(b.db, b.items["c02"], b.users["rev"], {"verdict": "unsure"})
    stored = _stored(b)
    expected = sorted((r.confidence, r.item_id, r.question, r.response_id) for r in stored.values()
                       if r.method != "adjudicated" and r.confidence is not None and r.confidence < 0.7)
    listed = low_confidence_items(b.db, "qc", 0.7)
    assert [(x.confidence, x.item_id, x.question, x.response_id) for x in listed] == expected
    assert len(expected) >= 5 and all(x.method == "majority" for x in listed)
    assert run.low_confidence >= len(listed)
    assert low_confidence_items(b.db, "qc", 0.7, limit=2) == listed[:2]
    # The report says what the table holds and lists the same answers with their adjudication links.
    report = project_quality(b.db, "qc", QualityOptions(n_boot=0), parts=("agreement",)).to_dict()["consensus"]
    assert report["adjudicated"] == 1 and report["low_confidence"] == len(listed)
    assert report["by_method"]["majority"]["rows"] == len(stored) - 1
    top = QualityOptions().top_items
    assert len(listed) > top
    assert [(x["item_id"], x["question"], x["response_id"], x["confidence"]) for x in report["low_confidence_items"]] \
        == [(x.item_id, x.question, x.response_id, x.confidence) for x in listed[:top]]
    assert all(x["url"] == f"/p/qc/items/{x['item_id']}/adjudicate" for x in report["low_confidence_items"])


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown consensus method 'vote'"):
        QualityOptions(method="vote")
    with pytest.raises(ValueError, match="unknown rating method"):
        QualityOptions(rating_method="mode")
    with pytest.raises(ValueError, match="between 0 and 1"):
        QualityOptions(low_confidence=1.5)


def test_adjudicated_answers_are_the_truth_for_scorecards_and_disputes(consensus_project: ConsensusProject) -> None:
    """Once a person decides an item, scorecards measure everyone against that decision (κ) and
    the disputed-items list says the item is adjudicated."""
    p, b = consensus_project, consensus_project.built
    decided = {"c04": "unsure", "c07": "bad", "c10": "good"}
    for item, verdict in decided.items():
        adjudicate(b.db, b.items[item], b.users["rev"], {"verdict": verdict})
    options = QualityOptions(n_boot=0, top_items=100)
    q = project_quality(b.db, "qc", options)
    truth = {u: decided.get(u, label) for u, (label, _) in _reference(p, "verdict", "dawid-skene").items()}
    # κ pools every question: rebuild each person's (own, truth) table over all three.
    tables: dict[str, Any] = {}
    for key in CATEGORIES:
        ref = {u: label for u, (label, _) in _reference(p, key, "dawid-skene").items()}
        if key == "verdict":
            ref = truth
        offset = sum(len(CATEGORIES[k]) for k in list(CATEGORIES)[:list(CATEGORIES).index(key)])
        code = {c: offset + i for i, c in enumerate(CATEGORIES[key])}
        for (unit, who), label in _labels(p, key).items():
            width = sum(len(c) for c in CATEGORIES.values())
            t = tables.setdefault(who, np.zeros((width, width)))
            t[code[label], code[ref[unit]]] += 1
    cards = {c.username: c for c in q.scorecards}
    for who, table in tables.items():
        assert cards[who].kappa == pytest.approx(float(cohens_kappa(table, return_results=False)), abs=1e-9)
    flagged = {d.item_id: d.adjudicated for d in q.disputed}
    for item in decided:
        assert flagged.get(b.items[item], True) is True
    assert any(flagged.get(b.items[i]) for i in decided)
    assert not any(v for i, v in flagged.items() if i not in {b.items[x] for x in decided})
