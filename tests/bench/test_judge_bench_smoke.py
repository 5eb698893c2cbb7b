"""The judging benchmark keeps running: `--quick` (300 calls against the local fake server, no Inspect).
Numbers are not asserted, only that every call was made once, graded, and then served from the cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "judge_bench.py"


@pytest.mark.slow
def test_judge_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "calls/s" in proc.stdout and "cached re-run" in proc.stdout
    results = json.loads(out.read_text())
    cold, cached = results["rows"]
    assert (cold["run"], cold["n"], cold["calls"], cold["cache_hits"], cold["errors"]) == ("assay (cold)", 300, 300, 0, 0)
    assert cold["grades"] == {"C": 300}  # every reply parsed to a verdict
    assert (cached["calls"], cached["cache_hits"], cached["errors"]) == (0, 300, 0)
    assert cached["grades"] == {"C": 300}
    assert results["concurrency"] == 64 and results["latency_s"] == 0.05
    assert cold["ideal_per_second"] == pytest.approx(1280)
