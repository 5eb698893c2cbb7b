"""The project quality page: agreement per criterion with intervals (an inline SVG chart drawn on
the server: the CSP allows no script or inline style), annotator scorecards with flags, disputed
items linked to adjudication, calibration rounds and the consensus table's state.

Reviewers, managers and admins of the project; a vendor's people see only their organization's
people (the same scoping as the API)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from assay.quality.project import ProjectQuality, QualityOptions, project_quality
from assay.web.api._deps import DB
from assay.web.api.projects import visible_project
from assay.web.ui._base import Who, load_user, page, require
from assay.web.ui._charts import Chart, agreement_chart
from assay.work.review import scope_org

router = APIRouter(include_in_schema=False)

PAIRS_SHOWN = 30
"""Pairs listed per question on the page (lowest κ first); the API has them all."""


def _charts(q: ProjectQuality) -> dict[str, Chart]:
    data = q.to_dict()["questions"]
    return {
        "alpha": agreement_chart([(f"{d['question']}", d["overall"]["alpha"]) for d in data]),
        "percent": agreement_chart([(f"{d['question']}", d["overall"]["percent"]) for d in data]),
    }


@router.get("/p/{slug}/quality", response_class=HTMLResponse)
def quality_page(request: Request, slug: str, db: DB, who: Who) -> Response:
    require(who.reviews)
    with db.session() as session:
        user = load_user(session, who)
        project = visible_project(session, user, slug)
        scope = scope_org(session, user)
    result = project_quality(db, slug, QualityOptions(), org_id=scope)
    report = result.to_dict()
    for question in report["questions"]:
        question["pairs"] = sorted(question["pairs"], key=lambda p: (p["kappa"]["value"] is None,
                                                                     p["kappa"]["value"] or 0.0))[:PAIRS_SHOWN]
    return page(request, "quality.html", who, project=project, report=report, charts=_charts(result),
                cards=result.scorecards_dict()["scorecards"], rounds=result.calibration_dict()["rounds"],
                scoped=scope is not None, can_adjudicate=who.reviews and not who.org_is_vendor,
                pairs_shown=PAIRS_SHOWN)
