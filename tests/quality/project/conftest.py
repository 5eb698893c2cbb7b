"""Stored projects the quality tests share: planted labels with every kind of question, on SQLite
and, when ASSAY_TEST_POSTGRES_URL is set, PostgreSQL. The agreement, scorecard and calibration
projects are built once per session and backend and must only be read; the consensus project is
fresh per test (on the `db` fixture) because its tests write the consensus table."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assay.store import Database, Item, Judgement
from assay.work.review import review
from tests.quality.project.helpers import BACKENDS, Built, Labels, Person, build_project, scratch_database

AGREEMENT_SPEC = """
slug: qa
name: Agreement test
layout: {fields: [prompt], responses: 2}
distribution: {overlap: 4}
questions:
  - {key: score, kind: rating, title: Score, per_response: true, scale: {min: 1, max: 5}}
  - {key: verdict, kind: choice, title: Verdict, options: [good, bad, unsure]}
  - {key: pref, kind: compare, title: Which is better}
  - {key: why, kind: text, title: Why, required: false}
  - {key: order, kind: rank, title: Rank them, required: false}
"""
ANNOTATORS = ("ann", "bob", "cat", "dan")
VERDICTS = ("good", "bad", "unsure")
N_ITEMS = 24


@dataclass
class AgreementProject:
    built: Built
    score: Labels
    """(item external id, response letter) -> annotator -> score."""
    verdict: Labels
    pref: Labels
    domain: dict[str, str]
    """item external id -> domain."""


def agreement_data(seed: int = 11) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Labels],
                                             dict[str, str]]:
    """24 items in two domains, each judged by two to four of four people (one item by one person
    only), with seeded noise around a hidden truth; a few answers are left out."""
    rng = random.Random(seed)
    items, rows = [], []
    labels: dict[str, Labels] = {"score": {}, "verdict": {}, "pref": {}}
    domain = {}
    for i in range(N_ITEMS):
        ext = f"i{i:02d}"
        domain[ext] = "STEM" if i % 3 else "Humanities"
        items.append({"id": ext, "prompt": f"What is {i} + {i}?", "domain": domain[ext],
                      "responses": [{"model": "m1", "content": f"{2 * i}"}, {"model": "m2", "content": f"{2 * i + 1}"}]})
        raters = ["ann"] if i == N_ITEMS - 1 else rng.sample(ANNOTATORS, rng.choice((2, 3, 3, 4)))
        truth = {"A": rng.randint(1, 5), "B": rng.randint(1, 5)}
        verdict, pref = rng.choice(VERDICTS), rng.choice(("A", "B"))
        for who in sorted(raters):
            row: dict[str, Any] = {"item": ext, "annotator": who}
            for letter in ("A", "B"):
                if rng.random() < 0.1:
                    continue  # this score left out: a missing pair
                score = max(1, min(5, truth[letter] + rng.choice((-1, 0, 0, 0, 1))))
                rows.append({**row, "question": "score", "response": letter, "value": score})
                labels["score"][((ext, letter), who)] = score
            v = verdict if rng.random() < 0.7 else rng.choice(VERDICTS)
            rows.append({**row, "question": "verdict", "value": v})
            labels["verdict"][(ext, who)] = v
            if rng.random() < 0.9:
                p = pref if rng.random() < 0.7 else rng.choice(("A", "B", "tie"))
                rows.append({**row, "question": "pref", "value": {"winner": p}})
                labels["pref"][(ext, who)] = p
            rows.append({**row, "question": "why", "value": f"{who} thinks item {i} is {v}"})
            rows.append({**row, "question": "order", "value": ["A", "B"] if rng.random() < 0.5 else ["B", "A"]})
    return items, rows, labels, domain


@pytest.fixture(scope="session", params=BACKENDS)
def agreement_project(request: pytest.FixtureRequest,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgreementProject]:
    """Built once per test session and backend: the tests using it only read."""
    items, rows, labels, domain = agreement_data()
    people = [Person("lead", role="manager"), Person("rev", role="reviewer")]
    directory = tmp_path_factory.mktemp("qa")
    with scratch_database(request.param, directory) as db:
        built = build_project(db, directory, AGREEMENT_SPEC, items, rows, people=people)
        yield AgreementProject(built, labels["score"], labels["verdict"], labels["pref"], domain)


# -- scorecards: a clean crowd and one planted problem per person --------------------------------

SCORECARD_SPEC = """
slug: qs
name: Scorecards test
layout: {fields: [prompt], responses: 1}
distribution: {overlap: 12}
questions:
  - {key: verdict, kind: choice, title: Verdict, options: [good, bad, unsure]}
  - {key: why, kind: text, title: Why, required: false}
"""
CLEAN = ("amy", "ben", "cai", "deb")
PLANTED = {
    "fay": "too-fast",
    "gus": "straight-lining",
    "hal": "copy-paste",
    "ivy": "copy-paste",
    "jon": "low-gold-accuracy",
    "kim": "drift",
    "leo": "high-rejection",
}
VENDOR_PEOPLE = ("fay", "gus")
N_SCORED = 40
GOLD_ITEMS = tuple(f"s{i:02d}" for i in range(0, N_SCORED, 5))
PASTED = "Looks fine to me, the reasoning checks out and the answer matches the reference."
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma", "omega", "orbit",
         "vector", "matrix", "proof", "lemma", "prime", "graph", "field", "ring", "group", "limit", "series", "angle",
         "chord", "radius", "tensor", "spline", "kernel", "basis"]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class ScorecardProject:
    built: Built
    verdict: Labels
    """(item, annotator) -> verdict, every submitted one (after the rejections)."""
    seconds: dict[tuple[str, str], float]
    truth: dict[str, str]
    rejected: dict[str, int]
    """annotator -> (reviews, rejections) planted."""


def scorecard_data(seed: int = 5) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    rng = random.Random(seed)
    truth = {f"s{i:02d}": VERDICTS[i % 3] for i in range(N_SCORED)}
    items = [{"id": ext, "prompt": f"Check claim {ext}.", "response": f"Claim {ext} holds.",
              **({"gold": {"verdict": v}} if ext in GOLD_ITEMS else {})} for ext, v in truth.items()]
    rows = []
    for who in (*CLEAN, *PLANTED):
        for n, (ext, right) in enumerate(truth.items()):
            wrong = [v for v in VERDICTS if v != right]
            if who == "gus":
                v = "good"
            elif who == "jon" and ext in GOLD_ITEMS:
                v = wrong[0]
            elif who == "kim" and n >= N_SCORED // 2:
                v = rng.choice(wrong)
            else:
                v = right if rng.random() < 0.9 else rng.choice(wrong)
            fast = who == "fay" and n % 5 < 3
            seconds = rng.randint(3, 8) if fast else rng.randint(90, 240)
            text = PASTED if who in ("hal", "ivy") else " ".join(rng.sample(WORDS, 8))
            when = (START + timedelta(minutes=10 * n)).isoformat()
            for question, value in (("verdict", v), ("why", text)):
                rows.append({"item": ext, "annotator": who, "question": question, "value": value,
                             "time_spent_ms": seconds * 1000, "submitted_at": when})
    return items, rows, truth


@pytest.fixture(scope="session", params=BACKENDS)
def scorecard_project(request: pytest.FixtureRequest,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScorecardProject]:
    """12 people judge 40 items (8 gold). Four are clean; each other one has one planted problem.
    Fay and Gus work for a vendor, whose lead is Vera. Leo's work is rejected 4 times in 6 reviews
    (rejected judgements go back to him as drafts, so they leave the figures)."""
    items, rows, truth = scorecard_data()
    people = [Person("lead", role="manager"), Person("rev", role="reviewer"), Person("boss", role="admin", member=False),
              Person("stranger", role="reviewer", member=False),
              Person("vera", role="manager", org="Vendor Co", vendor=True),
              Person("vrev", role="reviewer", org="Vendor Co", vendor=True),
              *[Person(p, org="Vendor Co", vendor=True) for p in VENDOR_PEOPLE],
              *[Person(p) for p in (*CLEAN, *PLANTED) if p not in VENDOR_PEOPLE]]
    directory = tmp_path_factory.mktemp("qs")
    with scratch_database(request.param, directory) as db:
        built = build_project(db, directory, SCORECARD_SPEC, items, rows, people=people)
        with db.session() as s:
            leo = dict(s.execute(select(Item.external_id, Judgement.id).join(Item, Item.id == Judgement.item_id)
                                 .where(Judgement.user_id == built.users["leo"])).all())
        rejected = [f"s{i:02d}" for i in (1, 2, 3, 4)]
        for ext in (*rejected, "s06", "s07"):
            verdict = "reject" if ext in rejected else "accept"
            review(db, leo[ext], built.users["rev"], verdict, comment="see the guidelines" if ext in rejected else None)
        verdicts = {(r["item"], r["annotator"]): r["value"] for r in rows if r["question"] == "verdict"
                    and not (r["annotator"] == "leo" and r["item"] in rejected)}
        seconds = {(r["item"], r["annotator"]): r["time_spent_ms"] / 1000 for r in rows if r["question"] == "verdict"
                   and not (r["annotator"] == "leo" and r["item"] in rejected)}
        yield ScorecardProject(built, verdicts, seconds, truth, {"leo": 4})


# -- consensus: a crowd of five with known truth, gold items and one adjudicated item ------------

CONSENSUS_SPEC = """
slug: qc
name: Consensus test
layout: {fields: [prompt], responses: 2}
distribution: {overlap: 5}
questions:
  - {key: verdict, kind: choice, title: Verdict, options: [good, bad, unsure]}
  - {key: score, kind: rating, title: Score, per_response: true, scale: {min: 1, max: 5}}
  - {key: pref, kind: compare, title: Which is better, allow_tie: false}
"""
CROWD = ("p1", "p2", "p3", "p4", "p5")
N_CONSENSUS = 30


@dataclass
class ConsensusProject:
    built: Built
    verdict: Labels
    score: Labels
    pref: Labels
    gold: dict[str, Any]
    """question -> {unit: gold label}; units as in the labels."""


def consensus_data(seed: int = 3) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Labels],
                                           dict[str, dict[Any, Any]]]:
    """30 items judged by three to five of five people who are right 85% of the time (p5: 60%).
    Item c00 is gold for the verdict, which most people get wrong; c01 has a gold score for its
    response A, which everyone overrates."""
    rng = random.Random(seed)
    items: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    labels: dict[str, Labels] = {"verdict": {}, "score": {}, "pref": {}}
    gold: dict[str, dict[Any, Any]] = {"verdict": {"c00": "bad"}, "score": {("c01", "A"): 1}, "pref": {}}
    for i in range(N_CONSENSUS):
        ext = f"c{i:02d}"
        item: dict[str, Any] = {"id": ext, "prompt": f"Prompt {i}", "responses": [{"content": f"a{i}"},
                                                                                 {"content": f"b{i}"}]}
        if i == 0:
            item["gold"] = {"verdict": "bad"}
        if i == 1:
            item["gold"] = {"score": {"A": 1}}
        items.append(item)
        verdict, pref = VERDICTS[i % 3], ("A", "B")[i % 2]
        scores = {"A": 1 + i % 5, "B": 5 - i % 5}
        raters = CROWD if i < 2 else sorted(rng.sample(CROWD, rng.choice((3, 4, 5))))
        for who in raters:
            right = 0.6 if who == "p5" else 0.85
            if i == 0:
                v = "bad" if who == "p1" else "good"
            else:
                v = verdict if rng.random() < right else rng.choice([x for x in VERDICTS if x != verdict])
            labels["verdict"][(ext, who)] = v
            rows.append({"item": ext, "annotator": who, "question": "verdict", "value": v})
            w = pref if rng.random() < right else ("B" if pref == "A" else "A")
            labels["pref"][(ext, who)] = w
            rows.append({"item": ext, "annotator": who, "question": "pref", "value": {"winner": w}})
            for letter in ("A", "B"):
                s = 5 if i == 1 and letter == "A" else max(1, min(5, scores[letter] + rng.choice((-1, 0, 0, 0, 1))))
                labels["score"][((ext, letter), who)] = s
                rows.append({"item": ext, "annotator": who, "question": "score", "response": letter, "value": s})
    return items, rows, labels, gold


@pytest.fixture
def consensus_project(db: Database, tmp_path: Path) -> ConsensusProject:
    """Fresh per test: the consensus tests write to the consensus table."""
    items, rows, labels, gold = consensus_data()
    people = [Person("lead", role="manager"), Person("rev", role="reviewer"), Person("boss", role="admin", member=False),
              Person("vera", role="manager", org="Vendor Co", vendor=True)]
    built = build_project(db, tmp_path, CONSENSUS_SPEC, items, rows, people=people)
    return ConsensusProject(built, labels["verdict"], labels["score"], labels["pref"], gold)


# -- calibration: two rounds every member answers, the second one agreeing more ------------------

CALIBRATION_SPEC = """
slug: qcal
name: Calibration test
layout: {fields: [prompt], responses: 1}
distribution: {overlap: 2}
questions:
  - {key: verdict, kind: choice, title: Verdict, options: [good, bad, unsure]}
  - {key: score, kind: rating, title: Score, scale: {min: 1, max: 5}}
"""
ROUND_PEOPLE = ("ana", "bo", "cy", "di")
# item -> (verdicts, scores) in ROUND_PEOPLE order (+ "ed", who joined for round 2).
ROUNDS: dict[int, dict[str, tuple[str, str]]] = {
    1: {"r1-0": ("g b g u", "4 2 4 3"), "r1-1": ("b b g u", "1 2 1 5"), "r1-2": ("g g g g", "5 5 5 5"),
        "r1-3": ("u g b g", "3 3 2 1")},
    2: {"r2-0": ("b b b g b", "2 2 2 3 2"), "r2-1": ("g g g g g", "5 5 5 5 4"), "r2-2": ("u u u u g", "3 3 3 3 3"),
        "r2-3": ("b b b b b", "1 1 1 2 1")},
}
CALIBRATION_GOLD = {"r1-0": {"verdict": "good", "score": 4}, "r2-0": {"verdict": "bad", "score": 2}}
SHORT = {"g": "good", "b": "bad", "u": "unsure"}


@dataclass
class CalibrationProject:
    built: Built
    labels: dict[int, dict[str, Labels]]
    """round -> question -> (item, person) -> label."""


def calibration_data() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, dict[str, Labels]]]:
    items: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    labels: dict[int, dict[str, Labels]] = {}
    for round_, planted in ROUNDS.items():
        labels[round_] = {"verdict": {}, "score": {}}
        for ext, (verdicts, scores) in planted.items():
            items.append({"id": ext, "prompt": f"Calibration {ext}", "response": "An answer.",
                          **({"gold": CALIBRATION_GOLD[ext]} if ext in CALIBRATION_GOLD else {})})
            for who, v, s in zip((*ROUND_PEOPLE, "ed"), verdicts.split(), scores.split(), strict=False):
                labels[round_]["verdict"][(ext, who)] = SHORT[v]
                labels[round_]["score"][(ext, who)] = int(s)
                rows += [{"item": ext, "annotator": who, "question": "verdict", "value": SHORT[v]},
                         {"item": ext, "annotator": who, "question": "score", "value": int(s)}]
    # Ordinary work around the rounds: never part of a round's figures.
    for i in range(4):
        items.append({"id": f"n{i}", "prompt": f"Ordinary {i}", "response": "Text."})
        for who, v in (("ana", "good"), ("bo", "bad")):
            rows += [{"item": f"n{i}", "annotator": who, "question": "verdict", "value": v},
                     {"item": f"n{i}", "annotator": who, "question": "score", "value": 3}]
    return items, rows, labels


@pytest.fixture(scope="session", params=BACKENDS)
def calibration_project(request: pytest.FixtureRequest,
                        tmp_path_factory: pytest.TempPathFactory) -> Iterator[CalibrationProject]:
    items, rows, labels = calibration_data()
    rounds = {ext: r for r, planted in ROUNDS.items() for ext in planted}
    people = [Person("lead", role="manager"), Person("rev", role="reviewer"),
              Person("vera", role="manager", org="Vendor Co", vendor=True),
              Person("di", org="Vendor Co", vendor=True)]
    directory = tmp_path_factory.mktemp("qcal")
    with scratch_database(request.param, directory) as db:
        built = build_project(db, directory, CALIBRATION_SPEC, items, rows, people=people, calibration=rounds)
        yield CalibrationProject(built, labels)
