"""The formats benchmark keeps running: a quick run end to end (timings are not asserted; that both
sides wrote the same records, and that the fast writers match the canonical path, are)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "formats_bench.py"


@pytest.mark.slow
def test_formats_bench_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--repeat", "1", "--workdir", str(tmp_path / "work"),
                           "--json", str(out)], capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert results["same_records"] == {"jsonl": True, "parquet": True, "fast rows = canonical": True}
    pairs = results["data"]["pairs"]
    assert 0 < pairs < results["data"]["judgements"] == 20_000
    assert {name: r["records"] for name, r in results["results"].items()} == {
        "assay-jsonl": pairs, "pandas-jsonl": pairs, "assay-parquet": pairs, "pandas-parquet": pairs,
        "assay-canonical-jsonl": pairs}
