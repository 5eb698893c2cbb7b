"""Quality over the API: agreement, annotator scorecards, calibration rounds, and computing consensus.

Reading is for reviewers, managers and admins of the project; a vendor's people see only their own
organization's people in the person-level figures. Computing (and storing) consensus is for admins
and the lab's managers. The JSON is what `assay quality ... --json` prints.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from assay.quality.project import QualityOptions, compute_consensus, project_quality
from assay.store import Database, Role, User
from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import sees_all_projects, visible_project
from assay.work.review import scope_org

router = APIRouter(tags=["quality"])
READERS = (Role.admin, Role.manager, Role.reviewer)
DEFAULTS = QualityOptions()

NBoot = Annotated[int, Query(ge=0, le=10_000, description="Bootstrap replicates per interval (0: none).")]
Seed = Annotated[int, Query(description="Seed of the bootstraps.")]
Method = Annotated[str, Query(description="Consensus method: majority, dawid-skene, one-coin, glad or mace.")]


def _reader_scope(db: Database, user: User, slug: str) -> int | None:
    """403 unless a reviewer, manager or admin; 404 unless the project is visible. Returns the
    organization the user is limited to (a vendor's), or None."""
    if user.role not in READERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "needs role admin, manager or reviewer")
    with db.session() as session:
        visible_project(session, user, slug)
        return scope_org(session, user)


def _options(**changes: Any) -> QualityOptions:
    try:
        return DEFAULTS.but(**changes)
    except ValueError as e:
        raise HTTPException(422, str(e)) from None


@router.get("/projects/{slug}/quality", summary="Agreement per question, domain and pair; disputed items")
def get_quality(slug: str, db: DB, user: CurrentUser, n_boot: NBoot = DEFAULTS.n_boot, seed: Seed = DEFAULTS.seed,
                method: Method = DEFAULTS.method) -> dict[str, Any]:
    scope = _reader_scope(db, user, slug)
    result = project_quality(db, slug, _options(n_boot=n_boot, seed=seed, method=method), org_id=scope,
                             parts=("agreement",))
    return result.to_dict()


@router.get("/projects/{slug}/scorecards", summary="Annotator scorecards with flags, most flagged first")
def get_scorecards(slug: str, db: DB, user: CurrentUser, method: Method = DEFAULTS.method) -> dict[str, Any]:
    scope = _reader_scope(db, user, slug)
    result = project_quality(db, slug, _options(method=method), org_id=scope, parts=("scorecards",))
    return result.scorecards_dict()


@router.get("/projects/{slug}/calibration", summary="Calibration rounds: people, disputed items, change")
def get_calibration(slug: str, db: DB, user: CurrentUser,
                    round: Annotated[int | None, Query(description="Only this round.")] = None) -> dict[str, Any]:
    scope = _reader_scope(db, user, slug)
    result = project_quality(db, slug, DEFAULTS, org_id=scope, parts=("calibration",), calibration_round=round)
    return result.calibration_dict()


class ConsensusIn(BaseModel):
    method: str = Field(DEFAULTS.method, description="majority, dawid-skene (gold clamped), one-coin, glad or mace.")
    rating_method: str = Field(DEFAULTS.rating_method, description="Rating questions: labels, mean or median.")
    threshold: float = Field(DEFAULTS.low_confidence, description="Confidence below which consensus goes to review.")
    seed: int = DEFAULTS.seed


@router.post("/projects/{slug}/consensus", summary="Compute consensus for every item and question, and store it")
def post_consensus(slug: str, db: DB, user: CurrentUser, body: ConsensusIn | None = None) -> dict[str, Any]:
    with db.session() as session:
        visible_project(session, user, slug)
        if not sees_all_projects(session, user):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "consensus is computed by admins and the lab's managers")
    body = body or ConsensusIn()
    options = _options(method=body.method, rating_method=body.rating_method, low_confidence=body.threshold,
                       seed=body.seed)
    return compute_consensus(db, slug, options).to_dict()
