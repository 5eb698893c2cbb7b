"""Reading a project's stored judgements for statistics: bulk queries, NumPy arrays out.

One query per question on the long-form ``judgement_answers`` table (indexed by project and
question), one for the submitted judgements, and a few small ones (people, reviews, gold,
adjudicated answers). Nothing is parsed row by row beyond turning a choice or comparison answer
into its label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assay.spec import ProjectSpec, Question, QuestionKind
from assay.store import (
    Consensus,
    Item,
    Judgement,
    JudgementAnswer,
    JudgementSource,
    JudgementStatus,
    Organization,
    OrgKind,
    Response,
    Review,
    ReviewVerdict,
    User,
)
from assay.store.projects import get_project, load_project_spec

from ._labels import categories, is_categorical, is_text, label_of, per_response_gold

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[Any]

DEFAULT_SOURCES: tuple[JudgementSource, ...] = (JudgementSource.human, JudgementSource.imported)
"""Judgements people made: in the workspace, or imported from a team's history."""


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    display_name: str
    org_id: int
    org: str
    vendor: bool


@dataclass(frozen=True)
class Answers:
    """One question's submitted answers: one row per judgement (and response, per-response questions)."""

    question: Question
    judgement: IntArray
    item: IntArray
    response: IntArray
    """Response id, 0 for item-level questions."""
    user: IntArray
    label: ObjArray
    """Ratings: float64 (NaN when missing); otherwise objects (None when missing). Text: the text."""

    @property
    def unit(self) -> IntArray:
        """What a label is about: the response for per-response questions, else the item."""
        return self.response if self.question.per_response else self.item

    def __len__(self) -> int:
        return len(self.judgement)


@dataclass(frozen=True)
class ProjectData:
    """Everything the quality figures read, loaded once."""

    project_id: int
    slug: str
    name: str
    spec: ProjectSpec
    item_id: IntArray
    """Every item id, sorted; the item_* arrays are in this order."""
    item_domain: ObjArray
    item_round: IntArray
    """Calibration round, -1 for none."""
    item_gold: BoolArray
    judgement_id: IntArray
    """Submitted judgements by people, sorted by id; the judgement_* arrays are in this order."""
    judgement_user: IntArray
    judgement_item: IntArray
    judgement_time_ms: FloatArray
    judgement_submitted: FloatArray
    """Seconds since the epoch (NaN when unknown)."""
    people: dict[int, Person]
    reviews: dict[int, tuple[int, int]]
    """user id -> (reviews of their judgements, of which rejections)."""
    answers: dict[str, Answers]
    gold: dict[str, dict[int, Any]]
    """question -> unit -> gold label, for categorical questions."""
    adjudicated: dict[str, dict[int, Any]]
    """question -> unit -> adjudicated label, for categorical questions."""

    def item_index(self, item_ids: IntArray) -> IntArray:
        """Positions of ``item_ids`` in ``item_id``."""
        return np.searchsorted(self.item_id, item_ids).astype(np.int64)

    def domains_of(self, item_ids: IntArray) -> ObjArray:
        return self.item_domain[self.item_index(item_ids)]

    @property
    def categorical(self) -> list[Question]:
        return [q for q in self.spec.questions if is_categorical(q) and q.key in self.answers]


def load_project_data(
    session: Session,
    slug: str,
    *,
    sources: Sequence[JudgementSource] = DEFAULT_SOURCES,
    progress: Callable[[int, int], None] | None = None,
) -> ProjectData:
    """Load a project's submitted judgements and what surrounds them (see `ProjectData`)."""
    project = get_project(session, slug)
    spec = load_project_spec(session, project)
    pid = project.id
    items = session.execute(
        select(Item.id, Item.domain, Item.calibration_round, Item.is_gold).where(Item.project_id == pid).order_by(Item.id)
    ).all()
    item_cols = _columns(items, 4)
    judgements = session.execute(
        select(Judgement.id, Judgement.user_id, Judgement.item_id, Judgement.time_spent_ms, Judgement.submitted_at)
        .where(Judgement.project_id == pid, Judgement.status == JudgementStatus.submitted,
               Judgement.source.in_(list(sources)))
        .order_by(Judgement.id)
    ).all()
    j_cols = _columns(judgements, 5)
    judgement_id = _ints(j_cols[0])
    questions = [q for q in spec.questions if is_categorical(q) or is_text(q)]
    answers: dict[str, Answers] = {}
    for done, q in enumerate(questions):
        if progress is not None:
            progress(done, len(questions))
        answers[q.key] = _answers(session, pid, q, judgement_id)
    if progress is not None:
        progress(len(questions), len(questions))
    people = _people(session, set(_ints(j_cols[1]).tolist()))
    return ProjectData(
        project_id=pid, slug=project.slug, name=project.name, spec=spec,
        item_id=_ints(item_cols[0]),
        item_domain=np.array([d or "(none)" for d in item_cols[1]], dtype=object),
        item_round=np.array([-1 if r is None else r for r in item_cols[2]], dtype=np.int64),
        item_gold=np.array(item_cols[3], dtype=bool),
        judgement_id=judgement_id, judgement_user=_ints(j_cols[1]), judgement_item=_ints(j_cols[2]),
        judgement_time_ms=np.array([np.nan if t is None else t for t in j_cols[3]], dtype=np.float64),
        judgement_submitted=np.array([_seconds(t) for t in j_cols[4]], dtype=np.float64),
        people=people, reviews=_reviews(session, pid), answers=answers,
        gold=_gold(session, pid, spec), adjudicated=_adjudicated(session, pid, spec),
    )


def _answers(session: Session, pid: int, q: Question, judgement_id: IntArray) -> Answers:
    value = JudgementAnswer.value_num if q.kind == QuestionKind.RATING else JudgementAnswer.value
    rows = session.execute(
        select(JudgementAnswer.judgement_id, JudgementAnswer.item_id, JudgementAnswer.response_id,
               JudgementAnswer.user_id, value)
        .where(JudgementAnswer.project_id == pid, JudgementAnswer.question == q.key)
    ).all()
    cols = _columns(rows, 5)
    judgement = _ints(cols[0])
    pos = np.minimum(np.searchsorted(judgement_id, judgement), max(len(judgement_id) - 1, 0))
    keep = judgement_id[pos] == judgement if len(judgement_id) else np.zeros(len(judgement), dtype=bool)
    if q.kind == QuestionKind.RATING:
        label: ObjArray = np.array([np.nan if v is None else v for v in cols[4]], dtype=np.float64)
    elif q.kind == QuestionKind.TEXT:
        label = _objects([v if isinstance(v, str) else None for v in cols[4]])
    else:
        label = _objects([label_of(q, v) for v in cols[4]])
    response = np.array([0 if r is None else r for r in cols[2]], dtype=np.int64)
    return Answers(q, judgement[keep], _ints(cols[1])[keep], response[keep], _ints(cols[3])[keep], label[keep])


def _people(session: Session, user_ids: set[int]) -> dict[int, Person]:
    out: dict[int, Person] = {}
    ids = sorted(user_ids)
    for start in range(0, len(ids), 900):
        for uid, username, display, org_id, org, kind in session.execute(
            select(User.id, User.username, User.display_name, User.org_id, Organization.name, Organization.kind)
            .join(Organization, Organization.id == User.org_id).where(User.id.in_(ids[start:start + 900]))
        ):
            out[uid] = Person(uid, username, display or username, org_id, org, kind == OrgKind.vendor)
    return out


def _reviews(session: Session, pid: int) -> dict[int, tuple[int, int]]:
    out: dict[int, tuple[int, int]] = {}
    for uid, verdict, n in session.execute(
        select(Judgement.user_id, Review.verdict, func.count()).join(Review, Review.judgement_id == Judgement.id)
        .where(Judgement.project_id == pid).group_by(Judgement.user_id, Review.verdict)
    ):
        total, rejected = out.get(uid, (0, 0))
        out[uid] = (total + int(n), rejected + (int(n) if verdict == ReviewVerdict.reject else 0))
    return out


def _gold(session: Session, pid: int, spec: ProjectSpec) -> dict[str, dict[int, Any]]:
    rows = session.execute(
        select(Item.id, Item.gold).where(Item.project_id == pid, Item.is_gold.is_(True), Item.gold.is_not(None))
    ).all()
    item_ids = [i for i, _ in rows]
    responses: dict[int, list[int]] = {}
    for start in range(0, len(item_ids), 900):
        for item_id, rid in session.execute(
            select(Response.item_id, Response.id).where(Response.item_id.in_(item_ids[start:start + 900]))
            .order_by(Response.item_id, Response.position, Response.id)
        ):
            responses.setdefault(item_id, []).append(rid)
    out: dict[str, dict[int, Any]] = {q.key: {} for q in spec.questions if is_categorical(q)}
    cats = {key: set(categories(spec.question(key))) for key in out}
    for item_id, gold in rows:
        for key, value in (gold or {}).items():
            if key not in out:
                continue
            q = spec.question(key)
            pairs = per_response_gold(value, responses.get(item_id, [])) if q.per_response else {item_id: value}
            for unit, v in pairs.items():
                label = label_of(q, v)
                if label in cats[key]:
                    out[key][unit] = label
    return out


def _adjudicated(session: Session, pid: int, spec: ProjectSpec) -> dict[str, dict[int, Any]]:
    out: dict[str, dict[int, Any]] = {q.key: {} for q in spec.questions if is_categorical(q)}
    for item_id, key, rid, value in session.execute(
        select(Consensus.item_id, Consensus.question, Consensus.response_id, Consensus.value)
        .where(Consensus.project_id == pid, Consensus.method == "adjudicated")
    ):
        if key in out:
            q = spec.question(key)
            label = label_of(q, value)
            if label is not None:
                out[key][rid if q.per_response else item_id] = label
    return out


def _columns(rows: Sequence[Any], n: int) -> list[tuple[Any, ...]]:
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(n)]


def _ints(values: Iterable[Any]) -> IntArray:
    return np.fromiter(values, dtype=np.int64)


def _objects(values: list[Any]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _seconds(t: datetime | None) -> float:
    return np.nan if t is None else t.timestamp()
