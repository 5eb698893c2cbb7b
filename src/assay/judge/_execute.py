"""The seam between runs (which know the project) and the provider layer (which knows the models)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from assay.judge._offline_judge import offline_judge
from assay.judge._units import Unit
from assay.models import (
    Endpoint,
    ModelError,
    ModelReply,
    ModelRequest,
    OfflineProvider,
    Provider,
    ResponseCache,
    run_requests,
)

ResultHandler = Callable[[Any, ModelReply | ModelError], None]


class Execute(Protocol):
    """Send `requests` (key, request) to `endpoint`, calling `on_result(key, reply or error)` as each
    finishes; `progress(done, total)` after each. `purpose` is "judge" or "generate": the offline
    endpoint plays a judge only when judging."""

    def __call__(self, endpoint: Endpoint, requests: Iterable[tuple[Any, ModelRequest]], *,
                 on_result: ResultHandler, progress: Callable[[int, int | None], None] | None,
                 total: int | None, purpose: str) -> Any: ...


def make_execute(cache: ResponseCache | None = None, *, use_cache: bool = True, provider: Provider | None = None,
                 concurrency: int | None = None) -> Execute:
    """An `Execute` over the provider layer's runner: the on-disk cache (default location unless given
    or `use_cache` is False), an optional provider instead of the endpoint's own (e.g. a scripted
    offline judge), and an optional concurrency below the endpoint's limit."""

    def execute(endpoint: Endpoint, requests: Iterable[tuple[Any, ModelRequest]], *, on_result: ResultHandler,
                progress: Callable[[int, int | None], None] | None, total: int | None, purpose: str) -> Any:
        store = (cache if cache is not None else ResponseCache()) if use_cache else None
        active = provider
        if active is None and endpoint.provider == "offline" and purpose == "judge":
            active = OfflineProvider(offline_judge, endpoint=endpoint)
        return run_requests(endpoint, requests, cache=store, on_result=on_result, progress=progress, total=total,
                            provider=active, concurrency=concurrency)

    return execute


def default_execute(endpoint: Endpoint, requests: Iterable[tuple[Any, ModelRequest]], *,
                    on_result: ResultHandler, progress: Callable[[int, int | None], None] | None,
                    total: int | None, purpose: str) -> Any:
    return make_execute()(endpoint, requests, on_result=on_result, progress=progress, total=total, purpose=purpose)


def error_kind(error: ModelError) -> str:
    return error.kind or type(error).__name__


__all__ = ["Execute", "ResultHandler", "Unit", "default_execute", "error_kind", "make_execute"]
