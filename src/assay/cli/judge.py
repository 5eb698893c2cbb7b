"""`assay judge ...` and `assay generate`: models in the loop over a stored project, with progress
bars; every run is resumable by running the same command again."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import typer
from rich.table import Table
from sqlalchemy import select

from assay.cli import _endpoints as ep
from assay.cli._common import console, db_from, fail, friendly_errors, progress_bar
from assay.judge import (
    GenerateOptions,
    JudgeOptions,
    NothingToJudge,
    RunSummary,
    generate_responses,
    judge_project,
    make_execute,
)
from assay.models import ModelError
from assay.store import ModelRun
from assay.store.projects import get_project

app = typer.Typer(help="LLM judges over a stored project: run them, list runs, calibrate them against people.",
                  no_args_is_help=True, rich_markup_mode=None)
models_app = typer.Typer(help="Model endpoints from the models file.", no_args_is_help=True, rich_markup_mode=None)

ProjectArg = Annotated[str, typer.Argument(help="Project slug.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def _emit(data: Any) -> None:
    typer.echo(orjson.dumps(data).decode())


def _print_summary(kind: str, s: RunSummary) -> None:
    verb = "resumed" if s.resumed else "started"
    console.print(f"{kind} run {s.run_id} ({s.name}) {verb}: {s.done_now} stored now, {s.already_done} already done, "
                  f"{s.units} in all", highlight=False)
    cost = "unknown (no prices)" if s.cost_usd is None else f"${s.cost_usd:.4f}"
    total = "unknown" if s.total_cost_usd is None else f"${s.total_cost_usd:.4f}"
    console.print(f"calls {s.calls}, cache hits {s.cache_hits}, tokens in {s.input_tokens:,} / out {s.output_tokens:,}, "
                  f"cost this time {cost}, run total {total}", highlight=False)
    if s.unscored:
        console.print(f"[yellow]{s.unscored} replies had no readable verdict (stored as unscored)[/]")
    if s.failed:
        kinds = ", ".join(f"{k} ×{n}" for k, n in sorted(s.error_kinds.items()))
        console.print(f"[red]{s.failed} calls failed ({kinds}); run the same command again to retry them[/]")


@app.command("run", epilog="Example: assay judge run stem-rubric --judge local-qwen --judge gpt-4o-mini")
@friendly_errors
def run(ctx: typer.Context, project: ProjectArg,
        judge: Annotated[list[str], typer.Option("--judge", "-j", help="Endpoint name from the models file; repeat for a panel of judges.")],
        question: Annotated[list[str] | None, typer.Option("--question", "-q", help="Only this question key (repeatable).")] = None,
        one_order: Annotated[bool, typer.Option("--one-order", help="Ask pairwise questions in one order only.")] = False,
        limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N items (a trial run).")] = None,
        models: ep.ModelsOpt = None, no_cache: ep.NoCacheOpt = False, concurrency: ep.ConcurrencyOpt = None,
        as_json: JsonOpt = False) -> None:
    """Have one or more model judges answer the project's rating, choice and compare questions, with
    prompts built from its rubric and guidelines. Verdicts are stored apart from people's judgements.
    A run killed half-way continues where it stopped when the same command runs again; cached
    replies cost nothing.

    Example: assay judge run stem-rubric --judge offline --limit 20
    """
    db = db_from(ctx)
    options = JudgeOptions(questions=tuple(question or ()), both_orders=False if one_order else None, limit=limit)
    summaries = []
    for name in judge:
        endpoint = ep.endpoint(name, models)
        execute = make_execute(ep.cache(no_cache), use_cache=not no_cache, concurrency=concurrency)
        try:
            with progress_bar(f"judge {name}") as update:
                summary = judge_project(db, project, endpoint, options=options, execute=execute, progress=update)
        except NothingToJudge as e:
            fail(str(e), 2)
        except ModelError as e:
            fail(f"{name}: {e}", 1)
        except KeyError as e:
            fail(str(e.args[0]) if e.args else str(e), 2)
        summaries.append(summary)
        if not as_json:
            _print_summary("judge", summary)
    if as_json:
        _emit({"runs": [s.to_dict() for s in summaries]})
    if any(s.failed for s in summaries):
        raise typer.Exit(1)


@app.command("list", epilog="Example: assay judge list stem-rubric --json")
@friendly_errors
def list_runs(ctx: typer.Context, project: ProjectArg, as_json: JsonOpt = False) -> None:
    """Model runs of the project (judging, generating, imported scores) with their totals.

    Example: assay judge list stem-rubric
    """
    db = db_from(ctx)
    with db.session() as session:
        pid = get_project(session, project).id
        runs = [_run_dict(r) for r in session.scalars(select(ModelRun).where(ModelRun.project_id == pid)
                                                      .order_by(ModelRun.id))]
    if as_json:
        _emit({"runs": runs})
        return
    table = Table("id", "kind", "name", "model", "status", "calls", "cached", "errors", "tokens in", "tokens out", "cost")
    for r in runs:
        table.add_row(str(r["id"]), r["kind"], r["name"], r["model"] or "-", r["status"], str(r["calls"]),
                      str(r["cache_hits"]), str(r["errors"]), f"{r['input_tokens']:,}", f"{r['output_tokens']:,}",
                      "-" if r["cost_usd"] is None else f"${r['cost_usd']:.4f}")
    console.print(table)


@app.command("calibrate", epilog="Example: assay judge calibrate pairwise-preference --json")
@friendly_errors
def calibrate(ctx: typer.Context, project: ProjectArg,
              judge: Annotated[list[str] | None, typer.Option("--judge", "-j", help="Judge run name (assay judge list); default: every judge run.")] = None,
              target: Annotated[float, typer.Option("--target", min=0.0, max=1.0, help="Accuracy a judge verdict needs to stand without a person.")] = 0.9,
              bootstrap: Annotated[int, typer.Option("--bootstrap", min=0)] = 1000, seed: Annotated[int, typer.Option("--seed")] = 0,
              as_json: JsonOpt = False) -> None:
    """Judges against the people's consensus on the same units, per question: accuracy, Cohen's
    kappa and Krippendorff's alpha with the confusion matrix; position bias (verdicts that flip
    when the order is swapped), length bias, self-preference for the judge's own model family; and
    the coverage-accuracy curve that says where a judge verdict may stand without a person.

    Example: assay judge calibrate stem-rubric --judge "judge offline"
    """
    from assay.evals.project import calibrate_judges, load_eval_data

    db = db_from(ctx)
    with db.session() as session:
        data = load_eval_data(session, project)
        result = calibrate_judges(session, data, judge, target=target, n_boot=bootstrap, seed=seed)
    if as_json:
        _emit(result)
        return
    for j in result["judges"]:
        console.print(f"[bold]{j['judge']}[/] (model {j['model']}, family {j['family']})", highlight=False)
        table = Table("question", "units", "accuracy", "kappa (95% CI)", "alpha", "position flips", "first-position",
                      "prefers longer (judge vs people)")
        for q in j["questions"]:
            a = q.get("agreement") or {}
            pb = q.get("position_bias") or {}
            lb = q.get("length_bias") or {}
            table.add_row(
                q["question"], str(q.get("n_units", 0)), _pct(a.get("accuracy")),
                "-" if a.get("kappa") is None else f"{a.get('weighted_kappa') or a['kappa']:.3f} "
                f"({_num(a.get('kappa_low'))} to {_num(a.get('kappa_high'))})",
                _num(a.get("alpha")), _pct(pb.get("flip_rate")), _pct(pb.get("first_position_rate")),
                "-" if not lb else f"{lb['judge_rate']:.0%} vs {lb['human_rate']:.0%}")
        console.print(table)
    if "panel" in result:
        for q in result["panel"]["questions"]:
            console.print(f"panel of {len(result['panel']['judges'])} on {q['question']}: verdicts may stand alone "
                          f"above agreement {_num(q['threshold'])}, covering {_pct(q['coverage'])} at accuracy "
                          f"{_pct(q['accuracy'])}", highlight=False)


def _pct(v: Any) -> str:
    return "-" if v is None else f"{v:.0%}"


def _num(v: Any) -> str:
    return "-" if v is None else f"{v:.2f}"


def _run_dict(r: ModelRun) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind.value, "name": r.name, "endpoint": r.endpoint, "model": r.model,
            "status": r.status.value, "calls": r.calls, "cache_hits": r.cache_hits, "errors": r.errors,
            "input_tokens": r.input_tokens, "output_tokens": r.output_tokens, "cost_usd": r.cost_usd,
            "created_at": r.created_at.isoformat(), "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "config": r.config}


@friendly_errors
def generate(ctx: typer.Context, project: ProjectArg,
             model: Annotated[list[str], typer.Option("--model", "-m", help="Endpoint name from the models file; repeat for several models.")],
             samples: Annotated[int, typer.Option("--samples", min=1, help="Responses per item from each model.")] = 1,
             temperature: Annotated[float | None, typer.Option("--temperature", min=0.0)] = None,
             top_p: Annotated[float | None, typer.Option("--top-p", min=0.0, max=1.0)] = None,
             max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1)] = None,
             seed: Annotated[int | None, typer.Option("--seed", help="Seed of the first sample (the next ones add 1).")] = None,
             system: Annotated[str | None, typer.Option("--system", help="System prompt for items that have none.")] = None,
             label: Annotated[str | None, typer.Option("--label", help="Model name stored with the responses (default: the endpoint's model).")] = None,
             limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N items.")] = None,
             models: ep.ModelsOpt = None, no_cache: ep.NoCacheOpt = False, concurrency: ep.ConcurrencyOpt = None,
             as_json: JsonOpt = False) -> None:
    """Run one or more models over the project's prompts and store their answers as responses (to
    annotate or evaluate), with the sampling settings recorded beside each. Resumable: the same
    command again only fills in what is missing.

    Example: assay generate sft-writing --model local-qwen --samples 2 --temperature 0.7
    """
    db = db_from(ctx)
    if label is not None and len(model) > 1:
        fail("--label names one model's responses; give one --model with it", 2)
    summaries = []
    for name in model:
        endpoint = ep.endpoint(name, models)
        options = GenerateOptions(samples=samples, temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                                  seed=seed, system=system, label=label, limit=limit)
        execute = make_execute(ep.cache(no_cache), use_cache=not no_cache, concurrency=concurrency)
        try:
            with progress_bar(f"generate {name}") as update:
                summary = generate_responses(db, project, endpoint, options=options, execute=execute, progress=update)
        except ModelError as e:
            fail(f"{name}: {e}", 1)
        summaries.append(summary)
        if not as_json:
            _print_summary("generation", summary)
    if as_json:
        _emit({"runs": [s.to_dict() for s in summaries]})
    if any(s.failed for s in summaries):
        raise typer.Exit(1)


@models_app.command("list", epilog="Example: assay models list --models models.yaml")
@friendly_errors
def list_models(models: ep.ModelsOpt = None, as_json: JsonOpt = False) -> None:
    """The model endpoints Assay can call: the models file's and the built-in `offline` one. Keys
    are never shown, only the environment variable that holds them.

    Example: assay models list
    """
    found = ep.endpoints(models)
    rows: list[dict[str, Any]] = [{"name": e.name, "provider": e.provider, "base_url": e.base_url, "model": e.model,
             "api_key_env": e.api_key_env, "max_concurrency": e.max_concurrency,
             "price_input_per_mtok": e.price_input_per_mtok, "price_output_per_mtok": e.price_output_per_mtok}
            for e in found.values()]
    if as_json:
        _emit({"file": str(ep.models_file(models) or ""), "models": rows})
        return
    table = Table("name", "provider", "base URL", "model", "key from", "concurrency", "$/M in", "$/M out")
    for r in rows:
        table.add_row(r["name"], r["provider"], r["base_url"] or "-", r["model"], r["api_key_env"] or "-",
                      str(r["max_concurrency"]), _price(r["price_input_per_mtok"]), _price(r["price_output_per_mtok"]))
    console.print(table)


def _price(p: float | None) -> str:
    return "-" if p is None else f"{p:g}"
