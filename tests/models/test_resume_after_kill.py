"""A run killed with SIGKILL half-way and restarted: every item answered once, finished calls never repeated."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.models.fake_openai import FakeOpenAI

N = 200
CHILD = """
import sys, orjson
from pathlib import Path
from assay.models import Endpoint, ModelRequest, ModelReply, ResponseCache, run_requests
url, cache_path, out_path = sys.argv[1:4]
out = Path(out_path)
done = set()
if out.exists():
    for line in out.read_bytes().split(b"\\n"):
        if line.strip():
            done.add(orjson.loads(line)["key"])
ep = Endpoint(name="killed", base_url=url, model="m", max_concurrency=4,
              price_input_per_mtok=1.0, price_output_per_mtok=2.0)
work = ((f"k{i}", ModelRequest.chat(f"prompt {i}")) for i in range(int(sys.argv[4])) if f"k{i}" not in done)
with open(out, "ab", buffering=0) as sink:
    def store(key, outcome):
        assert isinstance(outcome, ModelReply), outcome
        sink.write(orjson.dumps({"key": key, "text": outcome.text, "cost": outcome.cost_usd}) + b"\\n")
    stats = run_requests(ep, work, cache=ResponseCache(cache_path), on_result=store)
print(stats.model_dump_json())
"""


def read(out: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in out.read_bytes().split(b"\n") if line.strip()]


@pytest.mark.slow
def test_killed_run_restarts_where_it_stopped(fake: tuple[FakeOpenAI, str], tmp_path: Path) -> None:
    app, url = fake
    app.latency_s = 0.02
    out, cache = tmp_path / "results.jsonl", tmp_path / "cache.sqlite"
    args = [sys.executable, "-c", CHILD, url, str(cache), str(out), str(N)]
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (out.exists() and len(read(out)) >= N // 3):
        assert child.poll() is None and time.monotonic() < deadline, "the child finished or stalled before the kill"
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    first = {str(r["key"]) for r in read(out)}
    assert N // 3 <= len(first) < N

    finished = subprocess.run(args, capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr.decode()
    rows = read(out)
    keys = [str(r["key"]) for r in rows]
    assert sorted(keys) == sorted(f"k{i}" for i in range(N))  # every item exactly once
    # Items finished before the kill were never sent again; at most those in flight (4) were.
    assert all(app.calls[f"prompt {k[1:]}"] == 1 for k in first)
    assert app.total_calls - N <= 4
    assert all(isinstance(r["cost"], float) for r in rows)
