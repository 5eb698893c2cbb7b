"""The quality benchmark keeps running: a quick run end to end (timings are not asserted, answers are)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_bench.py"


@pytest.mark.slow
def test_quality_bench_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--repeat", "1", "--evalica-rounds", "0", "--json", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ratios" in proc.stdout
    results = {r["name"]: r for r in json.loads(out.read_text())["results"]}
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert results[f"alpha {level}: assay"]["agrees"] is True
    assert results["fleiss: assay (build + kappa)"]["agrees"] is True
    assert results["assay: fit"]["corr_with_truth"] > 0.95
    if "dawid-skene: crowd-kit" in results:
        assert results["dawid-skene: assay, crowd-kit's iteration count"]["same_labels"] > 0.99
    if "choix ilsr_pairwise (ties dropped)" in results:
        assert results["choix ilsr_pairwise (ties dropped)"]["max_log_strength_diff"] < 1e-6
