"""Agreement per question, per domain and per annotator pair on stored judgements, against
Krippendorff's α from the `krippendorff` package, percent agreement and per-pair Cohen's κ from
statsmodels computed on the same planted (unit, annotator, label) data."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from assay.quality import Ratings, agreement
from assay.quality.project import QualityOptions, project_quality
from tests.quality.project.conftest import ANNOTATORS, VERDICTS, AgreementProject
from tests.quality.project.helpers import Labels, alpha, by_unit, entropy, pairable, percent, restrict

SCALE = [1, 2, 3, 4, 5]
# question -> (level, categories, κ weights as statsmodels names them)
QUESTIONS: dict[str, tuple[str, list[Any], str | None]] = {
    "score": ("ordinal", SCALE, "quadratic"),
    "verdict": ("nominal", list(VERDICTS), None),
    "pref": ("nominal", ["A", "B", "tie"], None),
}


def _labels(p: AgreementProject, key: str) -> Labels:
    return {"score": p.score, "verdict": p.verdict, "pref": p.pref}[key]


def _item_of(unit: Any) -> str:
    return unit[0] if isinstance(unit, tuple) else unit


@pytest.fixture(scope="module")
def report(agreement_project: AgreementProject) -> dict[str, Any]:
    result = project_quality(agreement_project.built.db, "qa", QualityOptions(n_boot=200, seed=3),
                             parts=("agreement",))
    return {q["question"]: q for q in result.to_dict()["questions"]} | {"_all": result.to_dict()}


@pytest.mark.parametrize("key", list(QUESTIONS))
def test_question_agreement_matches_the_reference(agreement_project: AgreementProject, report: dict[str, Any],
                                                  key: str) -> None:
    level, cats, _ = QUESTIONS[key]
    labels = _labels(agreement_project, key)
    q = report[key]
    assert q["level"] == level and q["per_response"] == (key == "score")
    overall = q["overall"]
    assert overall["alpha"]["value"] == pytest.approx(alpha(labels, level, cats), abs=1e-9)
    assert overall["percent"]["value"] == pytest.approx(percent(labels), abs=1e-12)
    # Units with two or more labels; a per-response question's unit is the response.
    assert overall["n_units"] == pairable(labels)
    assert overall["n_labels"] == len(labels)
    assert overall["n_annotators"] == len({a for _, a in labels}) == len(ANNOTATORS)
    low, value, high = overall["alpha"]["ci_low"], overall["alpha"]["value"], overall["alpha"]["ci_high"]
    assert low is not None and low < value < high


def test_per_response_units_are_responses(agreement_project: AgreementProject, report: dict[str, Any]) -> None:
    """Scoring both responses of an item is two units; pooling them per item would be another α."""
    responses = pairable(agreement_project.score)
    items = len({u[0] for u, votes in by_unit(agreement_project.score).items() if len(votes) >= 2})
    assert report["score"]["overall"]["n_units"] == responses > items


@pytest.mark.parametrize("key", list(QUESTIONS))
def test_agreement_per_domain(agreement_project: AgreementProject, report: dict[str, Any], key: str) -> None:
    level, cats, _ = QUESTIONS[key]
    labels = _labels(agreement_project, key)
    by_domain = {d["scope"]: d for d in report[key]["by_domain"]}
    assert set(by_domain) == {"STEM", "Humanities"}
    for name, d in by_domain.items():
        units = {u for u, _ in labels if agreement_project.domain[_item_of(u)] == name}
        part = restrict(labels, units)
        assert d["alpha"]["value"] == pytest.approx(alpha(part, level, cats), abs=1e-9)
        assert d["percent"]["value"] == pytest.approx(percent(part), abs=1e-12)
        assert d["n_units"] == pairable(part) and d["n_labels"] == len(part)
        assert d["alpha"]["ci_low"] is not None


@pytest.mark.parametrize("key", list(QUESTIONS))
def test_every_annotator_pair_with_kappa(agreement_project: AgreementProject, report: dict[str, Any],
                                         key: str) -> None:
    _, cats, weights = QUESTIONS[key]
    labels = _labels(agreement_project, key)
    votes = by_unit(labels)
    pairs = {(p["annotator_a"], p["annotator_b"]): p for p in report[key]["pairs"]}
    shared = {pair: [u for u, v in votes.items() if pair[0] in v and pair[1] in v]
              for pair in itertools.combinations(sorted(ANNOTATORS), 2)}
    expected = {pair for pair, units in shared.items() if units}
    assert set(pairs) == expected == set(itertools.combinations(sorted(ANNOTATORS), 2))
    code = {c: i for i, c in enumerate(cats)}
    for (a, b), p in pairs.items():
        units = shared[(a, b)]
        table = np.zeros((len(cats), len(cats)))
        for u in units:
            table[code[votes[u][a]], code[votes[u][b]]] += 1
        assert p["n"] == len(units)
        assert p["percent"]["value"] == pytest.approx(np.trace(table) / len(units), abs=1e-12)
        ref = cohens_kappa(table, wt=weights, return_results=False) if weights else cohens_kappa(
            table, return_results=False)
        assert p["kappa"]["value"] == pytest.approx(float(ref), abs=1e-9)
        k = p["kappa"]
        assert k["ci_low"] is not None and k["ci_low"] <= k["value"] <= k["ci_high"]
    assert report[key]["pair_intervals"] == "bootstrap"
    assert report[key]["kappa_weights"] == ("quadratic" if weights else "identity")


def test_interval_is_the_tested_bootstrap(agreement_project: AgreementProject, report: dict[str, Any]) -> None:
    """The question's interval is what `assay.quality.agreement` gives on the same ratings and seed."""
    b = agreement_project.built
    units = [b.responses[u] for u, _ in agreement_project.score]
    ratings = Ratings(units, [a for _, a in agreement_project.score], list(agreement_project.score.values()),
                      categories=SCALE)
    ref = agreement(ratings, "krippendorff", level="ordinal", n_boot=200, seed=3)
    got = report["score"]["overall"]["alpha"]
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((ref.ci_low, ref.ci_high), abs=1e-12)


def test_seeded_and_optional_intervals(agreement_project: AgreementProject, report: dict[str, Any]) -> None:
    db = agreement_project.built.db
    again = project_quality(db, "qa", QualityOptions(n_boot=200, seed=3), parts=("agreement",)).to_dict()
    assert again["questions"] == report["_all"]["questions"]
    other = project_quality(db, "qa", QualityOptions(n_boot=200, seed=4), parts=("agreement",)).to_dict()
    assert other["questions"][0]["overall"]["alpha"] != report["score"]["overall"]["alpha"]
    none = project_quality(db, "qa", QualityOptions(n_boot=0), parts=("agreement",)).to_dict()
    q = none["questions"][0]
    assert q["overall"]["alpha"]["value"] == report["score"]["overall"]["alpha"]["value"]
    assert q["overall"]["alpha"]["ci_low"] is None and q["pair_intervals"] is None
    assert all(p["kappa"]["ci_low"] is None for p in q["pairs"])


def test_rating_dispersion(agreement_project: AgreementProject, report: dict[str, Any]) -> None:
    several = [np.array(list(v.values()), dtype=float) for v in by_unit(agreement_project.score).values()
               if len(v) >= 2]
    d = report["score"]["dispersion"]
    assert d["mean_sd"] == pytest.approx(np.mean([x.std(ddof=1) for x in several]), abs=1e-12)
    assert d["mean_iqr"] == pytest.approx(np.mean([np.subtract(*np.quantile(x, [0.75, 0.25])) for x in several]))
    assert report["verdict"]["dispersion"] is None


def test_what_is_not_measured_and_totals(agreement_project: AgreementProject, report: dict[str, Any]) -> None:
    out = report["_all"]
    assert [q["question"] for q in out["questions"]] == ["score", "verdict", "pref"]
    assert {m["question"]: m["kind"] for m in out["not_measured"]} == {"why": "text", "order": "rank"}
    judged = {(_item_of(u), a) for labels in (agreement_project.score, agreement_project.verdict)
              for u, a in labels}
    assert out["n_judgements"] == len(judged) and out["n_annotators"] == len(ANNOTATORS)


def test_most_disputed_items(agreement_project: AgreementProject, report: dict[str, Any]) -> None:
    """An item's disagreement is the mean normalised entropy of its units' labels (both responses'
    scores, the verdict, the preference) over units with two or more labels."""
    b = agreement_project.built
    per_item: dict[str, list[tuple[float, str]]] = {}
    for key, (_, cats, _) in QUESTIONS.items():
        for unit, votes in by_unit(_labels(agreement_project, key)).items():
            if len(votes) >= 2:
                per_item.setdefault(_item_of(unit), []).append((entropy(list(votes.values()), len(cats)), key))
    means = {i: float(np.mean([e for e, _ in units])) for i, units in per_item.items()}
    ranked = sorted((i for i in means if means[i] > 0), key=lambda i: (-means[i], b.items[i]))[:20]
    found = report["_all"]["disputed_items"]
    assert [d["item_id"] for d in found] == [b.items[i] for i in ranked]
    order = list(QUESTIONS)
    for d, i in zip(found, ranked, strict=True):
        assert d["entropy"] == pytest.approx(means[i], abs=1e-6) and d["n_units"] == len(per_item[i])
        worst = max(e for e, _ in per_item[i])
        assert d["question"] == min((k for e, k in per_item[i] if e == worst), key=order.index)
        assert d["url"] == f"/p/qa/items/{b.items[i]}/adjudicate" and d["adjudicated"] is False
