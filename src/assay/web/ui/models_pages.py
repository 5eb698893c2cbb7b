"""Model evaluation pages: the leaderboard and per-domain scores with charts, failure rates, how far
to trust each judge, and a side-by-side browser of two models' responses with the verdicts on them.
For the lab's reviewers, managers and admins (the API's `lab_reader`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from assay.evals.project import (
    HUMANS,
    EvalOptions,
    calibrate_judges,
    load_eval_data,
    model_failures,
    model_leaderboard,
    model_scores,
    side_by_side,
)
from assay.web.api._deps import DB
from assay.web.api.models import lab_reader
from assay.web.render import render_markdown, render_transcript
from assay.web.ui._base import Who, load_user, page, require
from assay.web.ui._charts import interval_chart

router = APIRouter(include_in_schema=False)
N_BOOT = 500
PAGE = 20


def _reader(db: Any, who: Any, slug: str) -> None:
    require(who.reviews and not who.org_is_vendor)
    with db.session() as session:
        user = load_user(session, who)
    try:
        lab_reader(db, user, slug)
    except HTTPException as e:
        require(e.status_code not in (403, 404))


@router.get("/p/{slug}/models", response_class=HTMLResponse)
def models_page(request: Request, slug: str, db: DB, who: Who, source: str | None = None) -> Response:
    _reader(db, who, slug)
    with db.session() as session:
        data = load_eval_data(session, slug)
        if source is not None and source not in data.sources:
            source = None
        chosen = source or (data.sources[0] if data.sources else None)
        calibration = (calibrate_judges(session, data, n_boot=200)
                       if HUMANS in data.sources and len(data.sources) > 1 else None)
    boards: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    by_domain: list[dict[str, Any]] = []
    domain_charts: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    if chosen is not None:
        options = EvalOptions(source=chosen, n_boot=N_BOOT)
        for entry in model_leaderboard(data, options)["criteria"]:
            rows = entry["leaderboard"]
            entry["chart"] = interval_chart(
                [(r["model"], {"value": r["rating"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}) for r in rows],
                references=(1000.0,), fmt="{:.0f}")
            boards.append(entry)
        table = model_scores(data, options)["rows"]
        for criterion in dict.fromkeys(r["criterion"] for r in table):
            rows = [r for r in table if r["criterion"] == criterion]
            scores.append({"criterion": criterion, "rows": rows, "chart": interval_chart(
                [(r["model"], {"value": r["mean"], "ci_low": r.get("mean_low"), "ci_high": r.get("mean_high")})
                 for r in rows])})
        by_domain = model_scores(data, options, by=("model", "criterion", "domain"))["rows"]
        for criterion in dict.fromkeys(r["criterion"] for r in by_domain):
            rows = sorted((r for r in by_domain if r["criterion"] == criterion), key=lambda r: (r["domain"], r["model"]))
            domain_charts.append({"criterion": criterion, "chart": interval_chart(
                [(f"{r['domain']} · {r['model']}", {"value": r["mean"], "ci_low": r.get("mean_low"),
                                                    "ci_high": r.get("mean_high")}) for r in rows])})
        failures = model_failures(data, options)["rows"]
    models = sorted(set(data.scores["model"]) | set(data.battles["left"]) | set(data.battles["right"]))
    return page(request, "models.html", who, project_name=data.name, slug=slug, sources=data.sources, source=chosen,
                boards=boards, scores=scores, by_domain=by_domain, domain_charts=domain_charts, failures=failures, calibration=calibration,
                models=models, n_boot=N_BOOT)


@router.get("/p/{slug}/models/compare", response_class=HTMLResponse)
def compare_page(request: Request, slug: str, db: DB, who: Who, a: str = "", b: str = "", page_no: int = 1) -> Response:
    _reader(db, who, slug)
    page_no = max(1, page_no)
    with db.session() as session:
        data = load_eval_data(session, slug)
        models = sorted(set(data.scores["model"]) | set(data.battles["left"]) | set(data.battles["right"])
                        | set(_response_models(session, slug)))
        pairs, total = (side_by_side(session, slug, a, b, offset=(page_no - 1) * PAGE, limit=PAGE)
                        if a and b and a != b else ([], 0))
    shown = [{
        "pair": p,
        "prompt": render_markdown(p.prompt) if p.prompt else render_transcript(p.messages or []),
        "a": render_markdown(p.response_a), "b": render_markdown(p.response_b),
    } for p in pairs]
    return page(request, "models_compare.html", who, project_name=data.name, slug=slug, models=models, a=a, b=b,
                shown=shown, total=total, page_no=page_no, pages=max(1, -(-total // PAGE)))


def _response_models(session: Any, slug: str) -> list[str]:
    from sqlalchemy import select

    from assay.store import Project, Response

    return [m for (m,) in session.execute(
        select(Response.model).join(Project, Project.id == Response.project_id)
        .where(Project.slug == slug, Response.model.is_not(None)).distinct())]
