"""`assay eval ...`: how the project's models do, from people's judgements, a judge run or imported
scores (--source), with bootstrap intervals. --json prints what the API returns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from assay.cli._common import console, db_from, fail, friendly_errors
from assay.evals.project import (
    EvalOptions,
    compare_models,
    load_eval_data,
    model_failures,
    model_leaderboard,
    model_scores,
)

app = typer.Typer(help="Model evaluation over a stored project: leaderboards, scores, comparisons, failure rates, "
                       "HTML reports.", no_args_is_help=True, rich_markup_mode=None)

ProjectArg = Annotated[str, typer.Argument(help="Project slug.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout (what the API returns).")]
SourceOpt = Annotated[str | None, typer.Option("--source", "-s", help="Whose judgements: humans (default), or a judge or imported run's name (assay judge list).")]
CriterionOpt = Annotated[str | None, typer.Option("--criterion", "-c", help="Only this question / criterion.")]
DomainOpt = Annotated[str | None, typer.Option("--domain", help="Only items of this domain.")]
BootOpt = Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap replicates per interval (0: none).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstraps.")]
ThresholdOpt = Annotated[float | None, typer.Option("--pass-threshold", help="Scores at or above this pass (pass rates, McNemar).")]


def _emit(data: Any) -> None:
    typer.echo(orjson.dumps(data).decode())


def _ci(v: Any, lo: Any, hi: Any, fmt: str = "{:.3f}") -> str:
    if v is None:
        return "-"
    text = fmt.format(v)
    return text if lo is None else f"{text} ({fmt.format(lo)} to {fmt.format(hi)})"


def _options(source: str | None, criterion: str | None, domain: str | None, bootstrap: int, seed: int,
             threshold: float | None = None) -> EvalOptions:
    return EvalOptions(source=source, criterion=criterion, domain=domain, n_boot=bootstrap, seed=seed,
                       threshold=threshold)


@app.command("leaderboard", epilog="Example: assay eval leaderboard pairwise-preference --source 'judge offline' --json")
@friendly_errors
def leaderboard(ctx: typer.Context, project: ProjectArg, source: SourceOpt = None, criterion: CriterionOpt = None,
                domain: DomainOpt = None, bootstrap: BootOpt = 1000, seed: SeedOpt = 0,
                baseline: Annotated[str | None, typer.Option("--baseline", help="Also the length-controlled win rate against this model (AlpacaEval 2.0).")] = None,
                style: Annotated[bool, typer.Option("--style-control", help="Also the style-controlled Bradley-Terry fit (Chatbot Arena).")] = False,
                pointwise: Annotated[bool, typer.Option("--pointwise", help="Rank models by mean score (e.g. imported Inspect or lm-eval scores) instead of head-to-head comparisons.")] = False,
                as_json: JsonOpt = False) -> None:
    """Bradley-Terry leaderboard per criterion from pairwise comparisons (people's compare and rank
    answers, or a judge's verdicts with both orders combined), Elo-scale ratings with 95% bootstrap
    intervals, and win rates against the field.

    With --pointwise: models ranked by mean score per criterion, for sources that scored responses one
    at a time (imported Inspect, lm-eval or promptfoo runs).

    Example: assay eval leaderboard pairwise-preference --bootstrap 1000
    """
    db = db_from(ctx)
    with db.session() as session:
        data = load_eval_data(session, project, texts=style)
    result = model_leaderboard(data, _options(source, criterion, domain, bootstrap, seed), baseline=baseline, style=style,
                               pointwise=pointwise)
    if as_json:
        _emit(result)
        return
    if pointwise:
        _print_pointwise(result)
        return
    if not result["criteria"]:
        hint = " (it has scores: --pointwise ranks by them)" if (data.scores["source"] == result["source"]).any() else ""
        fail(f"no pairwise comparisons from {result['source']} yet{hint}", 1)
    for entry in result["criteria"]:
        table = Table("#", "rank", "model", "rating (95% CI)", "wins", "losses", "ties", "win rate",
                      title=f"{entry['criterion']} ({result['source']}, {entry['n_battles']} comparisons)")
        for r in entry["leaderboard"]:
            table.add_row(str(r["position"]), str(r["rank"]), r["model"],
                          _ci(r["rating"], r["ci_low"], r["ci_high"], "{:.0f}"), str(r["wins"]), str(r["losses"]),
                          str(r["ties"]), f"{r['win_rate']:.1%}")
        console.print(table)
        if "length_controlled" in entry:
            lc = Table("model", "win rate", "length-controlled", title=f"against {entry['length_controlled']['baseline']}")
            for r in entry["length_controlled"]["rows"]:
                lc.add_row(r["model"], _ci(r["win_rate"], r.get("win_low"), r.get("win_high"), "{:.1%}"),
                           _ci(r["lc_win_rate"], r.get("lc_low"), r.get("lc_high"), "{:.1%}"))
            console.print(lc)
        if "style_controlled" in entry:
            sc = Table("model", "style-controlled rating (95% CI)", title="style control")
            for r in entry["style_controlled"]["leaderboard"]:
                sc.add_row(r["model"], _ci(r["rating"], r.get("ci_low"), r.get("ci_high"), "{:.0f}"))
            console.print(sc)


def _print_pointwise(result: dict[str, Any]) -> None:
    if not result["criteria"]:
        fail(f"no scores from {result['source']} yet", 1)
    for entry in result["criteria"]:
        table = Table("#", "rank", "model", "mean (95% CI)", "items",
                      title=f"{entry['criterion']} ({result['source']}, ranked by mean score)")
        for r in entry["leaderboard"]:
            table.add_row(str(r["position"]), str(r["rank"]), r["model"], _ci(r["mean"], r["ci_low"], r["ci_high"]),
                          str(r["n_items"]))
        console.print(table)


@app.command("scores", epilog="Example: assay eval scores stem-rubric --by domain --pass-threshold 4")
@friendly_errors
def scores(ctx: typer.Context, project: ProjectArg, source: SourceOpt = None, criterion: CriterionOpt = None,
           domain: DomainOpt = None, bootstrap: BootOpt = 1000, seed: SeedOpt = 0, threshold: ThresholdOpt = None,
           by_domain: Annotated[bool, typer.Option("--by-domain", help="One row per model × criterion × domain.")] = False,
           as_json: JsonOpt = False) -> None:
    """Mean rating per model × criterion (× domain) with 95% bootstrap intervals over items, and the
    pass rate with a Wilson interval when --pass-threshold is given.

    Example: assay eval scores stem-rubric --by-domain
    """
    db = db_from(ctx)
    with db.session() as session:
        data = load_eval_data(session, project)
    by = ("model", "criterion", "domain") if by_domain else ("model", "criterion")
    result = model_scores(data, _options(source, criterion, domain, bootstrap, seed, threshold), by=by)
    if as_json:
        _emit(result)
        return
    if not result["rows"]:
        fail(f"no ratings from {result['source']} yet", 1)
    table = Table(*by, "items", "mean (95% CI)", "pass rate (95% CI)", title=f"scores ({result['source']})")
    for r in result["rows"]:
        table.add_row(*[str(r[k]) for k in by], str(r["n_items"]), _ci(r["mean"], r.get("mean_low"), r.get("mean_high")),
                      _ci(r.get("pass_rate"), r.get("pass_low"), r.get("pass_high"), "{:.1%}"))
    console.print(table)


@app.command("compare", epilog="Example: assay eval compare stem-rubric borealis-70b atlas-7b --pass-threshold 4")
@friendly_errors
def compare(ctx: typer.Context, project: ProjectArg,
            model_a: Annotated[str, typer.Argument(help="The reference version.")],
            model_b: Annotated[str, typer.Argument(help="The version tested against it.")],
            source: SourceOpt = None, criterion: CriterionOpt = None, domain: DomainOpt = None, seed: SeedOpt = 0,
            threshold: ThresholdOpt = None, as_json: JsonOpt = False) -> None:
    """Is B better than A on the same items? Per criterion: the mean paired difference with a
    bootstrap interval and a permutation p-value; McNemar's test on pass/fail with --pass-threshold;
    and their head-to-head win rate where they were compared directly.

    Example: assay eval compare pairwise-preference atlas-7b borealis-70b
    """
    db = db_from(ctx)
    with db.session() as session:
        data = load_eval_data(session, project)
    result = compare_models(data, model_a, model_b, _options(source, criterion, domain, 0, seed, threshold))
    if as_json:
        _emit(result)
        return
    for e in result["criteria"]:
        if e["kind"] == "scores":
            p = e["paired"]
            line = (f"{e['criterion']}: {model_b} − {model_a} = {p['mean_difference']:+.3f} "
                    f"(95% CI {p['ci_low']:+.3f} to {p['ci_high']:+.3f}), p = {p['p_value']:.4f}, {e['n_items']} items")
            if "mcnemar" in e:
                line += f"; McNemar p = {e['mcnemar']['p_value']:.4f}"
        else:
            line = (f"{e['criterion']}: {model_b} beats {model_a} {e['win_rate_b']:.1%} "
                    f"(95% CI {_ci(e['ci_low'], None, None, '{:.1%}')} to {_ci(e['ci_high'], None, None, '{:.1%}')}), "
                    f"{e['wins_b']}-{e['wins_a']}-{e['ties']} (W-L-T), p = {e['p_value']:.4f}")
        console.print(line, highlight=False)
    if not result["criteria"]:
        fail(f"{model_a} and {model_b} share no judged items from {result['source']}", 1)


@app.command("failures", epilog="Example: assay eval failures safety-spans --json")
@friendly_errors
def failures(ctx: typer.Context, project: ProjectArg, source: SourceOpt = None, domain: DomainOpt = None,
             bootstrap: BootOpt = 1000, seed: SeedOpt = 0, as_json: JsonOpt = False) -> None:
    """Failure-type rates per model: the share of judged responses flagged (by at least half of their
    annotators) with each span label — hallucination, factual error, unsafe, ... — with intervals.

    Example: assay eval failures safety-spans
    """
    db = db_from(ctx)
    with db.session() as session:
        data = load_eval_data(session, project)
    result = model_failures(data, _options(source, None, domain, bootstrap, seed))
    if as_json:
        _emit(result)
        return
    if not result["rows"]:
        fail(f"no span judgements from {result['source']} yet", 1)
    table = Table("model", "failure type", "judged", "flagged", "rate (95% CI)", title=f"failures ({result['source']})")
    for r in result["rows"]:
        table.add_row(r["model"], r["failure_type"], str(r["n_judged"]), str(r["n_flagged"]),
                      _ci(r["rate"], r.get("ci_low"), r.get("ci_high"), "{:.1%}"))
    console.print(table)


@app.command("report", epilog="Example: assay eval report pairwise-preference --out report.html")
@friendly_errors
def report(ctx: typer.Context, project: ProjectArg,
           out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")],
           bootstrap: BootOpt = 1000, seed: SeedOpt = 0, threshold: ThresholdOpt = None) -> None:
    """One self-contained HTML file (no scripts, charts drawn on the server): leaderboards and scores
    from every source, per domain, failure rates and judge calibration.

    Example: assay eval report stem-rubric --out stem-report.html
    """
    from assay.evals.project.report import write_report

    db = db_from(ctx)
    with db.session() as session:
        path = write_report(session, project, out, EvalOptions(n_boot=bootstrap, seed=seed, threshold=threshold))
    console.print(f"wrote {path}")
