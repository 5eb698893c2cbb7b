"""`ResponseCache`: successful replies on disk, keyed by `ModelRequest.cache_key`, shared by processes."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from assay.config import assay_home
from assay.models._reply import ModelReply, Usage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    finish_reason TEXT,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    usage_reported INTEGER NOT NULL,
    reasoning TEXT,
    refusal TEXT,
    created_at REAL NOT NULL
) WITHOUT ROWID
"""
_COLUMNS = "text, finish_reason, model, input_tokens, output_tokens, usage_reported, reasoning, refusal"


def default_cache_path() -> Path:
    """`assay_home()/cache/models.sqlite`."""
    return assay_home() / "cache" / "models.sqlite"


class ResponseCache:
    """SQLite file in WAL mode, so several processes (and threads) can read and write it at once.

    Only replies are stored (text, usage, finish reason, model, reasoning, refusal), never requests'
    headers or keys. A hit is returned with `cached=True`, `cost_usd=0`, `attempts=0`.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection guarded by a lock; busy_timeout makes writers from other processes wait, not fail.
        self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across process crashes in WAL mode (only an OS crash may lose the last
            # commits), and avoids an fsync per stored reply.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._conn.execute(_SCHEMA)

    def get(self, key: str) -> ModelReply | None:
        """The stored reply for `key`, marked cached, or None."""
        started = time.perf_counter()
        with self._lock:
            row = self._conn.execute(f"SELECT {_COLUMNS} FROM replies WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        text, finish, model, input_tokens, output_tokens, reported, reasoning, refusal = row
        return ModelReply.model_construct(
            text=text,
            finish_reason=finish,
            usage=Usage.model_construct(input_tokens=input_tokens, output_tokens=output_tokens, reported=bool(reported)),
            model=model,
            cached=True,
            latency_ms=(time.perf_counter() - started) * 1000.0,
            cost_usd=0.0,
            attempts=0,
            reasoning=reasoning,
            refusal=refusal,
        )

    def put(self, key: str, reply: ModelReply) -> None:
        """Store a successful reply (replacing any older one for the same key)."""
        values = (
            key,
            reply.text,
            reply.finish_reason,
            reply.model,
            reply.usage.input_tokens,
            reply.usage.output_tokens,
            int(reply.usage.reported),
            reply.reasoning,
            reply.refusal,
            time.time(),
        )
        with self._lock:
            self._conn.execute(f"INSERT OR REPLACE INTO replies (key, {_COLUMNS}, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", values)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM replies WHERE key = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM replies").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
