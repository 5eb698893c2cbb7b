"""Per-endpoint concurrency limits shared by every run in the process, whichever thread or event loop it runs on.

An `asyncio.Semaphore` belongs to one event loop, but the CLI runs each run under its own `asyncio.run`
and a web server may run several in worker threads; the limit is the server's, so it must hold across them.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque


class EndpointLimiter:
    """A counting semaphore usable from any event loop in any thread; FIFO among waiters."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._free = limit
        self._lock = threading.Lock()
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    @property
    def in_use(self) -> int:
        return self.limit - self._free

    async def acquire(self) -> None:
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            self._waiters.append((loop, future))
        try:
            await future
        except asyncio.CancelledError:
            with self._lock:
                try:
                    self._waiters.remove((loop, future))
                    granted = False
                except ValueError:  # already handed a slot (or about to be): give it back
                    granted = True
            # A cancelled future is still queued for _grant, which passes the slot on itself.
            if granted and not future.cancelled():
                self.release()
            raise

    def release(self) -> None:
        with self._lock:
            while self._waiters:
                loop, future = self._waiters.popleft()
                try:
                    # The slot passes straight to the waiter; _free stays as it is.
                    loop.call_soon_threadsafe(self._grant, future)
                    return
                except RuntimeError:  # its loop is closed: try the next waiter
                    continue
            self._free += 1

    def _grant(self, future: asyncio.Future[None]) -> None:
        if future.cancelled():
            self.release()  # the waiter left after we chose it; pass the slot on
        else:
            future.set_result(None)

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()


_limiters: dict[tuple[str, int], EndpointLimiter] = {}
_registry_lock = threading.Lock()


def limiter_for(name: str, limit: int) -> EndpointLimiter:
    """The process-wide limiter of endpoint `name` at `limit` requests in flight."""
    with _registry_lock:
        limiter = _limiters.get((name, limit))
        if limiter is None:
            limiter = _limiters[(name, limit)] = EndpointLimiter(limit)
        return limiter
