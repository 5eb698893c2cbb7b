"""The import benchmark keeps running: a small run end to end (numbers are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "import_bench.py"


@pytest.mark.slow
def test_import_bench_runs_small(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--n", "3000", "--out", str(tmp_path), "--json", str(out), "--postgres", ""],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ratios" in proc.stdout
    results = {r["name"]: r for r in json.loads(out.read_text())["results"]}
    for name in ("bare-sqlite3", "bare-sqlite3 (again)", "assay-jsonl-sqlite", "assay-parquet-sqlite", "pandas-to_sql"):
        assert "error" not in results[name], results[name]
        assert results[name]["records"] == 3000
        assert 0 < results[name]["peak_rss_mb"] < 2000
