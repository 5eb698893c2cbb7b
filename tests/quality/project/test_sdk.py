"""`assay.Client`'s quality methods against a real server: the same figures as the API and the
core, scorecards as a pandas DataFrame, vendor scoping and refusals as `AssayAPIError`."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from assay import AssayAPIError, Client
from assay.quality.project import QualityOptions, project_quality
from assay.sdk import SCORECARD_COLUMNS
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
from tests.web.conftest import serve_in_thread


def _canon(data: object) -> object:
    return orjson.loads(orjson.dumps(data))


@pytest.fixture(scope="module")
def scorecard_server(scorecard_project: ScorecardProject) -> Iterator[str]:
    with serve_in_thread(create_app(scorecard_project.built.db)) as url:
        yield url


def client(url: str, b: Built, who: str) -> Client:
    return Client(url, token=b.tokens[who])


def test_quality_and_scorecards(scorecard_project: ScorecardProject, scorecard_server: str) -> None:
    b = scorecard_project.built
    with client(scorecard_server, b, "lead") as c:
        report = c.quality("qs", n_boot=40, seed=9, method="majority")
        expected = project_quality(b.db, "qs", QualityOptions(n_boot=40, seed=9, method="majority"),
                                   parts=("agreement",))
        assert report == _canon(expected.to_dict())
        frame = c.scorecards("qs")
    cards = project_quality(b.db, "qs", QualityOptions(n_boot=0), parts=("scorecards",)).scorecards_dict()
    assert list(frame.columns) == SCORECARD_COLUMNS
    assert list(frame["username"]) == [c["username"] for c in cards["scorecards"]]
    assert list(frame["rank"]) == list(range(1, len(CLEAN) + len(PLANTED) + 1))
    rows = frame.set_index("username")
    for who, flag in PLANTED.items():
        assert flag in rows.loc[who, "flags"]
    for who in CLEAN:
        assert rows.loc[who, "flags"] == [] and rows.loc[who, "flag_details"] == []
    jon = next(c for c in cards["scorecards"] if c["username"] == "jon")
    assert rows.loc["jon", "gold_accuracy"] == jon["gold"]["value"] == 0.0
    assert rows.loc["jon", "gold_high"] == pytest.approx(jon["gold"]["ci_high"])
    assert rows.loc["kim", "drift_change"] == pytest.approx(
        next(c for c in cards["scorecards"] if c["username"] == "kim")["drift"]["change"])
    assert rows.loc["gus", "straightlining_share"] == 1.0 and rows.loc["hal", "copies"] == 40


def test_vendor_lead_gets_their_people_and_no_consensus(scorecard_project: ScorecardProject,
                                                       scorecard_server: str) -> None:
    b = scorecard_project.built
    with client(scorecard_server, b, "vera") as c:
        frame = c.scorecards("qs")
        assert sorted(frame["username"]) == sorted(VENDOR_PEOPLE)
        with pytest.raises(AssayAPIError) as refused:
            c.compute_consensus("qs")
    assert refused.value.status == 403 and "admins and the lab's managers" in str(refused.value.detail)
    with client(scorecard_server, b, "amy") as c, pytest.raises(AssayAPIError) as annotator:
        c.quality("qs")
    assert annotator.value.status == 403


def test_calibration(calibration_project: CalibrationProject) -> None:
    b = calibration_project.built
    expected = project_quality(b.db, "qcal", QualityOptions(), parts=("calibration",)).calibration_dict()
    with serve_in_thread(create_app(b.db)) as url, client(url, b, "rev") as c:
        assert c.calibration("qcal") == _canon(expected)
        assert c.calibration("qcal", round=1)["rounds"] == _canon(expected["rounds"][:1])


def test_compute_consensus(consensus_project: ConsensusProject) -> None:
    b = consensus_project.built
    with serve_in_thread(create_app(b.db)) as url, client(url, b, "lead") as c:
        run = c.compute_consensus("qc", method="glad", rating_method="mean", threshold=0.9, seed=1)
        assert (run["method"], run["rating_method"], run["threshold"]) == ("glad", "mean", 0.9)
        assert run["questions"]["score"]["method"] == "mean" and run["questions"]["pref"]["method"] == "glad"
        report = c.quality("qc", n_boot=0)
        assert report["consensus"]["by_method"]["glad"]["rows"] == run["questions"]["verdict"]["written"] + \
            run["questions"]["pref"]["written"]
        assert report["consensus"]["threshold"] == QualityOptions().low_confidence
        with pytest.raises(AssayAPIError) as bad:
            c.compute_consensus("qc", method="vote")
    assert bad.value.status == 422
