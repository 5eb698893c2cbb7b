"""bench/prep_bench.py runs end to end on a small corpus, and its planted pairs are what it says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_planted_pairs_are_near_duplicates() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from prep_bench import make_docs  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from tests.prep.helpers import jaccard, shingles

    texts, planted = make_docs(2000)
    assert 50 <= len(planted) <= 150
    for a, b in planted[:50]:
        assert a < b and jaccard(shingles(texts[int(a)]), shingles(texts[int(b)])) >= 0.8


@pytest.mark.slow
def test_bench_runs_and_reports_both_sides(tmp_path: Path) -> None:
    pytest.importorskip("datasketch")
    out = tmp_path / "prep.json"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "prep_bench.py"), "--docs", "3000", "--ds-docs", "1500",
                             "--json", str(out)], capture_output=True, text=True, timeout=300, check=True)
    assert "speed-up" in result.stdout and "extrapolated linearly from 1,500" in result.stdout
    data = json.loads(out.read_text())
    assert data["assay"]["docs"] == 3000 and data["datasketch"]["docs"] == 1500
    assert data["assay"]["recall"] > 0.8 and data["datasketch"]["recall"] > 0.8
