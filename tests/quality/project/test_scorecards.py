"""Annotator scorecards on a stored project with one planted problem per person: every figure
recomputed from the planted labels (by hand, statsmodels, or the tested `assay.quality` functions),
each planted flag raised with its reason, the clean people unflagged, and vendor scoping."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from assay.quality import Ratings, aggregate_labels
from assay.quality.project import QualityOptions, project_quality
from tests.quality.project.conftest import (
    CLEAN,
    GOLD_ITEMS,
    PLANTED,
    VENDOR_PEOPLE,
    VERDICTS,
    ScorecardProject,
)
from tests.quality.project.helpers import leave_one_out

PEOPLE = (*CLEAN, *PLANTED)
DETAIL = {
    "too-fast": "60% of judgements under 20% of the project's median time",
    "straight-lining": "100% of 40 answers to verdict are good",
    "copy-paste": "40 of 40 free-text answers are copies",
    "low-gold-accuracy": "gold accuracy 0% on 8 answers",
    "drift": "agreement 90% then 0%",
    "high-rejection": "67% of 6 reviews rejected",
}


@pytest.fixture(scope="module")
def cards(scorecard_project: ScorecardProject) -> dict[str, dict[str, Any]]:
    result = project_quality(scorecard_project.built.db, "qs", QualityOptions(n_boot=0), parts=("scorecards",))
    return {c["username"]: c for c in result.scorecards_dict()["scorecards"]}


def _mine(p: ScorecardProject, who: str) -> dict[str, Any]:
    return {item: v for (item, a), v in p.verdict.items() if a == who}


def test_every_planted_flag_and_no_other(cards: dict[str, dict[str, Any]]) -> None:
    assert set(cards) == set(PEOPLE)
    for who, code in PLANTED.items():
        flags = {f["code"]: f["detail"] for f in cards[who]["flags"]}
        assert code in flags, (who, flags)
        assert flags[code].startswith(DETAIL[code]), flags[code]
    for who in CLEAN:
        assert cards[who]["flags"] == [], who
    # Problems the planted ones bring along: a straight-liner disagrees with everyone and misses
    # gold; someone who drifts to wrong answers agrees less overall. Nothing else.
    assert {f["code"] for f in cards["gus"]["flags"]} == {"straight-lining", "low-gold-accuracy", "low-agreement"}
    assert {f["code"] for f in cards["kim"]["flags"]} == {"drift", "low-agreement"}
    for who in ("fay", "hal", "ivy", "jon", "leo"):
        assert [f["code"] for f in cards[who]["flags"]] == [PLANTED[who]], who


def test_ranked_most_flagged_first(cards: dict[str, dict[str, Any]]) -> None:
    ranked = sorted(cards.values(), key=lambda c: c["rank"])
    assert [c["rank"] for c in ranked] == list(range(1, len(PEOPLE) + 1))
    n_flags = [len(c["flags"]) for c in ranked]
    assert n_flags == sorted(n_flags, reverse=True)
    assert {c["username"] for c in ranked[-len(CLEAN):]} == set(CLEAN)


def test_counts_speed_and_rejections(scorecard_project: ScorecardProject, cards: dict[str, dict[str, Any]]) -> None:
    p = scorecard_project
    project_median = float(np.median(list(p.seconds.values())))
    for who in PEOPLE:
        c = cards[who]
        mine = [s for (_, a), s in p.seconds.items() if a == who]
        assert c["judgements"] == c["answers"] == len(mine) == (36 if who == "leo" else 40)
        assert c["median_seconds"] == pytest.approx(float(np.median(mine)))
        assert c["too_fast_share"] == pytest.approx(sum(s < 0.2 * project_median for s in mine) / len(mine))
        reviews, rejected = (6, 4) if who == "leo" else (0, 0)
        assert c["reviews"] == reviews
        assert c["rejection_rate"] == (pytest.approx(rejected / reviews) if reviews else None)
    assert cards["fay"]["too_fast_share"] == pytest.approx(0.6)


def test_gold_accuracy_with_wilson_interval(scorecard_project: ScorecardProject,
                                            cards: dict[str, dict[str, Any]]) -> None:
    p = scorecard_project
    for who in PEOPLE:
        mine = _mine(p, who)
        answered = [i for i in GOLD_ITEMS if i in mine]
        right = sum(mine[i] == p.truth[i] for i in answered)
        low, high = proportion_confint(right, len(answered), method="wilson")
        g = cards[who]["gold"]
        assert g["n"] == len(answered) and g["value"] == pytest.approx(right / len(answered))
        assert (g["ci_low"], g["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    assert cards["jon"]["gold"]["value"] == 0.0


def test_agreement_with_the_others_and_drift(scorecard_project: ScorecardProject,
                                             cards: dict[str, dict[str, Any]]) -> None:
    p = scorecard_project
    loo = leave_one_out(p.verdict)
    for who in PEOPLE:
        mine = sorted(i for i, a in loo if a == who)  # item ids sort in submission order
        values = np.array([loo[(i, who)] for i in mine])
        c = cards[who]
        assert c["agreement"] == pytest.approx(values.mean()) and c["agreement_n"] == len(mine)
        half = len(mine) / 2
        first, second = values[: int(np.ceil(half))], values[int(np.ceil(half)):]
        d = c["drift"]
        assert (d["n_first"], d["n_second"]) == (len(first), len(second))
        assert d["first"] == pytest.approx(first.mean()) and d["second"] == pytest.approx(second.mean())
        assert d["change"] == pytest.approx(second.mean() - first.mean())
        if first.sum() + second.sum() not in (0, len(values)):
            _, pvalue = proportions_ztest([first.sum(), second.sum()], [len(first), len(second)])
            assert d["p_value"] == pytest.approx(pvalue, rel=1e-9)
    assert cards["kim"]["drift"]["change"] < -0.8


def test_kappa_skill_and_confusion_against_the_consensus(scorecard_project: ScorecardProject,
                                                         cards: dict[str, dict[str, Any]]) -> None:
    """κ against the consensus that `assay.quality.aggregate_labels` (Dawid–Skene, gold clamped)
    gives on the same labels; each person's skill and confusion matrix are that fit's."""
    p = scorecard_project
    b = p.built
    keys = sorted(p.verdict)
    ratings = Ratings([b.items[i] for i, _ in keys], [b.users[a] for _, a in keys], [p.verdict[k] for k in keys],
                      categories=list(VERDICTS))
    fit = aggregate_labels(ratings, "dawid-skene", gold={b.items[i]: p.truth[i] for i in GOLD_ITEMS})
    consensus = dict(zip([int(i) for i in fit.items], fit.categories[fit.label].tolist(), strict=True))
    code = {v: k for k, v in enumerate(VERDICTS)}
    for who in PEOPLE:
        table = np.zeros((3, 3))
        for item, v in _mine(p, who).items():
            table[code[v], code[consensus[b.items[item]]]] += 1
        c = cards[who]
        if who == "gus":  # one answer only: κ is 0 by definition (p_o = p_e)
            assert c["kappa"] == pytest.approx(0.0, abs=1e-12)
        else:
            assert c["kappa"] == pytest.approx(float(cohens_kappa(table, return_results=False)), abs=1e-9)
        j = list(fit.annotators).index(b.users[who])
        assert c["skill"]["verdict"] == pytest.approx(float(fit.skill[j]))
        m = c["confusion"]["verdict"]
        assert m["categories"] == list(VERDICTS) and fit.confusion is not None
        assert np.allclose(m["matrix"], np.round(fit.confusion[j], 4))


def test_straight_lining_and_copies(scorecard_project: ScorecardProject, cards: dict[str, dict[str, Any]]) -> None:
    for who in PEOPLE:
        counts = Counter(_mine(scorecard_project, who).values())
        answer, n = counts.most_common(1)[0]
        s = cards[who]["straightlining"]
        assert s["question"] == "verdict" and s["n"] == sum(counts.values())
        assert s["share"] == pytest.approx(n / sum(counts.values()))
        if n > sorted(counts.values())[-2:][0] or len(counts) == 1:  # a unique modal answer
            assert s["answer"] == answer
        copied = 40 if who in ("hal", "ivy") else 0
        assert cards[who]["copies"] == {"n": cards[who]["judgements"], "copies": copied,
                                        "share": copied / cards[who]["judgements"]}


def test_one_person_pasting_one_rationale_on_one_item_is_no_copy(scorecard_project: ScorecardProject,
                                                                 cards: dict[str, dict[str, Any]]) -> None:
    """Only copies across items or people count: every clean person wrote new text each time."""
    assert all(cards[who]["copies"]["copies"] == 0 for who in CLEAN)


def test_thresholds_move_the_flags(scorecard_project: ScorecardProject) -> None:
    """Looser thresholds flag the clean people too: the flags follow the options, not the names."""
    strict = QualityOptions(n_boot=0, gold_accuracy_min=1.01, gold_min_n=1)
    result = project_quality(scorecard_project.built.db, "qs", strict, parts=("scorecards",))
    flagged = {c["username"] for c in result.scorecards_dict()["scorecards"]
               if any(f["code"] == "low-gold-accuracy" for f in c["flags"])}
    assert flagged == set(PEOPLE)


def test_a_vendor_lead_sees_only_their_people(scorecard_project: ScorecardProject,
                                              cards: dict[str, dict[str, Any]]) -> None:
    b = scorecard_project.built
    scoped = project_quality(b.db, "qs", QualityOptions(n_boot=0), org_id=b.orgs["Vendor Co"])
    mine = {c["username"]: c for c in scoped.scorecards_dict()["scorecards"]}
    assert set(mine) == set(VENDOR_PEOPLE)
    for who, c in mine.items():
        # Figures are over the whole project; only the people listed are limited.
        assert {k: v for k, v in c.items() if k != "rank"} == {k: v for k, v in cards[who].items() if k != "rank"}
    (verdict,) = scoped.to_dict()["questions"]
    assert {(p["annotator_a"], p["annotator_b"]) for p in verdict["pairs"]} == set(
        itertools.combinations(sorted(VENDOR_PEOPLE), 2))
    everyone = project_quality(b.db, "qs", QualityOptions(n_boot=0), parts=("agreement",)).to_dict()
    assert verdict["overall"] == everyone["questions"][0]["overall"]
    assert len(everyone["questions"][0]["pairs"]) == len(PEOPLE) * (len(PEOPLE) - 1) // 2
