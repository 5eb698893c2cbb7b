"""The doors onto the project quality figures: `assay quality report|consensus|scorecards|calibration`
(whose --json is exactly what the REST API returns) and the API routes with their roles and
vendor scoping."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from assay.cli import app as cli
from assay.quality.project import QualityOptions, project_quality
from assay.store import Consensus
from assay.web import create_app
from tests.quality.project.conftest import (
    CLEAN,
    PLANTED,
    VENDOR_PEOPLE,
    CalibrationProject,
    ConsensusProject,
    ScorecardProject,
)
from tests.quality.project.helpers import Built

runner = CliRunner()


def run(b: Built, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--db", b.db.url, "quality", *args])
    return result.exit_code, result.stdout, result.stderr


def run_json(b: Built, *args: str) -> dict[str, Any]:
    code, out, err = run(b, *args, "--json")
    assert code == 0, err
    data: dict[str, Any] = orjson.loads(out)
    return data


def api(b: Built, who: str) -> TestClient:
    return TestClient(create_app(b.db), headers={"Authorization": f"Bearer {b.tokens[who]}"})


def get(b: Built, who: str, path: str, **params: Any) -> Any:
    r = api(b, who).get(f"/api/projects/{b.slug}/{path}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _canon(data: Any) -> Any:
    """JSON as both doors serialise it (orjson on the CLI, the API's encoder): floats compared exactly."""
    return orjson.loads(orjson.dumps(data))


# -- the CLI's JSON is the API's -----------------------------------------------------------------


def test_report_json_is_what_the_api_returns(scorecard_project: ScorecardProject) -> None:
    b = scorecard_project.built
    cli_json = run_json(b, "report", "qs", "--bootstrap", "60", "--seed", "2")
    assert cli_json == _canon(get(b, "lead", "quality", n_boot=60, seed=2))
    expected = project_quality(b.db, "qs", QualityOptions(n_boot=60, seed=2), parts=("agreement",)).to_dict()
    assert cli_json == _canon(expected)
    assert set(cli_json) == {"project", "name", "n_judgements", "n_annotators", "n_boot", "seed", "questions",
                             "not_measured", "disputed_items", "consensus"}
    assert (cli_json["n_boot"], cli_json["seed"]) == (60, 2)


def test_scorecards_json_is_what_the_api_returns(scorecard_project: ScorecardProject) -> None:
    b = scorecard_project.built
    for method in ("dawid-skene", "majority"):
        cli_json = run_json(b, "scorecards", "qs", "--method", method)
        assert cli_json == _canon(get(b, "rev", "scorecards", method=method))
    cards = {c["username"]: c for c in cli_json["scorecards"]}
    assert set(cards) == {*CLEAN, *PLANTED}
    assert "too-fast" in [f["code"] for f in cards["fay"]["flags"]]


def test_calibration_json_is_what_the_api_returns(calibration_project: CalibrationProject) -> None:
    b = calibration_project.built
    every = run_json(b, "calibration", "qcal")
    assert every == _canon(get(b, "lead", "calibration"))
    assert [r["round"] for r in every["rounds"]] == [1, 2]
    second = run_json(b, "calibration", "qcal", "--round", "2")
    assert second == _canon(get(b, "lead", "calibration", round=2)) == {"project": "qcal", "rounds": every["rounds"][1:]}


def test_consensus_json_is_what_the_api_returns(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    cli_json = run_json(b, "consensus", "qc", "--method", "mace", "--ratings", "median", "--threshold", "0.8")
    assert set(cli_json) == {"method", "rating_method", "threshold", "written", "adjudicated_kept", "low_confidence",
                             "questions"}
    assert (cli_json["method"], cli_json["rating_method"], cli_json["threshold"]) == ("mace", "median", 0.8)
    with b.db.session() as s:
        methods = dict(s.execute(select(Consensus.question, func.min(Consensus.method)).group_by(Consensus.question)).all())
        rows = s.scalar(select(func.count()).select_from(Consensus))
    assert methods == {"verdict": "mace", "pref": "mace", "score": "median"} and rows == cli_json["written"]
    r = api(b, "lead").post("/api/projects/qc/consensus",
                            json={"method": "mace", "rating_method": "median", "threshold": 0.8})
    assert r.status_code == 200 and _canon(r.json()) == cli_json  # running it again writes the same


# -- what people read on a terminal ----------------------------------------------------------------


def test_report_and_scorecards_on_a_terminal(scorecard_project: ScorecardProject) -> None:
    b = scorecard_project.built
    code, out, _ = run(b, "report", "qs", "--bootstrap", "0")
    assert code == 0 and "verdict" in out and "Most disputed items" in out
    assert "not measured: why (text)" in out and "consensus table: empty (run: assay quality consensus qs)" in out
    code, out, _ = run(b, "scorecards", "qs")
    assert code == 0
    lines = out.splitlines()
    for who, flag in PLANTED.items():
        assert any(line.startswith(f"{who}: {flag}: ") for line in lines), (who, flag)
    assert not any(line.startswith(f"{who}: ") for who in CLEAN for line in lines)


def test_calibration_and_consensus_on_a_terminal(calibration_project: CalibrationProject) -> None:
    b = calibration_project.built
    code, out, _ = run(b, "calibration", "qcal")
    assert code == 0 and "round 1: 4 items, 4 people" in out and "round 2: 4 items, 5 people" in out
    assert f"/p/qcal/items/{b.items['r1-3']}/adjudicate" in out
    code, out, _ = run(b, "calibration", "qcal", "--round", "9")
    assert code == 0 and "no calibration rounds numbered 9" in out


def test_cli_errors_are_clear(scorecard_project: ScorecardProject) -> None:
    b = scorecard_project.built
    code, _, err = run(b, "report", "nope")
    assert code == 1 and "no project 'nope'" in err and "qs" in err
    code, _, err = run(b, "scorecards", "qs", "--method", "vote")
    assert code == 2 and "vote" in err
    code, _, err = run(b, "consensus", "qs", "--threshold", "1.5")
    assert code == 2 and "--threshold" in err and "less than or equal to 1" in err
    code, _, err = run(b, "report", "qs", "--bootstrap", "-1")
    assert code == 2


# -- the API: who may read, who may compute, what a vendor sees -----------------------------------


@pytest.mark.parametrize("path", ["quality?n_boot=0", "scorecards", "calibration"])
def test_readers_are_reviewers_managers_and_admins(scorecard_project: ScorecardProject, path: str) -> None:
    b = scorecard_project.built
    for who, status in (("lead", 200), ("rev", 200), ("boss", 200), ("vera", 200), ("vrev", 200), ("amy", 403),
                        ("fay", 403), ("stranger", 404)):
        r = api(b, who).get(f"/api/projects/qs/{path}")
        assert r.status_code == status, (who, path, r.text)
    assert TestClient(create_app(b.db)).get(f"/api/projects/qs/{path}").status_code == 401


def test_vendor_people_see_their_organization_only(scorecard_project: ScorecardProject) -> None:
    b = scorecard_project.built
    for who in ("vera", "vrev"):
        cards = get(b, who, "scorecards")["scorecards"]
        assert sorted(c["username"] for c in cards) == sorted(VENDOR_PEOPLE)
        (verdict,) = get(b, who, "quality", n_boot=0)["questions"]
        assert [(p["annotator_a"], p["annotator_b"]) for p in verdict["pairs"]] == [tuple(sorted(VENDOR_PEOPLE))]
    everyone = get(b, "rev", "scorecards")["scorecards"]
    assert len(everyone) == len(CLEAN) + len(PLANTED)


def test_vendor_scoping_of_calibration(calibration_project: CalibrationProject) -> None:
    rounds = get(calibration_project.built, "vera", "calibration")["rounds"]
    assert [[p["username"] for p in r["people"]] for r in rounds] == [["di"], ["di"]]


def test_consensus_is_computed_by_admins_and_lab_managers(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    for who in ("vera", "rev"):
        r = api(b, who).post("/api/projects/qc/consensus", json={})
        assert r.status_code == 403, who
    with b.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Consensus)) == 0
    for who in ("boss", "lead"):
        r = api(b, who).post("/api/projects/qc/consensus", json={"method": "majority"})
        assert r.status_code == 200, r.text
        assert r.json()["method"] == "majority" and r.json()["written"] > 0
    r = api(b, "lead").post("/api/projects/qc/consensus")  # no body: the defaults
    assert r.status_code == 200 and r.json()["method"] == "dawid-skene"


def test_api_refuses_bad_options(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    r = api(b, "lead").post("/api/projects/qc/consensus", json={"method": "vote"})
    assert r.status_code == 422 and "unknown consensus method 'vote'" in r.text
    r = api(b, "lead").post("/api/projects/qc/consensus", json={"threshold": 3})
    assert r.status_code == 422 and "between 0 and 1" in r.text
    r = api(b, "lead").get("/api/projects/qc/quality", params={"method": "vote"})
    assert r.status_code == 422 and "vote" in r.text
    r = api(b, "lead").get("/api/projects/qc/quality", params={"n_boot": 100_000})
    assert r.status_code == 422
    r = api(b, "lead").get("/api/projects/nope/quality")
    assert r.status_code == 404
