"""Model runs: found by their configuration (so the same command continues the same run), with their
token and cost totals kept up to date as results are stored."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assay.store import Database, ModelRun, RunKind, RunStatus


def config_hash(config: Mapping[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(dict(config), option=orjson.OPT_SORT_KEYS)).hexdigest()


def open_run(session: Session, project_id: int, kind: RunKind, name: str, config: Mapping[str, Any], *,
             endpoint: str | None, model: str | None, user_id: int | None = None) -> tuple[ModelRun, bool]:
    """The run with this configuration in the project, created if new; (run, resumed)."""
    digest = config_hash(config)
    run = session.scalar(select(ModelRun).where(ModelRun.project_id == project_id, ModelRun.config_hash == digest))
    if run is not None:
        run.status = RunStatus.running
        run.finished_at = None
        run.updated_at = datetime.now(UTC)
        return run, True
    run = ModelRun(project_id=project_id, kind=kind, name=name, endpoint=endpoint, model=model, config=dict(config),
                   config_hash=digest, status=RunStatus.running, calls=0, cache_hits=0, errors=0, input_tokens=0,
                   output_tokens=0, cost_usd=None, created_by=user_id)
    session.add(run)
    session.flush()
    return run, False


@dataclass
class Tally:
    """Counters of results not yet written to the run's row."""

    calls: int = 0
    cache_hits: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    error_kinds: dict[str, int] = field(default_factory=dict)

    def add_reply(self, *, cached: bool, input_tokens: int, output_tokens: int, cost: float | None) -> None:
        if cached:
            self.cache_hits += 1
            return
        self.calls += 1
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        if cost is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost

    def add_error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def absorb(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.calls += other.calls
        self.cache_hits += other.cache_hits
        self.errors += other.errors
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        if other.cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + other.cost_usd
        for k, n in other.error_kinds.items():
            self.error_kinds[k] = self.error_kinds.get(k, 0) + n

    @property
    def empty(self) -> bool:
        return not (self.calls or self.cache_hits or self.errors)

    def flush_into(self, session: Session, run_id: int) -> None:
        """Add these counts to the run's row (one UPDATE, safe beside other writers)."""
        values: dict[str, Any] = {
            "calls": ModelRun.calls + self.calls,
            "cache_hits": ModelRun.cache_hits + self.cache_hits,
            "errors": ModelRun.errors + self.errors,
            "input_tokens": ModelRun.input_tokens + self.input_tokens,
            "output_tokens": ModelRun.output_tokens + self.output_tokens,
            "updated_at": datetime.now(UTC),
        }
        if self.cost_usd is not None:
            values["cost_usd"] = _coalesce_add(self.cost_usd)
        session.execute(update(ModelRun).where(ModelRun.id == run_id).values(**values))


def _coalesce_add(amount: float) -> Any:
    return func.coalesce(ModelRun.cost_usd, 0.0) + amount


def finish_run(session: Session, run_id: int, status: RunStatus) -> None:
    now = datetime.now(UTC)
    session.execute(update(ModelRun).where(ModelRun.id == run_id).values(
        status=status, updated_at=now, finished_at=now if status == RunStatus.finished else None))


@dataclass(frozen=True)
class RunSummary:
    """What a run did this time and in total."""

    run_id: int
    name: str
    resumed: bool
    units: int
    """Units of work in the run's scope (e.g. item × question × response × order)."""
    already_done: int
    """Units stored by earlier attempts of the same run, skipped this time."""
    done_now: int
    """Units stored this time."""
    unscored: int
    """Of those, replies with no readable verdict (stored as unscored)."""
    failed: int
    """Calls that failed after their retries (not stored; the next run of the same command retries them)."""
    error_kinds: dict[str, int]
    calls: int
    cache_hits: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    total_cost_usd: float | None
    """Cost of the run over all its attempts."""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


FLUSH_EVERY = 100
FLUSH_SECONDS = 1.0


class ResultBuffer:
    """Results of a run waiting to be written, with their counts, and the totals of this attempt.

    Written every FLUSH_EVERY results or FLUSH_SECONDS, whichever comes first: a hard kill loses at
    most that much bookkeeping, and the replies themselves are in the cache, so they are not paid for
    again. `write(session, rows)` stores the rows (verdicts, responses) in the flush's transaction."""

    def __init__(self, db: Database, run_id: int, write: Callable[[Session, list[dict[str, Any]]], object]) -> None:
        self.db, self.run_id, self._write = db, run_id, write
        self.rows: list[dict[str, Any]] = []
        self.tally = Tally()
        self.totals = Tally()
        self.stored = 0
        self.last_flush = time.monotonic()

    def due(self) -> bool:
        waiting = len(self.rows) + self.tally.errors
        return waiting >= FLUSH_EVERY or (waiting > 0 and time.monotonic() - self.last_flush >= FLUSH_SECONDS)

    def flush(self) -> None:
        if not self.rows and self.tally.empty:
            return
        rows, tally = self.rows, self.tally
        self.rows, self.tally = [], Tally()
        self.last_flush = time.monotonic()
        with self.db.write_session() as session:
            if rows:
                self._write(session, rows)
            tally.flush_into(session, self.run_id)
        self.stored += len(rows)
        self.totals.absorb(tally)


def close_run(db: Database, buffer: ResultBuffer, status: RunStatus) -> float | None:
    """Write what is left, set the run's status; the run's cost over all its attempts."""
    buffer.flush()
    with db.write_session() as session:
        finish_run(session, buffer.run_id, status)
    with db.session() as session:
        row = session.get(ModelRun, buffer.run_id)
        assert row is not None
        return row.cost_usd
