"""The per-endpoint limit holds across runs, event loops and threads, and survives cancellation."""

from __future__ import annotations

import asyncio
import threading

from assay.models import EndpointLimiter, limiter_for


class Gauge:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


async def busy(limiter: EndpointLimiter, gauge: Gauge, n: int) -> None:
    async def one() -> None:
        async with limiter:
            gauge.enter()
            await asyncio.sleep(0.002)
            gauge.leave()

    await asyncio.gather(*(one() for _ in range(n)))


def test_limit_holds_across_threads_each_with_its_own_loop() -> None:
    limiter, gauge = EndpointLimiter(3), Gauge()
    threads = [threading.Thread(target=lambda: asyncio.run(busy(limiter, gauge, 60))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert gauge.peak == 3 and gauge.now == 0 and limiter.in_use == 0


def test_cancelled_waiters_do_not_leak_slots() -> None:
    async def go() -> None:
        limiter = EndpointLimiter(1)
        await limiter.acquire()
        waiters = [asyncio.create_task(limiter.acquire()) for _ in range(5)]
        await asyncio.sleep(0)
        for w in waiters[:4]:
            w.cancel()
        limiter.release()  # handed to a waiter whose cancellation may race the grant
        await asyncio.sleep(0.01)
        assert waiters[4].done() and not waiters[4].cancelled()
        assert limiter.in_use == 1
        limiter.release()
        assert limiter.in_use == 0
        # And it still works afterwards.
        await asyncio.wait_for(busy(limiter, Gauge(), 10), 5)

    asyncio.run(go())


def test_cancel_after_the_grant_gives_the_slot_back() -> None:
    async def go() -> None:
        limiter = EndpointLimiter(1)
        await limiter.acquire()
        waiter = asyncio.create_task(limiter.acquire())
        await asyncio.sleep(0)
        limiter.release()  # grant scheduled ...
        waiter.cancel()  # ... and the waiter cancelled before it runs
        await asyncio.gather(waiter, return_exceptions=True)
        await asyncio.sleep(0.01)
        assert limiter.in_use == 0

    asyncio.run(go())


def test_one_limiter_per_endpoint_name_and_limit() -> None:
    assert limiter_for("test-limits-a", 4) is limiter_for("test-limits-a", 4)
    assert limiter_for("test-limits-a", 4) is not limiter_for("test-limits-b", 4)
    assert limiter_for("test-limits-a", 4).limit == 4
