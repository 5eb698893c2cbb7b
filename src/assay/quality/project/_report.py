"""The doors' entry points: one project's quality figures, and consensus computed and stored.

Every door (CLI, REST API, SDK, web page) calls `project_quality` or `compute_consensus` with the
same `QualityOptions`, so they all show the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select

from assay.store import Consensus, Database, JudgementSource

from ._agreement import QuestionAgreement, question_agreement
from ._calibration import CalibrationRound, DisputedItem, calibration_rounds, disputed_items
from ._consensus import ADJUDICATED, ConsensusRun, consensus_rows, low_confidence_items, store_consensus
from ._fit import QuestionFit, fit_question
from ._labels import is_categorical
from ._load import DEFAULT_SOURCES, ProjectData, load_project_data
from ._options import QualityOptions
from ._scorecards import Scorecard, scorecards
from ._units import question_ratings

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): what is being computed, and how far along."""
PARTS = ("agreement", "scorecards", "calibration")


def fit_project(db: Database, slug: str, options: QualityOptions, *,
                sources: Sequence[JudgementSource] = DEFAULT_SOURCES,
                progress: Progress | None = None) -> tuple[ProjectData, list[QuestionFit]]:
    """Load a project's judgements and fit consensus to each categorical question."""
    with db.session() as session:
        data = load_project_data(session, slug, sources=sources,
                                 progress=None if progress is None else lambda d, t: progress("loading", d, t))
    fits = []
    questions = data.categorical
    for done, q in enumerate(questions):
        if progress is not None:
            progress("consensus", done, len(questions))
        qr = question_ratings(data, q.key)
        if qr is not None:
            fits.append(fit_question(qr, data, options))
    if progress is not None:
        progress("consensus", len(questions), len(questions))
    return data, fits


def compute_consensus(db: Database, slug: str, options: QualityOptions | None = None, *,
                      progress: Progress | None = None) -> ConsensusRun:
    """Compute consensus for every categorical question and store it (see `store_consensus`)."""
    options = options or QualityOptions()
    data, fits = fit_project(db, slug, options, progress=progress)
    keys = [q.key for q in data.spec.questions if is_categorical(q)]
    return store_consensus(db, data.project_id, keys, [consensus_rows(f, options) for f in fits], options)


@dataclass
class ProjectQuality:
    """A project's quality figures. ``to_dict`` gives the JSON of ``GET /api/projects/{slug}/quality``."""

    slug: str
    name: str
    options: QualityOptions
    n_judgements: int
    n_annotators: int
    questions: list[QuestionAgreement] = field(default_factory=list)
    not_measured: list[dict[str, str]] = field(default_factory=list)
    disputed: list[DisputedItem] = field(default_factory=list)
    stored_consensus: dict[str, Any] = field(default_factory=dict)
    scorecards: list[Scorecard] = field(default_factory=list)
    calibration: list[CalibrationRound] = field(default_factory=list)
    usernames: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.slug, "name": self.name, "n_judgements": self.n_judgements,
            "n_annotators": self.n_annotators, "n_boot": self.options.n_boot, "seed": self.options.seed,
            "questions": [self._question(q) for q in self.questions], "not_measured": self.not_measured,
            "disputed_items": [d.to_dict() for d in self.disputed], "consensus": self.stored_consensus,
        }

    def scorecards_dict(self) -> dict[str, Any]:
        return {"project": self.slug, "scorecards": [c.to_dict() for c in self.scorecards]}

    def calibration_dict(self) -> dict[str, Any]:
        return {"project": self.slug, "rounds": [r.to_dict() for r in self.calibration]}

    def _question(self, q: QuestionAgreement) -> dict[str, Any]:
        name = self.usernames
        return {
            "question": q.key, "title": q.title, "kind": q.kind, "criterion": q.criterion,
            "per_response": q.per_response, "level": q.level, "kappa_weights": q.kappa_weights,
            "pair_intervals": q.pair_intervals,
            "n_dropped": q.n_dropped, "overall": q.overall.to_dict(), "by_domain": [d.to_dict() for d in q.by_domain],
            "dispersion": q.dispersion,
            "pairs": [{"annotator_a": name.get(p.a, str(p.a)), "annotator_b": name.get(p.b, str(p.b)), "n": p.n,
                       "percent": p.percent.to_dict(), "kappa": p.kappa.to_dict()} for p in q.pairs],
        }


def project_quality(db: Database, slug: str, options: QualityOptions | None = None, *,
                    org_id: int | None = None, parts: Collection[str] = PARTS, calibration_round: int | None = None,
                    progress: Progress | None = None) -> ProjectQuality:
    """Agreement per question, domain and pair; disputed items; scorecards; calibration rounds.

    With ``org_id`` (a vendor's viewer) only that organization's people appear in the person-level
    figures (scorecards, pairs, calibration people); project-level figures are over everyone."""
    options = options or QualityOptions()
    data, fits = fit_project(db, slug, options, progress=progress)
    people = data.people
    out = ProjectQuality(data.slug, data.name, options, len(data.judgement_id), len(set(data.judgement_user.tolist())),
                         usernames={uid: p.username for uid, p in people.items()})
    mine = (lambda uid: people[uid].org_id == org_id if uid in people else False) if org_id is not None else None
    if "agreement" in parts:
        for done, fit in enumerate(fits):
            if progress is not None:
                progress("agreement", done, len(fits))
            qa = question_agreement(fit.qr, data, n_boot=options.n_boot, seed=options.seed)
            if mine is not None:
                qa.pairs[:] = [p for p in qa.pairs if mine(p.a) and mine(p.b)]
            out.questions.append(qa)
        measured = {f.qr.question.key for f in fits}
        out.not_measured = [{"question": q.key, "kind": q.kind.value, "why": _why(q.kind.value, q.key in measured)}
                            for q in data.spec.questions if q.key not in measured]
        out.disputed = disputed_items(data, fits, top=options.top_items)
        out.stored_consensus = _stored(db, data, options)
    if "scorecards" in parts:
        if progress is not None:
            progress("scorecards", 0, 1)
        out.scorecards = [c for c in scorecards(data, fits, options) if mine is None or mine(c.user_id)]
    if "calibration" in parts:
        out.calibration = calibration_rounds(data, fits, top=options.top_items, only=calibration_round)
        if mine is not None:
            for r in out.calibration:
                r.people = [p for p in r.people if mine(p.user_id)]
    if progress is not None:
        progress("done", 1, 1)
    return out


def _why(kind: str, measured: bool) -> str:
    if kind in ("rating", "choice", "compare"):
        return "no submitted answers yet"
    if kind == "text":
        return "free text: checked for copy-paste in the scorecards, not for agreement"
    return f"{kind} answers need their own distance for agreement (not measured yet)"


def _stored(db: Database, data: ProjectData, options: QualityOptions) -> dict[str, Any]:
    """What the consensus table holds for the project, by method, and the least confident computed
    answers (at most ``top_items``) with where to adjudicate them: what review should look at."""
    threshold = options.low_confidence
    low = func.sum(case((Consensus.confidence < threshold, 1), else_=0))
    with db.session() as session:
        rows = session.execute(
            select(Consensus.method, func.count(), low).where(Consensus.project_id == data.project_id)
            .group_by(Consensus.method).order_by(Consensus.method)
        ).all()
    by_method = {str(m): {"rows": int(n), "low_confidence": int(lo or 0) if m != ADJUDICATED else 0}
                 for m, n, lo in rows}
    least = low_confidence_items(db, data.slug, threshold, limit=options.top_items)
    return {"threshold": threshold, "by_method": by_method,
            "low_confidence": sum(v["low_confidence"] for v in by_method.values()),
            "adjudicated": by_method.get(ADJUDICATED, {}).get("rows", 0),
            "low_confidence_items": [
                {"item_id": x.item_id, "question": x.question, "response_id": x.response_id,
                 "confidence": x.confidence, "method": x.method, "value": x.value,
                 "url": f"/p/{data.slug}/items/{x.item_id}/adjudicate"} for x in least]}
