"""Consensus per item and question, written to the ``consensus`` table.

Categorical questions store the label chosen by the truth-inference method (Dawid–Skene with
gold items clamped by default) with its posterior as confidence. Rating questions may instead
store the mean or median rating, with confidence ``1 − 2·sd / (max − min)`` of the scale (sd with
denominator n, so 1 = unanimous and 0 = split between the two ends of the scale; None for a single
rating). Rows a person adjudicated (``method = "adjudicated"``) are never touched; the computed
rows of the questions are replaced as a whole, so running it again gives the same table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Table, and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assay.quality import aggregate_scores
from assay.spec import QuestionKind
from assay.store import Consensus, Database
from assay.store.projects import get_project

from ._fit import QuestionFit
from ._labels import stored_value
from ._load import FloatArray, IntArray
from ._options import QualityOptions

ADJUDICATED = "adjudicated"


@dataclass(frozen=True)
class QuestionConsensus:
    """One question's computed consensus, one entry per unit."""

    key: str
    method: str
    item: IntArray
    response: IntArray
    """Response id; 0 for item-level questions (as the table stores it)."""
    value: list[Any]
    confidence: FloatArray
    n: IntArray


def consensus_rows(fit: QuestionFit, options: QualityOptions) -> QuestionConsensus:
    """The consensus of one question, as it will be stored."""
    q = fit.qr.question
    r = fit.qr.ratings
    units = r.items.astype(np.int64)
    response = units if q.per_response else np.zeros(len(units), dtype=np.int64)
    n = r.raters_per_item()
    if q.kind == QuestionKind.RATING and options.rating_method in ("mean", "median"):
        assert q.scale is not None
        s = aggregate_scores(r, options.rating_method)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd_pop = np.where(n >= 2, s.sd * np.sqrt((n - 1) / n), np.nan)
        confidence = np.clip(1.0 - 2.0 * sd_pop / (q.scale.max - q.scale.min), 0.0, 1.0)
        values = [stored_value(q, round(float(v), 6)) for v in s.value.tolist()]
        return QuestionConsensus(q.key, options.rating_method, fit.qr.unit_item, response, values, confidence, n)
    labels = r.categories[fit.consensus.label].tolist()
    return QuestionConsensus(q.key, fit.consensus.method, fit.qr.unit_item, response,
                             [stored_value(q, v) for v in labels], fit.consensus.confidence.astype(np.float64), n)


@dataclass(frozen=True)
class ConsensusRun:
    """What a consensus run wrote."""

    method: str
    rating_method: str
    threshold: float
    written: int
    adjudicated_kept: int
    low_confidence: int
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "rating_method": self.rating_method, "threshold": self.threshold,
                "written": self.written, "adjudicated_kept": self.adjudicated_kept,
                "low_confidence": self.low_confidence, "questions": self.questions}


def store_consensus(db: Database, project_id: int, questions: list[str], results: list[QuestionConsensus],
                    options: QualityOptions, *, now: datetime | None = None) -> ConsensusRun:
    """Replace the computed consensus of ``questions`` by ``results`` in one transaction."""
    now = now or datetime.now(UTC)
    written = kept = low = 0
    summary: dict[str, dict[str, Any]] = {}
    with db.write_session() as session:
        decided = _adjudicated_keys(session, project_id, questions)
        kept = len(decided)
        if questions:
            session.execute(delete(Consensus).where(
                Consensus.project_id == project_id, Consensus.question.in_(questions), Consensus.method != ADJUDICATED))
        for res in results:
            rows = []
            for item, rid, value, conf, n in zip(res.item.tolist(), res.response.tolist(), res.value,
                                                 res.confidence.tolist(), res.n.tolist(), strict=True):
                if (item, res.key, rid) in decided:
                    continue
                confidence = None if not math.isfinite(conf) else conf
                rows.append({"project_id": project_id, "item_id": item, "question": res.key, "response_id": rid,
                             "value": value, "method": res.method, "confidence": confidence,
                             "reason": f"{res.method} over {n} answer{'s' if n != 1 else ''}", "decided_at": now})
            _insert(session, rows)
            n_low = sum(1 for r in rows if r["confidence"] is not None and r["confidence"] < options.low_confidence)
            confs = [r["confidence"] for r in rows if r["confidence"] is not None]
            summary[res.key] = {"method": res.method, "written": len(rows), "low_confidence": n_low,
                                "mean_confidence": float(np.mean(confs)) if confs else None}
            written += len(rows)
            low += n_low
    return ConsensusRun(options.method, options.rating_method, options.low_confidence, written, kept, low, summary)


def _adjudicated_keys(session: Session, project_id: int, questions: list[str]) -> set[tuple[int, str, int]]:
    if not questions:
        return set()
    rows = session.execute(select(Consensus.item_id, Consensus.question, Consensus.response_id).where(
        Consensus.project_id == project_id, Consensus.question.in_(questions), Consensus.method == ADJUDICATED))
    return {(int(i), str(q), int(r)) for i, q, r in rows}


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert, skipping any row a person adjudicated meanwhile (the unique index would refuse it)."""
    if not rows:
        return
    table: Table = Consensus.__table__  # type: ignore[assignment]
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).on_conflict_do_nothing()
    conn = session.connection()
    for start in range(0, len(rows), 5000):
        conn.execute(stmt, rows[start:start + 5000])


@dataclass(frozen=True)
class LowConfidence:
    item_id: int
    question: str
    response_id: int
    """0 for item-level questions."""
    confidence: float
    method: str
    value: Any


def low_confidence_items(db: Database, slug: str, threshold: float = 0.7, *,
                         limit: int | None = None) -> list[LowConfidence]:
    """Computed consensus below ``threshold`` confidence, least confident first: what review should
    look at. Adjudicated answers are never listed (a person already decided them)."""
    with db.session() as session:
        project = get_project(session, slug)
        stmt = (select(Consensus.item_id, Consensus.question, Consensus.response_id, Consensus.confidence,
                       Consensus.method, Consensus.value)
                .where(and_(Consensus.project_id == project.id, Consensus.method != ADJUDICATED,
                            Consensus.confidence.is_not(None), Consensus.confidence < threshold))
                .order_by(Consensus.confidence, Consensus.item_id, Consensus.question, Consensus.response_id))
        if limit is not None:
            stmt = stmt.limit(limit)
        return [LowConfidence(int(i), str(q), int(r), float(c), str(m), v) for i, q, r, c, m, v in session.execute(stmt)]
