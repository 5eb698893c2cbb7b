"""Judge runs over a stored project: one verdict per unit, pairs in both orders, resumable after a
kill, failures retried by running again, accounting summed exactly; and generation runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from assay.io import import_file
from assay.judge import (
    GenerateOptions,
    JudgeOptions,
    NothingToJudge,
    generate_responses,
    judge_project,
    make_execute,
)
from assay.models import OFFLINE_ENDPOINT, Endpoint, ModelError, ModelRequest, OfflineProvider
from assay.spec import parse_spec
from assay.store import Database, JudgeVerdict, ModelRun, Response, RunStatus
from assay.store.projects import create_project

SPEC = """
slug: judged
name: Judged
layout: {fields: [prompt, reference], responses: 2}
questions:
  - {key: acc, kind: rating, title: Accuracy, per_response: true, scale: {min: 1, max: 5}}
  - {key: pref, kind: compare, title: Which is better}
  - {key: why, kind: text, title: Why, required: false}
"""
N_ITEMS = 6
UNITS = N_ITEMS * (2 + 2)  # two ratings and a pair in both orders per item


def _project(db: Database, tmp_path: Path, spec_text: str = SPEC, n: int = N_ITEMS) -> str:
    spec = parse_spec(spec_text)
    with db.write_session() as s:
        create_project(s, spec)
    recs = [{"id": f"q{i}", "prompt": f"What is {i} + {i}?", "reference": f"The answer is {2 * i}",
             "responses": [{"model": "m1", "content": f"Adding them gives\n{2 * i}"},
                           {"model": "m2", "content": f"I think it is {2 * i + 1}, because adding is hard."}]}
            for i in range(n)]
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    import_file(db, spec.slug, path)
    return spec.slug


def _verdicts(db: Database) -> list[JudgeVerdict]:
    with db.session() as s:
        return list(s.scalars(select(JudgeVerdict).order_by(JudgeVerdict.id)))


def test_offline_judge_answers_every_unit_once(db: Database, tmp_path: Path) -> None:
    slug = _project(db, tmp_path)
    summary = judge_project(db, slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    assert (summary.units, summary.done_now, summary.already_done, summary.failed) == (UNITS, UNITS, 0, 0)
    rows = _verdicts(db)
    assert len(rows) == UNITS and summary.unscored == 0
    keys = Counter((r.item_id, r.question, r.response_id, r.other_response_id, r.swapped) for r in rows)
    assert set(keys.values()) == {1}
    with db.session() as s:
        first = {r.item_id: r.id for r in s.scalars(select(Response).where(Response.position == 0))}
    for r in rows:
        if r.question == "acc":
            # The offline judge gives the top score when the reference's answer ends the response.
            assert r.value == (5 if r.response_id == first[r.item_id] else 1) and r.score == r.value
        else:
            # Longer response B wins, in stored order, whichever order the judge saw.
            assert r.value == {"winner": "B", "strength": None} and r.score == 0.0
            assert r.response_id == first[r.item_id]
    assert {r.swapped for r in rows if r.question == "pref"} == {False, True}
    assert all("Verdict:" in (r.reply or "") and r.reasoning for r in rows)
    # Offline calls count tokens, so accounting adds up.
    with db.session() as s:
        run = s.scalars(select(ModelRun)).one()
        assert run.status == RunStatus.finished and run.calls == UNITS
        assert run.input_tokens == sum(r.input_tokens for r in rows) > 0
        assert run.output_tokens == sum(r.output_tokens for r in rows) > 0
        assert run.cost_usd == 0.0  # the offline endpoint is priced at zero


def test_same_command_resumes_and_judges_nothing_twice(db: Database, tmp_path: Path) -> None:
    slug = _project(db, tmp_path)
    real = make_execute(use_cache=False)
    seen = 0

    def killed_after_five(endpoint: Endpoint, requests: Iterable[tuple[Any, ModelRequest]], *, on_result: Any,
                          progress: Any, total: int | None, purpose: str) -> Any:
        def on(key: Any, result: Any) -> None:
            nonlocal seen
            seen += 1
            on_result(key, result)
            if seen == 5:
                raise KeyboardInterrupt

        return real(endpoint, requests, on_result=on, progress=progress, total=total, purpose=purpose)

    with pytest.raises(KeyboardInterrupt):
        judge_project(db, slug, OFFLINE_ENDPOINT, execute=killed_after_five)
    assert len(_verdicts(db)) == 5
    with db.session() as s:
        assert s.scalars(select(ModelRun)).one().status == RunStatus.stopped
    again = judge_project(db, slug, OFFLINE_ENDPOINT, execute=real)
    assert again.resumed and again.already_done == 5 and again.done_now == UNITS - 5
    rows = _verdicts(db)
    assert len(rows) == UNITS
    assert len({(r.item_id, r.question, r.response_id, r.swapped) for r in rows}) == UNITS
    with db.session() as s:
        run = s.scalars(select(ModelRun)).one()
        assert run.calls == UNITS and run.status == RunStatus.finished
    third = judge_project(db, slug, OFFLINE_ENDPOINT, execute=real)
    assert third.done_now == 0 and third.already_done == UNITS and third.calls == 0


def test_failed_calls_are_not_stored_and_are_retried_next_time(db: Database, tmp_path: Path) -> None:
    slug = _project(db, tmp_path)
    calls = 0

    def flaky(request: ModelRequest) -> str:
        nonlocal calls
        calls += 1
        if "<response-a-" in request.last_user_text():
            raise ModelError("server said no", kind="http_500", retryable=True, status=500)
        from assay.judge import offline_judge

        return offline_judge(request)

    first = judge_project(db, slug, OFFLINE_ENDPOINT,
                          execute=make_execute(use_cache=False, provider=OfflineProvider(flaky)))
    assert first.failed == N_ITEMS * 2 and first.error_kinds == {"http_500": N_ITEMS * 2}
    assert first.done_now == N_ITEMS * 2
    with db.session() as s:
        run = s.scalars(select(ModelRun)).one()
        assert run.status == RunStatus.stopped and run.errors == N_ITEMS * 2
    second = judge_project(db, slug, OFFLINE_ENDPOINT, execute=make_execute(use_cache=False))
    assert second.done_now == N_ITEMS * 2 and second.failed == 0
    assert len(_verdicts(db)) == UNITS


def test_priced_endpoint_costs_are_summed_and_cache_hits_cost_nothing(db: Database, tmp_path: Path) -> None:
    from assay.models import ResponseCache

    slug = _project(db, tmp_path, n=2)
    # An "openai" endpoint served by the offline judge: caching applies as for a real server.
    endpoint = Endpoint(name="priced", provider="openai", base_url="http://127.0.0.1:9/v1", model="judge-1",
                        price_input_per_mtok=2.0, price_output_per_mtok=10.0)
    cache = ResponseCache(tmp_path / "cache.sqlite")
    from assay.judge import offline_judge

    provider = OfflineProvider(offline_judge, endpoint=endpoint)
    first = judge_project(db, slug, endpoint, execute=make_execute(cache, provider=provider))
    rows = _verdicts(db)
    expected = sum(r.input_tokens * 2.0 + r.output_tokens * 10.0 for r in rows) / 1e6
    assert first.cost_usd == pytest.approx(expected) and first.calls == 8 and first.cache_hits == 0
    # A second project-level run with the same configuration finds everything stored; a fresh run
    # (a new name makes no difference: a different question subset does) is served from the cache.
    again = judge_project(db, slug, endpoint, options=JudgeOptions(questions=("acc",)),
                          execute=make_execute(cache, provider=provider))
    assert again.cache_hits == 4 and again.calls == 0 and again.cost_usd is None
    assert provider.calls == 8
    with db.session() as s:
        costs = dict(s.execute(select(ModelRun.id, ModelRun.cost_usd)).all())
    assert sorted(costs.values(), key=lambda c: c or 0) == [None, pytest.approx(expected)]


def test_only_judgeable_questions(db: Database, tmp_path: Path) -> None:
    slug = _project(db, tmp_path, n=1)
    with pytest.raises(NothingToJudge, match="text questions are answered by people only"):
        judge_project(db, slug, OFFLINE_ENDPOINT, options=JudgeOptions(questions=("why",)))
    with pytest.raises(KeyError, match="no question 'nope'"):
        judge_project(db, slug, OFFLINE_ENDPOINT, options=JudgeOptions(questions=("nope",)))


def test_one_order_only(db: Database, tmp_path: Path) -> None:
    slug = _project(db, tmp_path, n=2)
    s = judge_project(db, slug, OFFLINE_ENDPOINT, options=JudgeOptions(both_orders=False, questions=("pref",)),
                      execute=make_execute(use_cache=False))
    assert s.units == 2 and {r.swapped for r in _verdicts(db)} == {False}


def test_generation_stores_responses_with_their_settings_and_resumes(db: Database, tmp_path: Path) -> None:
    slug = _project(db, tmp_path, n=3)
    options = GenerateOptions(samples=2, temperature=0.7, seed=11, label="gen-model")
    first = generate_responses(db, slug, OFFLINE_ENDPOINT, options=options, execute=make_execute(use_cache=False))
    assert (first.units, first.done_now, first.failed) == (6, 6, 0)
    with db.session() as s:
        made = list(s.scalars(select(Response).where(Response.model == "gen-model").order_by(Response.id)))
        assert len(made) == 6 and {r.run_id for r in made} == {first.run_id}
        assert sorted(r.position for r in made) == [2, 2, 2, 3, 3, 3]
        assert {r.meta["params"]["temperature"] for r in made} == {0.7}
        assert sorted(r.meta["sample"] for r in made) == [0, 0, 0, 1, 1, 1]
        assert all(r.content.startswith("Offline reply") for r in made)
    again = generate_responses(db, slug, OFFLINE_ENDPOINT, options=options, execute=make_execute(use_cache=False))
    assert again.resumed and again.done_now == 0 and again.already_done == 6
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Response)) == 12
