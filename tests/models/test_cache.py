from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assay.models import ModelReply, ResponseCache, Usage, default_cache_path


def reply(text: str = "hello", **kw: object) -> ModelReply:
    values: dict[str, object] = {"text": text, "finish_reason": "stop", "usage": Usage(input_tokens=11, output_tokens=3),
                                 "model": "m-1", "latency_ms": 812.0, "cost_usd": 0.25, "attempts": 2}
    values.update(kw)
    return ModelReply.model_validate(values)


def test_a_hit_is_the_stored_reply_marked_cached_and_free(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        assert cache.get("k") is None and "k" not in cache
        cache.put("k", reply(reasoning="hmm", refusal=None))
        hit = cache.get("k")
        assert hit is not None and "k" in cache and len(cache) == 1
        assert (hit.text, hit.finish_reason, hit.model, hit.reasoning) == ("hello", "stop", "m-1", "hmm")
        assert hit.usage == Usage(input_tokens=11, output_tokens=3)
        assert hit.cached and hit.cost_usd == 0.0 and hit.attempts == 0 and hit.latency_ms < 812.0


def test_replies_survive_reopening_and_use_wal(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with ResponseCache(path) as cache:
        cache.put("k", reply("persisted", usage=Usage(input_tokens=1, output_tokens=2, reported=False)))
    with ResponseCache(path) as cache:
        hit = cache.get("k")
        assert hit is not None and hit.text == "persisted" and not hit.usage.reported
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_location_is_under_assay_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "cache" / "models.sqlite"
    with ResponseCache() as cache:
        assert cache.path == tmp_path / "cache" / "models.sqlite" and cache.path.exists()


WRITER = """
import sys
from assay.models import ModelReply, ResponseCache, Usage
cache = ResponseCache(sys.argv[1])
for i in range(300):
    cache.put(f"{sys.argv[2]}-{i}", ModelReply(text=f"{sys.argv[2]} {i}", usage=Usage(), model="m"))
cache.close()
"""


def test_several_processes_share_one_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    ResponseCache(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name]) for name in ("a", "b", "c")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    with ResponseCache(path) as cache:
        assert len(cache) == 900
        hit = cache.get("b-299")
        assert hit is not None and hit.text == "b 299"
