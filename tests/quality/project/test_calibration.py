"""Calibration rounds on planted answers: each person's agreement with gold and with the group,
the items people disagreed on most, and the change from the previous round, all worked out by hand
from the labels (leave-one-out majority, normalised entropy, Wilson intervals from statsmodels)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from assay.quality.project import QualityOptions, project_quality
from tests.quality.project.conftest import CALIBRATION_GOLD, ROUND_PEOPLE, CalibrationProject
from tests.quality.project.helpers import Labels, by_unit, entropy, leave_one_out

N_CATEGORIES = {"verdict": 3, "score": 5}


@pytest.fixture(scope="module")
def rounds(calibration_project: CalibrationProject) -> dict[int, dict[str, Any]]:
    result = project_quality(calibration_project.built.db, "qcal", QualityOptions(n_boot=0), parts=("calibration",))
    return {r["round"]: r for r in result.calibration_dict()["rounds"]}


def _expected_people(labels: dict[str, Labels]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, part in labels.items():
        loo = leave_one_out(part)
        for (item, who), v in part.items():
            p = out.setdefault(who, {"answers": 0, "group": [], "gold": []})
            p["answers"] += 1
            p["group"].append(loo[(item, who)])
            if item in CALIBRATION_GOLD:
                p["gold"].append(v == CALIBRATION_GOLD[item][key])
    return out


def test_rounds_and_their_people(calibration_project: CalibrationProject, rounds: dict[int, dict[str, Any]]) -> None:
    assert sorted(rounds) == [1, 2]
    for r, found in rounds.items():
        labels = calibration_project.labels[r]
        expected = _expected_people(labels)
        assert found["n_items"] == 4 and found["n_people"] == len(expected) == (4 if r == 1 else 5)
        people = {p["username"]: p for p in found["people"]}
        assert set(people) == set(expected)
        for who, e in expected.items():
            p = people[who]
            assert p["answers"] == e["answers"] == 8
            assert p["group"] == pytest.approx(np.mean(e["group"])) and p["group_n"] == len(e["group"])
            right, n = sum(e["gold"]), len(e["gold"])
            low, high = proportion_confint(right, n, method="wilson")
            assert p["gold"] == {"value": pytest.approx(right / n), "ci_low": pytest.approx(low),
                                 "ci_high": pytest.approx(high), "n": n}
        # Least agreement with the group first: who to talk to.
        order = [p["username"] for p in found["people"]]
        assert order == sorted(order, key=lambda u: (np.mean(expected[u]["group"]), u))
        every = [x for e in expected.values() for x in e["group"]]
        gold = [x for e in expected.values() for x in e["gold"]]
        assert found["agreement"] == pytest.approx(np.mean(every))
        assert found["gold_accuracy"]["value"] == pytest.approx(np.mean(gold))


def test_change_from_the_previous_round(rounds: dict[int, dict[str, Any]]) -> None:
    first, second = rounds[1], rounds[2]
    assert first["change"] is None and all(p["change_group"] is None for p in first["people"])
    assert second["change"] == pytest.approx(second["agreement"] - first["agreement"])
    assert second["change"] > 0.3  # the planted second round agrees far more
    before = {p["username"]: p for p in first["people"]}
    for p in second["people"]:
        if p["username"] == "ed":  # not in round 1: nothing to compare with
            assert p["change_group"] is None and p["change_gold"] is None
            continue
        old = before[p["username"]]
        assert p["change_group"] == pytest.approx(p["group"] - old["group"])
        assert p["change_gold"] == pytest.approx(p["gold"]["value"] - old["gold"]["value"])


def test_most_disputed_items_of_each_round(calibration_project: CalibrationProject,
                                          rounds: dict[int, dict[str, Any]]) -> None:
    b = calibration_project.built
    for r, found in rounds.items():
        per_item: dict[str, dict[str, float]] = {}
        for key, part in calibration_project.labels[r].items():
            for item, votes in by_unit(part).items():
                per_item.setdefault(item, {})[key] = entropy(list(votes.values()), N_CATEGORIES[key])
        means = {item: float(np.mean(list(e.values()))) for item, e in per_item.items()}
        expected = sorted((i for i in means if means[i] > 0), key=lambda i: (-means[i], b.items[i]))
        assert [d["item_id"] for d in found["items"]] == [b.items[i] for i in expected]
        for d in found["items"]:
            item = next(i for i in expected if b.items[i] == d["item_id"])
            assert d["entropy"] == pytest.approx(means[item], abs=1e-6)
            worst = max(per_item[item].values())
            assert d["question"] == next(k for k in ("verdict", "score") if per_item[item][k] == worst)
            assert d["n_units"] == 2 and d["adjudicated"] is False
            assert d["url"] == f"/p/qcal/items/{d['item_id']}/adjudicate"
    # Round 1's unanimous item is no dispute; round 2's disputes are milder than round 1's worst.
    assert b.items["r1-2"] not in [d["item_id"] for d in rounds[1]["items"]]
    assert rounds[2]["items"][0]["entropy"] < rounds[1]["items"][0]["entropy"]


def test_one_round_still_compares_with_the_one_before(calibration_project: CalibrationProject,
                                                      rounds: dict[int, dict[str, Any]]) -> None:
    db = calibration_project.built.db
    only = project_quality(db, "qcal", QualityOptions(n_boot=0), parts=("calibration",), calibration_round=2)
    assert only.calibration_dict()["rounds"] == [rounds[2]]
    none = project_quality(db, "qcal", QualityOptions(n_boot=0), parts=("calibration",), calibration_round=7)
    assert none.calibration_dict() == {"project": "qcal", "rounds": []}


def test_vendor_lead_sees_their_people_only(calibration_project: CalibrationProject,
                                           rounds: dict[int, dict[str, Any]]) -> None:
    b = calibration_project.built
    scoped = project_quality(b.db, "qcal", QualityOptions(n_boot=0), parts=("calibration",),
                             org_id=b.orgs["Vendor Co"]).calibration_dict()["rounds"]
    for r in scoped:
        assert [p["username"] for p in r["people"]] == ["di"]
        full = rounds[r["round"]]
        assert r["people"][0] == next(p for p in full["people"] if p["username"] == "di")
        assert r["agreement"] == full["agreement"] and r["items"] == full["items"]


def test_round_people_are_the_members_who_answered(rounds: dict[int, dict[str, Any]]) -> None:
    assert {p["username"] for p in rounds[1]["people"]} == set(ROUND_PEOPLE)
