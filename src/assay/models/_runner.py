"""`run_requests`: many requests to one endpoint, through the cache and the endpoint's concurrency limit.

Results are handed to the caller one by one (`on_result`) as they finish, which is what makes runs
resumable: the caller stores each result under its key and, on a re-run, skips keys it already has.
A reply is written to the cache before it is handed over, so even a reply the caller never got to
store is not paid for twice.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Iterable, Sized
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from assay.models._cache import ResponseCache
from assay.models._endpoint import Endpoint
from assay.models._limits import limiter_for
from assay.models._provider import Provider, provider_for
from assay.models._reply import ModelError, ModelReply
from assay.models._request import ModelRequest

K = TypeVar("K")
OnResult = Callable[[K, ModelReply | ModelError], Any]
"""Called with the caller's key and the reply or the final error of each request, as it finishes (may be async)."""
Progress = Callable[[int, int | None], Any]
"""Called with (finished so far, total or None when unknown) after each result."""


class RunStats(BaseModel):
    """What a run did and cost. Filled in live, so a caller holding it sees the numbers of an interrupted run."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    requests: int = 0
    """Requests finished, from the cache, with a reply or with an error."""
    calls: int = 0
    """Requests that went to the model (not answered by the cache)."""
    cache_hits: int = 0
    """Requests answered by the cache, at no cost."""
    retries: int = 0
    """Retried attempts over all calls (HTTP attempts = calls + retries)."""
    errors: int = 0
    """Requests that failed for good (reported to `on_result` as `ModelError`)."""
    input_tokens: int = 0
    """Prompt tokens of the calls made (cache hits not counted: they were not paid for again)."""
    output_tokens: int = 0
    """Completion tokens of the calls made."""
    cost_usd: float | None = 0.0
    """USD spent by this run; None when some successful call had no known cost (unpriced endpoint or no usage)."""
    elapsed_s: float = 0.0
    """Wall time of the run."""
    errors_by_kind: dict[str, int] = Field(default_factory=dict)
    """Final errors per kind (`timeout`, `http_500`, `malformed`, ...)."""
    retries_by_kind: dict[str, int] = Field(default_factory=dict)
    """Failures that were retried, per kind (e.g. how many 429s the endpoint sent)."""

    def note_retry(self, error: ModelError, delay_s: float) -> None:
        self.retries += 1
        self.retries_by_kind[error.kind] = self.retries_by_kind.get(error.kind, 0) + 1

    def add(self, outcome: ModelReply | ModelError) -> None:
        self.requests += 1
        if isinstance(outcome, ModelError):
            self.calls += 1
            self.errors += 1
            self.errors_by_kind[outcome.kind] = self.errors_by_kind.get(outcome.kind, 0) + 1
        elif outcome.cached:
            self.cache_hits += 1
        else:
            self.calls += 1
            self.input_tokens += outcome.usage.input_tokens
            self.output_tokens += outcome.usage.output_tokens
            if outcome.cost_usd is None:
                self.cost_usd = None
            elif self.cost_usd is not None:
                self.cost_usd += outcome.cost_usd


async def run_requests_async(
    endpoint: Endpoint,
    requests: Iterable[tuple[K, ModelRequest]],
    *,
    cache: ResponseCache | None,
    on_result: OnResult[K],
    concurrency: int | None = None,
    progress: Progress | None = None,
    provider: Provider | None = None,
    total: int | None = None,
    stats: RunStats | None = None,
) -> RunStats:
    """Send every `(key, request)` to `endpoint`; hand each reply or error to `on_result(key, ...)`.

    - At most `min(concurrency, endpoint.max_concurrency)` requests of this run are in flight, and at most
      `endpoint.max_concurrency` across all runs in the process; `requests` is consumed lazily, so it can
      be a generator over 100k items.
    - A request whose reply is in `cache` costs nothing and makes no call; successful replies are cached.
      Offline endpoints are never cached (their replies are computed, and a changed script must show).
    - A failed request is reported to `on_result` as a `ModelError` and the run goes on. Exceptions
      raised by `on_result` itself, and cancellation, stop the run (in-flight calls are cancelled).
    - `provider` overrides the endpoint's own (e.g. a scripted `OfflineProvider`); one is created and
      closed here otherwise. `stats` may be passed in to watch the run or keep its numbers on interrupt.
    """
    if concurrency is not None and concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if provider is not None and provider.endpoint != endpoint:
        raise ValueError(f"the provider serves {provider.endpoint.describe()}, not {endpoint.describe()}")
    stats = stats if stats is not None else RunStats()
    started = time.perf_counter()
    if total is None and isinstance(requests, Sized):
        total = len(requests)
    use_cache = cache if endpoint.provider != "offline" else None
    window = min(concurrency or endpoint.max_concurrency, endpoint.max_concurrency)
    limiter = limiter_for(endpoint.name, endpoint.max_concurrency)
    owned = provider is None
    active: Provider = provider_for(endpoint) if provider is None else provider
    iterator = iter(requests)
    in_flight: dict[str, asyncio.Event] = {}

    async def deliver(key: K, outcome: ModelReply | ModelError) -> None:
        stats.add(outcome)
        result = on_result(key, outcome)
        if inspect.isawaitable(result):
            await result
        if progress is not None:
            progress(stats.requests, total)

    async def call(request: ModelRequest) -> ModelReply | ModelError:
        try:
            async with limiter:
                return await active.complete(request, on_retry=stats.note_retry)
        except ModelError as err:
            return err
        except Exception as exc:  # a provider bug must not sink the other 99,999 requests
            return ModelError(f"{endpoint.describe()}: unexpected {type(exc).__name__}: {exc}", kind="internal")

    async def handle(key: K, request: ModelRequest) -> None:
        if use_cache is None:
            await deliver(key, await call(request))
            return
        cache_key = request.cache_key(endpoint)
        while True:
            hit = use_cache.get(cache_key)
            if hit is not None:
                await deliver(key, hit)
                return
            # The same request already on its way (e.g. a duplicate item): wait for it, not pay twice.
            pending = in_flight.get(cache_key)
            if pending is None:
                break
            await pending.wait()
        done = in_flight[cache_key] = asyncio.Event()
        try:
            outcome = await call(request)
            if isinstance(outcome, ModelReply):
                # Off the event loop: a write (and now and then a WAL checkpoint) must not stall the
                # other calls in flight. Still before `on_result`, so a stored reply is never paid twice.
                await asyncio.to_thread(use_cache.put, cache_key, outcome)
        finally:
            del in_flight[cache_key]
            done.set()
        await deliver(key, outcome)

    async def worker() -> None:
        for item in iterator:
            try:
                key, request = item
            except (TypeError, ValueError):
                raise TypeError(f"requests must yield (key, ModelRequest) pairs, got {type(item).__name__}") from None
            if not isinstance(request, ModelRequest):
                raise TypeError(f"request for key {key!r} is a {type(request).__name__}, not a ModelRequest")
            await handle(key, request)

    tasks = [asyncio.create_task(worker()) for _ in range(window)]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if owned:
            await active.aclose()
        stats.elapsed_s = time.perf_counter() - started
    return stats


def run_requests(
    endpoint: Endpoint,
    requests: Iterable[tuple[K, ModelRequest]],
    *,
    cache: ResponseCache | None,
    on_result: OnResult[K],
    concurrency: int | None = None,
    progress: Progress | None = None,
    provider: Provider | None = None,
    total: int | None = None,
    stats: RunStats | None = None,
) -> RunStats:
    """`run_requests_async` for synchronous callers (the CLI); Ctrl-C cancels in-flight calls and re-raises.

    Pass a `provider` only if it was made outside any event loop or for this call alone: its connection
    pool belongs to the loop this call creates.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("run_requests cannot run inside an event loop; await run_requests_async(...) instead")
    return asyncio.run(
        run_requests_async(
            endpoint,
            requests,
            cache=cache,
            on_result=on_result,
            concurrency=concurrency,
            progress=progress,
            provider=provider,
            total=total,
            stats=stats,
        )
    )
