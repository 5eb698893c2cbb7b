"""Models in the loop through the API, the SDK and the pages: runs started on the server, the
leaderboard and scores, judge calibration, the side-by-side browser (with untrusted content inert)."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from assay import AssayAPIError, Client
from assay.judge import judge_project, make_execute
from assay.models import OFFLINE_ENDPOINT
from assay.store import JudgeVerdict
from assay.work.distribution import lease_next, submit
from tests.web.conftest import World, serve_in_thread

GOOD = {"accuracy": {"A": 4, "B": 2}, "issues": {"A": [], "B": []}, "verdict": "good",
        "pref": {"winner": "A", "strength": None}, "order": ["A", "B"], "why": "A adds correctly."}


def _people_judge(world: World) -> None:
    from assay.store import User

    for name in ("annotator", "annotator2", "vannotator"):
        with world.db.session() as s:
            uid = s.scalar(select(User.id).where(User.username == name))
        while (lease := lease_next(world.db, world.slug, uid)) is not None:
            submit(world.db, lease.assignment_id, uid, GOOD)


def _auth(world: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


def test_judge_run_started_through_the_api(world: World) -> None:
    c = world.client
    bad = c.post(f"/api/projects/{world.slug}/judge-runs", json={"judge": "gpt-9"}, headers=_auth(world, "manager"))
    assert bad.status_code == 422 and "offline" in bad.json()["detail"]
    r = c.post(f"/api/projects/{world.slug}/judge-runs", json={"judge": "offline"}, headers=_auth(world, "manager"))
    assert r.status_code == 202, r.text
    run = r.json()
    deadline = time.monotonic() + 30
    while run["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
        run = c.get(f"/api/runs/{run['id']}", headers=_auth(world, "manager")).json()
    assert run["status"] == "finished" and run["kind"] == "judge"
    with world.db.session() as s:
        stored = s.scalar(select(func.count()).select_from(JudgeVerdict))
    # 4 items: accuracy for A and B, verdict for A and B? no: verdict is item-level with 2 responses (not
    # judged); the pair in both orders. 4 x (2 + 2).
    assert run["stored"] == stored == 16
    runs = c.get(f"/api/projects/{world.slug}/runs", headers=_auth(world, "reviewer")).json()
    assert [x["id"] for x in runs] == [run["id"]]
    assert c.get(f"/api/projects/{world.slug}/runs", headers=_auth(world, "vmanager")).status_code == 403


def test_leaderboard_scores_and_calibration(world: World) -> None:
    _people_judge(world)
    judge_project(world.db, world.slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    c, h = world.client, _auth(world, "manager")
    board = c.get(f"/api/projects/{world.slug}/models/leaderboard", params={"n_boot": 50}, headers=h).json()
    assert board["source"] == "humans"
    by = {e["criterion"]: e for e in board["criteria"]}
    # Everyone preferred A (m-a): it leads the people's leaderboard.
    assert by["pref"]["leaderboard"][0]["model"] == "m-a"
    judged = c.get(f"/api/projects/{world.slug}/models/leaderboard",
                   params={"source": "judge offline", "n_boot": 0}, headers=h).json()
    assert {r["model"] for r in judged["criteria"][0]["leaderboard"]} == {"m-a", "m-b"}
    scores = c.get(f"/api/projects/{world.slug}/models/scores", params={"n_boot": 50, "threshold": 3}, headers=h).json()
    means = {r["model"]: r["mean"] for r in scores["rows"] if r["criterion"] == "accuracy"}
    assert means == {"m-a": 4.0, "m-b": 2.0}
    calibration = c.get(f"/api/projects/{world.slug}/judges/calibration", params={"n_boot": 20}, headers=h).json()
    questions = {q["question"]: q for q in calibration["judges"][0]["questions"]}
    assert questions["pref"]["position_bias"]["n_pairs"] == 4 and "agreement" in questions["accuracy"]
    missing = c.get(f"/api/projects/{world.slug}/models/compare", params={"a": "m-a", "b": "gpt-9"}, headers=h)
    assert missing.status_code == 422 and "no model 'gpt-9'" in missing.json()["detail"]


def test_models_pages_and_side_by_side_keep_content_inert(world: World) -> None:
    _people_judge(world)
    judge_project(world.db, world.slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    manager = world.login("manager")
    page = manager.get(f"/p/{world.slug}/models")
    assert page.status_code == 200
    assert 'class="data leaderboard"' in page.text and "<svg" in page.text and "Judges against people" in page.text
    judge_page = manager.get(f"/p/{world.slug}/models", params={"source": "judge offline"})
    assert 'data-model="m-a"' in judge_page.text
    side = manager.get(f"/p/{world.slug}/models/compare", params={"a": "m-a", "b": "m-b"})
    assert side.status_code == 200 and side.text.count('class="card side-by-side"') == 4
    # Item i0's response A is a script / event-handler / javascript: payload: shown as text, never run.
    body = side.text.split("<main>", 1)[1]
    assert "alert(2)" in body and "&lt;script&gt;" in body
    assert "<script" not in body.split("</main>")[0]
    assert not re.search(r"<[^>]+\son\w+\s*=", body), "an event handler attribute reached the page"
    assert not re.search(r'<a\s[^>]*href\s*=\s*"\s*javascript:', body, re.I)
    assert world.login("vmanager").get(f"/p/{world.slug}/models", follow_redirects=False).status_code == 404


def test_sdk_runs_and_reads_model_evaluation(world: World) -> None:
    _people_judge(world)
    with serve_in_thread(world.client.app) as url:  # type: ignore[arg-type]
        mgr = Client(url, token=world.tokens["manager"])
        run = mgr.start_judge_run(world.slug, "offline", poll_seconds=0.05)
        assert run["status"] == "finished" and run["stored"] == 16
        assert [r["id"] for r in mgr.runs(world.slug)] == [run["id"]]
        frame = mgr.model_scores(world.slug, source="judge offline", n_boot=20)
        assert set(frame["model"]) == {"m-a", "m-b"} and {"mean", "mean_low", "mean_high"} <= set(frame.columns)
        board = mgr.leaderboard(world.slug, n_boot=20)
        assert board["criteria"] and mgr.judge_calibration(world.slug, n_boot=10)["judges"]
        comparison = mgr.compare_models(world.slug, "m-b", "m-a")
        assert any(e["kind"] == "scores" for e in comparison["criteria"])
        with pytest.raises(AssayAPIError) as e:
            Client(url, token=world.tokens["vmanager"]).leaderboard(world.slug)
        assert e.value.status == 403


def test_results_of_other_tools_through_the_api_and_sdk(world: World) -> None:
    """An Inspect log and lm-eval samples uploaded over HTTP become sources of the evaluation."""
    from pathlib import Path

    golden = Path(__file__).resolve().parents[1] / "evals" / "imports" / "golden"
    with serve_in_thread(world.client.app) as url:  # type: ignore[arg-type]
        mgr = Client(url, token=world.tokens["manager"])
        report = mgr.import_results(world.slug, golden / "inspect_model_a.eval", "inspect")
        assert report["run"] and report["verdicts_added"] > 0 and report["items_added"] > 0
        again = mgr.import_results(world.slug, golden / "inspect_model_a.eval", "inspect")
        assert again["items_added"] == 0 and again["verdicts_added"] == 0
        lm = mgr.import_results(world.slug, golden / "samples_gsm8k_2026-03-14T10-22-31.512345.jsonl", "lm-eval",
                                results=golden / "results_2026-03-14T10-22-31.512345.json")
        assert lm["verdicts_added"] > 0
        board = mgr.leaderboard(world.slug, source=report["run"], pointwise=True, n_boot=20)
        assert board["criteria"] and board["criteria"][0]["leaderboard"]
        with pytest.raises(AssayAPIError) as bad:
            mgr.import_results(world.slug, golden / "promptfoo_results.json", "inspect")
        assert bad.value.status == 422
        with pytest.raises(AssayAPIError) as denied:
            Client(url, token=world.tokens["reviewer"]).import_results(world.slug, golden / "inspect_model_a.eval",
                                                                       "inspect")
        assert denied.value.status == 403
