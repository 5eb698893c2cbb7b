"""Runs against a real local server: caching, accounting, limits, resumption, errors, cancellation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assay.models import (
    OFFLINE_ENDPOINT,
    Endpoint,
    ModelError,
    ModelReply,
    ModelRequest,
    OfflineProvider,
    OpenAICompatible,
    ResponseCache,
    RunStats,
    limiter_for,
    run_requests,
    run_requests_async,
)
from tests.models.fake_openai import Act, FakeOpenAI, expected_usage, reply_text
from tests.models.helpers import Sleeps

SECRET = "sk-runner-3b9d0c41-secret"
PRICE_IN, PRICE_OUT = 0.15, 0.60


def endpoint(url: str, name: str, **settings: Any) -> Endpoint:
    values: dict[str, Any] = {"name": name, "base_url": url, "model": "judge", "max_concurrency": 4,
                              "price_input_per_mtok": PRICE_IN, "price_output_per_mtok": PRICE_OUT,
                              "backoff_base_s": 0.01, "backoff_max_s": 0.05, "timeout_s": 10}
    values.update(settings)
    return Endpoint(**values)


def prompts(n: int, prefix: str = "item") -> list[tuple[str, ModelRequest]]:
    return [(f"{prefix}-{i}", ModelRequest.chat(f"judge {prefix} number {i} " + "word " * (i % 7))) for i in range(n)]


def prompt_of(request: ModelRequest) -> str:
    return request.last_user_text()


def expected_cost(texts: list[str]) -> tuple[int, int, float]:
    tin = sum(expected_usage(t)[0] for t in texts)
    tout = sum(expected_usage(t)[1] for t in texts)
    return tin, tout, (tin * PRICE_IN + tout * PRICE_OUT) / 1e6


def test_tokens_and_cost_add_up_and_a_second_run_is_free(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    app, url = fake
    ep = endpoint(url, "acct")
    work = prompts(30)
    results: dict[str, ModelReply | ModelError] = {}
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        stats = run_requests(ep, work, cache=cache, on_result=results.__setitem__)
        tin, tout, cost = expected_cost([prompt_of(r) for _, r in work])
        assert (stats.requests, stats.calls, stats.cache_hits, stats.errors) == (30, 30, 0, 0)
        assert (stats.input_tokens, stats.output_tokens) == (tin, tout)
        assert stats.cost_usd == pytest.approx(cost, rel=1e-12)
        assert sum(r.cost_usd or 0 for r in results.values() if isinstance(r, ModelReply)) == pytest.approx(cost, rel=1e-12)
        assert all(isinstance(r, ModelReply) and r.text == reply_text(prompt_of(req)) for (k, req), r in
                   ((item, results[item[0]]) for item in work))
        assert app.total_calls == 30

        again: dict[str, ModelReply | ModelError] = {}
        second = run_requests(ep, work, cache=cache, on_result=again.__setitem__)
    assert app.total_calls == 30  # zero HTTP calls
    assert (second.calls, second.cache_hits, second.cost_usd, second.input_tokens) == (0, 30, 0.0, 0)
    assert all(isinstance(r, ModelReply) and r.cached and r.cost_usd == 0.0 and r.attempts == 0 for r in again.values())
    assert {k: r.text for k, r in again.items() if isinstance(r, ModelReply)} == {
        k: r.text for k, r in results.items() if isinstance(r, ModelReply)}


def test_failures_are_reported_per_request_and_counted_by_kind(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    app, url = fake
    ep = endpoint(url, "kinds", max_retries=2)
    work = prompts(12)
    plan = {
        0: [Act("status", 429, retry_after="0.01")] * 2,   # retried twice, then fine
        1: [Act("status", 500)],                            # retried once, then fine
        2: [Act("status", 400)],                            # final: not retryable
        3: [Act("status", 503)] * 3,                        # final: out of retries
        4: [Act("malformed")],                              # retried once, then fine
    }
    for i, acts in plan.items():
        app.plan[prompt_of(work[i][1])] = list(acts)
    results: dict[str, ModelReply | ModelError] = {}
    sleeps = Sleeps()
    provider = OpenAICompatible(ep, sleep=sleeps)
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        stats = run_requests(ep, work, cache=cache, on_result=results.__setitem__, provider=provider)
        assert len(cache) == 10  # only successes are cached
    assert set(results) == {k for k, _ in work}
    assert isinstance(results["item-2"], ModelError) and results["item-2"].status == 400
    assert isinstance(results["item-3"], ModelError) and results["item-3"].attempts == 3
    assert stats.errors == 2 and stats.errors_by_kind == {"http_400": 1, "http_503": 1}
    assert stats.retries_by_kind == {"http_429": 2, "http_500": 1, "http_503": 2, "malformed": 1}
    assert stats.retries == 6 == len(sleeps.waits) and app.total_calls == 12 + 6
    assert sleeps.waits.count(0.01) == 2  # the two Retry-After waits, honoured exactly
    ok = [prompt_of(r) for k, r in work if k not in ("item-2", "item-3")]
    tin, tout, cost = expected_cost(ok)
    assert (stats.input_tokens, stats.output_tokens, stats.calls) == (tin, tout, 12)
    assert stats.cost_usd == pytest.approx(cost, rel=1e-12)
    assert results["item-0"].attempts == 3  # type: ignore[union-attr]


def test_concurrency_never_exceeds_the_endpoint_limit(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    app.latency_s = 0.03
    ep = endpoint(url, "limit4", max_concurrency=4)
    run_requests(ep, prompts(40), cache=None, on_result=lambda k, r: None, concurrency=50)
    assert app.max_active == 4
    app.max_active = 0
    run_requests(ep, prompts(20, "b"), cache=None, on_result=lambda k, r: None, concurrency=2)
    assert app.max_active == 2


def test_the_limit_is_shared_by_runs_in_different_threads(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    app.latency_s = 0.02
    ep = endpoint(url, "shared3", max_concurrency=3)
    errors: list[BaseException] = []

    def run(prefix: str) -> None:
        try:
            run_requests(ep, prompts(30, prefix), cache=None, on_result=lambda k, r: None)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and app.total_calls == 90 and app.max_active == 3
    assert limiter_for("shared3", 3).in_use == 0


def test_requests_are_pulled_lazily_within_a_bounded_window() -> None:
    pulled = 0
    delivered = 0
    gaps: list[int] = []

    def work() -> Iterator[tuple[int, ModelRequest]]:
        nonlocal pulled
        for i in range(5000):
            pulled += 1
            gaps.append(pulled - delivered)
            yield i, ModelRequest.chat(f"q{i}")

    def on_result(key: int, outcome: ModelReply | ModelError) -> None:
        nonlocal delivered
        delivered += 1

    seen: list[tuple[int, int | None]] = []
    stats = run_requests(OFFLINE_ENDPOINT, work(), cache=None, on_result=on_result, concurrency=8,
                         provider=OfflineProvider(delay_s=0.0001), progress=lambda d, t: seen.append((d, t)))
    assert stats.requests == delivered == 5000
    assert max(gaps) <= 8  # never more than the window in hand
    assert seen[-1] == (5000, None) and [d for d, _ in seen] == list(range(1, 5001))


def test_progress_knows_the_total_of_a_list(fake: tuple[FakeOpenAI, str]) -> None:
    _, url = fake
    seen: list[tuple[int, int | None]] = []
    run_requests(endpoint(url, "prog"), prompts(5), cache=None, on_result=lambda k, r: None,
                 progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_interrupted_run_resumed_by_skipping_stored_keys(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    app, url = fake
    app.latency_s = 0.01
    ep = endpoint(url, "resume", max_concurrency=4)
    work = prompts(40)
    stored: dict[str, ModelReply | ModelError] = {}
    cache = ResponseCache(tmp_path / "c.sqlite")

    async def first_run() -> None:
        task: asyncio.Task[RunStats] | None = None

        def store(key: str, outcome: ModelReply | ModelError) -> None:
            stored[key] = outcome
            if len(stored) == 15 and task is not None:
                task.cancel()  # the run is killed half-way

        task = asyncio.create_task(run_requests_async(ep, iter(work), cache=cache, on_result=store))
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(first_run())
    assert 15 <= len(stored) < 40 and limiter_for("resume", 4).in_use == 0

    rest = [(k, r) for k, r in work if k not in stored]
    stats = run_requests(ep, rest, cache=cache, on_result=stored.__setitem__)
    cache.close()
    assert set(stored) == {k for k, _ in work}
    finished_first = {prompt_of(r) for k, r in work if k not in dict(rest)}
    # Finished requests were never sent again; at most the calls in flight at the kill were repeated.
    assert all(app.calls[p] == 1 for p in finished_first)
    assert sum(app.calls.values()) - 40 <= 4
    assert stats.requests == len(rest) and stats.errors == 0


def test_a_reply_the_caller_failed_to_store_is_not_paid_for_twice(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    app, url = fake
    ep = endpoint(url, "lost", max_concurrency=1)
    work = prompts(6)
    stored: dict[str, ModelReply | ModelError] = {}

    def flaky_store(key: str, outcome: ModelReply | ModelError) -> None:
        if key == "item-3":
            raise OSError("disk full")  # the caller's storage failed: the run stops
        stored[key] = outcome

    with ResponseCache(tmp_path / "c.sqlite") as cache:
        with pytest.raises(OSError, match="disk full"):
            run_requests(ep, work, cache=cache, on_result=flaky_store)
        calls_before = app.total_calls
        stats = run_requests(ep, [(k, r) for k, r in work if k not in stored], cache=cache,
                             on_result=stored.__setitem__)
    assert set(stored) == {k for k, _ in work}
    assert stats.cache_hits == 1 and app.calls[prompt_of(work[3][1])] == 1  # item-3 came from the cache
    assert app.total_calls == calls_before + stats.calls


def test_identical_requests_in_flight_are_sent_once(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    app, url = fake
    app.latency_s = 0.05
    request = ModelRequest.chat("the same question")
    results: dict[str, ModelReply | ModelError] = {}
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        stats = run_requests(endpoint(url, "dups"), [("a", request), ("b", request), ("c", request)],
                             cache=cache, on_result=results.__setitem__)
    assert app.total_calls == 1 and stats.calls == 1 and stats.cache_hits == 2
    assert sorted(r.cached for r in results.values() if isinstance(r, ModelReply)) == [False, True, True]


def test_cancelling_stops_calls_and_frees_the_limit(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    app.latency_s = 0.05
    ep = endpoint(url, "cancel", max_concurrency=4)

    async def go() -> int:
        task = asyncio.create_task(run_requests_async(ep, prompts(1000), cache=None, on_result=lambda k, r: None))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return app.total_calls

    at_cancel = asyncio.run(go())
    assert 0 < at_cancel < 100 and limiter_for("cancel", 4).in_use == 0
    threading.Event().wait(0.3)
    settled = app.total_calls
    # Only requests already on the wire when the run was cancelled may still arrive; nothing new starts.
    assert settled - at_cancel <= 4
    threading.Event().wait(0.3)
    assert app.total_calls == settled


def test_the_api_key_never_reaches_the_cache(fake: tuple[FakeOpenAI, str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    app, url = fake
    monkeypatch.setenv("RUNNER_KEY", SECRET)
    app.plan["judge item number 1 word "] = [Act("status", 401, echo_auth=True)]
    results: dict[str, ModelReply | ModelError] = {}
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        run_requests(endpoint(url, "keyed", api_key_env="RUNNER_KEY"), prompts(5), cache=cache,
                     on_result=results.__setitem__)
    assert app.auth_headers == {f"Bearer {SECRET}"}
    assert isinstance(results["item-1"], ModelError) and SECRET not in str(results["item-1"])
    for file in tmp_path.iterdir():
        assert SECRET.encode() not in file.read_bytes()


def test_a_missing_key_stops_the_run_before_any_call(fake: tuple[FakeOpenAI, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app, url = fake
    monkeypatch.delenv("ABSENT_KEY", raising=False)
    with pytest.raises(ModelError, match="ABSENT_KEY"):
        run_requests(endpoint(url, "nokey", api_key_env="ABSENT_KEY"), prompts(3), cache=None, on_result=lambda k, r: None)
    assert app.total_calls == 0


def test_offline_runs_bypass_the_cache(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        stats = run_requests(OFFLINE_ENDPOINT, prompts(3), cache=cache, on_result=lambda k, r: None)
        assert len(cache) == 0 and stats.calls == 3 and stats.cost_usd == 0.0


def test_unpriced_endpoints_have_unknown_cost(fake: tuple[FakeOpenAI, str]) -> None:
    _, url = fake
    ep = endpoint(url, "unpriced", price_input_per_mtok=None, price_output_per_mtok=None)
    stats = run_requests(ep, prompts(3), cache=None, on_result=lambda k, r: None)
    assert stats.cost_usd is None and stats.input_tokens > 0


def test_misuse_is_refused_clearly(fake: tuple[FakeOpenAI, str]) -> None:
    _, url = fake
    ep = endpoint(url, "misuse")
    with pytest.raises(ValueError, match="provider serves endpoint 'offline'"):
        run_requests(ep, prompts(1), cache=None, on_result=lambda k, r: None, provider=OfflineProvider())
    with pytest.raises(TypeError, match="not a ModelRequest"):
        run_requests(ep, [("k", "just a string")], cache=None, on_result=lambda k, r: None)  # type: ignore[list-item]

    async def inside_a_loop() -> None:
        run_requests(ep, prompts(1), cache=None, on_result=lambda k, r: None)

    with pytest.raises(RuntimeError, match="await run_requests_async"):
        asyncio.run(inside_a_loop())


def test_async_on_result_is_awaited(fake: tuple[FakeOpenAI, str]) -> None:
    _, url = fake
    stored: list[str] = []

    async def store(key: str, outcome: ModelReply | ModelError) -> None:
        await asyncio.sleep(0)
        stored.append(key)

    asyncio.run(run_requests_async(endpoint(url, "asyncstore"), prompts(4), cache=None, on_result=store))
    assert sorted(stored) == ["item-0", "item-1", "item-2", "item-3"]
