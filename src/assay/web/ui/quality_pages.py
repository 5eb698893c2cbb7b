"""The project quality page: agreement per criterion with intervals (an inline SVG chart drawn on
the server: the CSP allows no script or inline style), annotator scorecards with flags, disputed
items linked to adjudication, calibration rounds and the consensus table's state.

Reviewers, managers and admins of the project; a vendor's people see only their organization's
people (the same scoping as the API)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from assay.quality.project import ProjectQuality, QualityOptions, project_quality
from assay.web.api._deps import DB
from assay.web.api.projects import visible_project
from assay.web.ui._base import Who, load_user, page, require
from assay.work.review import scope_org

router = APIRouter(include_in_schema=False)

PAIRS_SHOWN = 30
"""Pairs listed per question on the page (lowest κ first); the API has them all."""


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float
    x: float | None
    low: float | None
    high: float | None
    text: str


@dataclass(frozen=True)
class Chart:
    """Geometry of the interval chart, in SVG user units."""

    width: int
    height: int
    left: int
    right: int
    rows: list[ChartRow]
    ticks: list[tuple[float, str]]
    references: list[tuple[float, str]]


def interval_chart(points: list[tuple[str, dict[str, Any]]], *, row_height: int = 26) -> Chart:
    """Rows of (label, {"value", "ci_low", "ci_high"}) on one axis from min(0, lowest bound) to 1."""
    width, left, right = 560, 190, 540
    lows = [e[k] for _, e in points for k in ("value", "ci_low") if e.get(k) is not None]
    start = max(-1.0, min(0.0, math.floor(min(lows, default=0.0) * 5) / 5))

    def x(v: float | None) -> float | None:
        return None if v is None else round(left + (min(max(v, start), 1.0) - start) / (1.0 - start) * (right - left), 1)

    rows = []
    for i, (label, e) in enumerate(points):
        v = e.get("value")
        text = "—" if v is None else f"{v:.2f}" + (f" ({e['ci_low']:.2f}–{e['ci_high']:.2f})"
                                                   if e.get("ci_low") is not None else "")
        rows.append(ChartRow(label, 30 + i * row_height, x(v), x(e.get("ci_low")), x(e.get("ci_high")), text))
    steps = round((1.0 - start) / 0.2)
    ticks = [(x(start + 0.2 * k) or 0.0, f"{start + 0.2 * k:.1f}") for k in range(steps + 1)]
    references = [(x(0.667) or 0.0, "0.667"), (x(0.8) or 0.0, "0.8")]
    return Chart(width, 30 + len(points) * row_height + 10, left, right, rows, ticks, references)


def _charts(q: ProjectQuality) -> dict[str, Chart]:
    data = q.to_dict()["questions"]
    return {
        "alpha": interval_chart([(f"{d['question']}", d["overall"]["alpha"]) for d in data]),
        "percent": interval_chart([(f"{d['question']}", d["overall"]["percent"]) for d in data]),
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
