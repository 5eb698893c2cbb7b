"""The serving benchmark keeps running: `--quick` end to end on SQLite (numbers are not asserted, only
that requests succeed and the overlap invariant held)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "serve_bench.py"


@pytest.mark.slow
def test_serve_bench_quick(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--out", str(tmp_path), "--json", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "summary" in proc.stdout
    results = json.loads(out.read_text())
    assert results["label_studio"] == []
    (sqlite,) = results["assay"]
    assert sqlite["backend"] == "sqlite"
    assert [lv["clients"] for lv in sqlite["levels"]] == [1, 4]
    for lv in sqlite["levels"]:
        assert lv["n_errors"] == 0, lv["errors"]
        assert lv["submissions"] > 0
        assert lv["next_ms"]["p50"] > 0 and lv["submit_ms"]["p99"] >= lv["submit_ms"]["p50"]
    assert sqlite["queries_per_request"]["next"] > 0
    assert sqlite["invariants"]["items_over_overlap"] == 0
    assert sqlite["invariants"]["duplicate_pairs"] == 0
