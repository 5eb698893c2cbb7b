"""Models in the loop over the API: evaluation figures (leaderboard, scores, comparison, failures,
judge calibration), the project's model runs, and starting judge and generation runs.

Reading is for the lab's reviewers, managers and admins (model names and scores are the lab's; a
vendor's people evaluate blind). Starting a run costs money: admins and the lab's managers only. A
run started here works in a background thread of this server process and is resumable like any
other (POST the same body again to continue one that was interrupted).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from assay.evals.project import (
    EvalOptions,
    calibrate_judges,
    compare_models,
    load_eval_data,
    model_failures,
    model_leaderboard,
    model_scores,
)
from assay.store import Database, JudgeVerdict, ModelRun, Organization, OrgKind, Response, Role, RunKind, User
from assay.web.api._deps import DB, CurrentUser
from assay.web.api.projects import sees_all_projects, visible_project

router = APIRouter(tags=["models"])
LAB_READERS = (Role.admin, Role.manager, Role.reviewer)

Source = Annotated[str | None, Query(description="humans (default), or a judge or imported run's name.")]
Criterion = Annotated[str | None, Query(description="Only this question / criterion.")]
Domain = Annotated[str | None, Query(description="Only items of this domain.")]
NBoot = Annotated[int, Query(ge=0, le=10_000, description="Bootstrap replicates (0: none).")]
Seed = Annotated[int, Query(description="Seed of the bootstraps.")]
Threshold = Annotated[float | None, Query(description="Scores at or above this pass.")]


def lab_reader(db: Database, user: User, slug: str) -> int:
    """403 unless the lab's reviewer, manager or admin; 404 unless the project is visible. The project id."""
    with db.session() as session:
        org = session.get(Organization, user.org_id)
        if user.role not in LAB_READERS or org is None or org.kind != OrgKind.lab:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "model evaluation is for the lab's reviewers and managers")
        return visible_project(session, user, slug).id


def _bad_request(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (ValueError, KeyError) as e:
        raise HTTPException(422, str(e.args[0]) if e.args else str(e)) from None


def _data(db: Database, slug: str, *, texts: bool = False) -> Any:
    with db.session() as session:
        return load_eval_data(session, slug, texts=texts)


@router.get("/projects/{slug}/models/leaderboard", summary="Bradley-Terry leaderboard per criterion")
def get_leaderboard(slug: str, db: DB, user: CurrentUser, source: Source = None, criterion: Criterion = None,
                    domain: Domain = None, n_boot: NBoot = 1000, seed: Seed = 0,
                    baseline: Annotated[str | None, Query(description="Length-controlled win rate against this model.")] = None,
                    style: Annotated[bool, Query(description="Also the style-controlled fit.")] = False,
                    pointwise: Annotated[bool, Query(description="Rank by mean score instead (imported scores).")] = False,
                    ) -> dict[str, Any]:
    lab_reader(db, user, slug)
    options = EvalOptions(source=source, criterion=criterion, domain=domain, n_boot=n_boot, seed=seed)
    data = _data(db, slug, texts=style)
    result: dict[str, Any] = _bad_request(model_leaderboard, data, options, baseline=baseline, style=style,
                                          pointwise=pointwise)
    return result


@router.get("/projects/{slug}/models/scores", summary="Mean scores and pass rates per model x criterion (x domain)")
def get_scores(slug: str, db: DB, user: CurrentUser, source: Source = None, criterion: Criterion = None,
               domain: Domain = None, n_boot: NBoot = 1000, seed: Seed = 0, threshold: Threshold = None,
               by_domain: bool = False) -> dict[str, Any]:
    lab_reader(db, user, slug)
    options = EvalOptions(source=source, criterion=criterion, domain=domain, n_boot=n_boot, seed=seed,
                          threshold=threshold)
    by = ("model", "criterion", "domain") if by_domain else ("model", "criterion")
    result: dict[str, Any] = _bad_request(model_scores, _data(db, slug), options, by=by)
    return result


@router.get("/projects/{slug}/models/compare", summary="Paired comparison of two models on the same items")
def get_compare(slug: str, db: DB, user: CurrentUser, a: Annotated[str, Query(description="Reference model.")],
                b: Annotated[str, Query(description="Model tested against it.")], source: Source = None,
                criterion: Criterion = None, domain: Domain = None, seed: Seed = 0,
                threshold: Threshold = None) -> dict[str, Any]:
    lab_reader(db, user, slug)
    options = EvalOptions(source=source, criterion=criterion, domain=domain, seed=seed, threshold=threshold)
    result: dict[str, Any] = _bad_request(compare_models, _data(db, slug), a, b, options)
    return result


@router.get("/projects/{slug}/models/failures", summary="Failure-type rates per model")
def get_failures(slug: str, db: DB, user: CurrentUser, source: Source = None, domain: Domain = None,
                 n_boot: NBoot = 1000, seed: Seed = 0) -> dict[str, Any]:
    lab_reader(db, user, slug)
    options = EvalOptions(source=source, domain=domain, n_boot=n_boot, seed=seed)
    result: dict[str, Any] = _bad_request(model_failures, _data(db, slug), options)
    return result


@router.get("/projects/{slug}/judges/calibration", summary="Judges against people: agreement and biases")
def get_calibration(slug: str, db: DB, user: CurrentUser,
                    judge: Annotated[list[str] | None, Query(description="Judge run names (default: all).")] = None,
                    target: Annotated[float, Query(ge=0, le=1)] = 0.9, n_boot: NBoot = 1000,
                    seed: Seed = 0) -> dict[str, Any]:
    lab_reader(db, user, slug)
    with db.session() as session:
        data = load_eval_data(session, slug)
        result: dict[str, Any] = _bad_request(calibrate_judges, session, data, judge, target=target, n_boot=n_boot,
                                              seed=seed)
    return result


def run_dict(r: ModelRun, stored: int) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind.value, "name": r.name, "endpoint": r.endpoint, "model": r.model,
            "status": r.status.value, "stored": stored, "calls": r.calls, "cache_hits": r.cache_hits,
            "errors": r.errors, "input_tokens": r.input_tokens, "output_tokens": r.output_tokens,
            "cost_usd": r.cost_usd, "created_at": r.created_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None, "config": r.config}


def _stored(session: Any, r: ModelRun) -> int:
    if r.kind == RunKind.generate:
        return session.scalar(select(func.count()).select_from(Response).where(Response.run_id == r.id)) or 0
    return session.scalar(select(func.count()).select_from(JudgeVerdict).where(JudgeVerdict.run_id == r.id)) or 0


@router.get("/projects/{slug}/runs", summary="The project's model runs with their totals")
def list_runs(slug: str, db: DB, user: CurrentUser) -> list[dict[str, Any]]:
    pid = lab_reader(db, user, slug)
    with db.session() as session:
        runs = session.scalars(select(ModelRun).where(ModelRun.project_id == pid).order_by(ModelRun.id)).all()
        return [run_dict(r, _stored(session, r)) for r in runs]


@router.get("/runs/{run_id}", summary="One model run: status, results stored so far, tokens, cost")
def get_run(run_id: int, db: DB, user: CurrentUser) -> dict[str, Any]:
    with db.session() as session:
        run = session.get(ModelRun, run_id)
        slug = None if run is None else _slug(session, run.project_id)
    if run is None or slug is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id}")
    lab_reader(db, user, slug)
    with db.session() as session:
        fresh = session.get(ModelRun, run_id)
        assert fresh is not None
        return run_dict(fresh, _stored(session, fresh))


def _slug(session: Any, project_id: int) -> str | None:
    from assay.store import Project

    project = session.get(Project, project_id)
    return None if project is None else project.slug


class JudgeRunIn(BaseModel):
    judge: str = Field(description="Endpoint name from the server's models file (or `offline`).")
    questions: list[str] = Field(default_factory=list, description="Only these question keys (default: all judgeable).")
    both_orders: bool | None = Field(None, description="Ask pairs in both orders (default: the spec's setting).")
    limit: int | None = Field(None, ge=1, description="Only the first N items.")


class GenerateRunIn(BaseModel):
    model: str = Field(description="Endpoint name from the server's models file (or `offline`).")
    samples: int = Field(1, ge=1, le=100)
    temperature: float | None = Field(None, ge=0)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, ge=1)
    seed: int | None = None
    system: str | None = None
    label: str | None = None
    limit: int | None = Field(None, ge=1)


def _staff(db: Database, user: User, slug: str) -> int:
    with db.session() as session:
        pid = visible_project(session, user, slug).id
        if not sees_all_projects(session, user):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "runs are started by admins and the lab's managers")
        return pid


def _endpoint(name: str) -> Any:
    from assay.models import configured_endpoints

    found = configured_endpoints()
    if name not in found:
        raise HTTPException(422,
                            f"no model endpoint {name!r}; the server knows: {', '.join(sorted(found))}")
    return found[name]


def _start(db: Database, work: Any) -> dict[str, Any]:
    """Run `work(on_start)` in a background thread; answer with the run as soon as it exists (or the
    error that kept it from starting)."""
    started = threading.Event()
    box: dict[str, Any] = {}

    def on_start(run_id: int) -> None:
        box["run_id"] = run_id
        started.set()

    def target() -> None:
        try:
            work(on_start)
        except BaseException as e:
            box.setdefault("error", e)
        finally:
            started.set()

    threading.Thread(target=target, name="assay-model-run", daemon=True).start()
    started.wait()
    if "run_id" not in box:
        e = box.get("error")
        message = (str(e.args[0]) if e is not None and e.args else str(e)) or "the run did not start"
        raise HTTPException(422, message)
    with db.session() as session:
        run = session.get(ModelRun, box["run_id"])
        assert run is not None
        return run_dict(run, _stored(session, run))


@router.post("/projects/{slug}/judge-runs", status_code=status.HTTP_202_ACCEPTED,
             summary="Start (or resume) a judge run in the background")
def post_judge_run(slug: str, body: JudgeRunIn, db: DB, user: CurrentUser) -> dict[str, Any]:
    from assay.judge import JudgeOptions, judge_project

    _staff(db, user, slug)
    endpoint = _endpoint(body.judge)
    options = JudgeOptions(questions=tuple(body.questions), both_orders=body.both_orders, limit=body.limit)
    return _start(db, lambda on_start: judge_project(db, slug, endpoint, options=options, user_id=user.id,
                                                     on_start=on_start))


@router.post("/projects/{slug}/generate-runs", status_code=status.HTTP_202_ACCEPTED,
             summary="Start (or resume) a generation run in the background")
def post_generate_run(slug: str, body: GenerateRunIn, db: DB, user: CurrentUser) -> dict[str, Any]:
    from assay.judge import GenerateOptions, generate_responses

    _staff(db, user, slug)
    endpoint = _endpoint(body.model)
    options = GenerateOptions(samples=body.samples, temperature=body.temperature, top_p=body.top_p,
                              max_tokens=body.max_tokens, seed=body.seed, system=body.system, label=body.label,
                              limit=body.limit)
    return _start(db, lambda on_start: generate_responses(db, slug, endpoint, options=options, user_id=user.id,
                                                          on_start=on_start))


@router.post("/projects/{slug}/result-imports", summary="Import another tool's results (Inspect, lm-eval, promptfoo, OpenAI batch)")
async def post_result_import(
    slug: str, db: DB, user: CurrentUser,
    file: Annotated[UploadFile, File(description="An Inspect log (.eval or .json), lm-eval samples JSONL, a promptfoo "
                                                 "export or an OpenAI batch output JSONL.")],
    schema: Annotated[str, Form(description="inspect, lm-eval, promptfoo or openai-batch.")],
    results: Annotated[UploadFile | None, File(description="lm-eval: its results_*.json.")] = None,
    batch_input: Annotated[UploadFile | None, File(description="openai-batch: the batch's input JSONL.")] = None,
) -> dict[str, Any]:
    """As `assay import PROJECT FILE --schema ...`: items, responses, and scores as verdicts of an
    imported run; all or nothing (422 with every bad record's place and field)."""
    from assay.evals.imports import EvalImportError, EvalImportFailed, import_results

    _staff(db, user, slug)
    with tempfile.TemporaryDirectory() as tmp:
        paths: dict[str, Path | None] = {}
        for key, upload in (("file", file), ("results", results), ("batch_input", batch_input)):
            if upload is None:
                paths[key] = None
                continue
            path = Path(tmp) / key / Path(upload.filename or key).name
            path.parent.mkdir()
            with path.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
            paths[key] = path
        assert paths["file"] is not None
        try:
            report = import_results(db, slug, paths["file"], schema=schema, results=paths["results"],
                                    batch_input=paths["batch_input"], created_by=user.id)
        except EvalImportFailed as e:
            raise HTTPException(422, {"message": str(e), "issues": e.issues[:100]}) from None
        except (EvalImportError, FileNotFoundError, ValueError) as e:
            raise HTTPException(422, str(e)) from None
    return report.model_dump()
