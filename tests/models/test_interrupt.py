"""Ctrl-C during a synchronous run (the CLI's case) stops it cleanly and keeps its numbers."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import orjson

CHILD = """
import sys, orjson
from assay.models import OFFLINE_ENDPOINT, ModelRequest, OfflineProvider, RunStats, limiter_for, run_requests
stats = RunStats()
def on_result(key, outcome):
    print("result", key, flush=True)
work = ((i, ModelRequest.chat(f"q{i}")) for i in range(100000))
try:
    run_requests(OFFLINE_ENDPOINT, work, cache=None, on_result=on_result, stats=stats, concurrency=4,
                 provider=OfflineProvider(delay_s=0.01))
    print("finished", flush=True)
except KeyboardInterrupt:
    in_use = limiter_for(OFFLINE_ENDPOINT.name, OFFLINE_ENDPOINT.max_concurrency).in_use
    print("interrupted " + orjson.dumps({"requests": stats.requests, "in_use": in_use}).decode(), flush=True)
"""


def test_ctrl_c_cancels_in_flight_calls_and_frees_the_limit() -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE)
    assert child.stdout is not None
    seen = 0
    while seen < 20:
        line = child.stdout.readline()
        assert line, "the child ended before the interrupt"
        seen += line.startswith(b"result")
    child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 60
    rest = child.communicate(timeout=max(1.0, deadline - time.monotonic()))[0]
    last = rest.strip().splitlines()[-1]
    assert child.returncode == 0 and last.startswith(b"interrupted ")
    numbers = orjson.loads(last.removeprefix(b"interrupted "))
    assert 20 <= numbers["requests"] < 100000 and numbers["in_use"] == 0
