"""`assay quality ...`: a stored project's agreement, consensus, annotator scorecards and
calibration rounds. The --json output is exactly what the REST API and the SDK return."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assay.cli._common import console, db_from, err, friendly_errors
from assay.quality.project import QualityOptions, compute_consensus, project_quality

app = typer.Typer(
    help="Quality of a stored project: agreement, consensus, annotator scorecards, calibration rounds.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Method(StrEnum):
    majority = "majority"
    dawid_skene = "dawid-skene"
    one_coin = "one-coin"
    glad = "glad"
    mace = "mace"


class RatingMethod(StrEnum):
    labels = "labels"
    mean = "mean"
    median = "median"


ProjectArg = Annotated[str, typer.Argument(help="Project slug.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout (what the API returns).")]
BootOpt = Annotated[int | None, typer.Option("--bootstrap", min=0, help="Bootstrap replicates per interval (default 1000; 0: none).")]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Seed of the bootstraps (default 0).")]
MethodOpt = Annotated[Method, typer.Option("--method", "-m", help="Consensus method: majority, dawid-skene (gold clamped), one-coin, glad or mace.", case_sensitive=False)]


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar whose label follows the step being computed; quiet off a terminal."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("loading", total=None)

        def update(step: str, done: int, total: int) -> None:
            progress.update(task, description=step, completed=done, total=total)

        yield update


def _emit(data: dict[str, Any]) -> None:
    typer.echo(orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY).decode())


def _fmt(value: Any, pct: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0%}" if pct else f"{value:.3f}"
    return str(value)


def _ci(e: dict[str, Any]) -> str:
    if e["value"] is None:
        return "-"
    if e.get("ci_low") is None:
        return f"{e['value']:.3f}"
    return f"{e['value']:.3f} ({e['ci_low']:.2f} to {e['ci_high']:.2f})"


@app.command("report", epilog="Example: assay quality report stem-rubric --bootstrap 1000 --seed 7 --json")
@friendly_errors
def report(ctx: typer.Context, project: ProjectArg, as_json: JsonOpt = False, bootstrap: BootOpt = None,
           seed: SeedOpt = None) -> None:
    """Agreement per question (Krippendorff's alpha: ordinal for ratings, nominal otherwise; and
    percent agreement) overall and per domain with 95% bootstrap intervals, agreement of every
    annotator pair, the most disputed items, and what the consensus table holds.

    Example: assay quality report stem-rubric --json
    """
    options = QualityOptions().but(n_boot=bootstrap, seed=seed)
    with _progress() as update:
        result = project_quality(db_from(ctx), project, options, parts=("agreement",), progress=update)
    data = result.to_dict()
    if as_json:
        _emit(data)
        return
    table = Table("question", "kind", "alpha (95% CI)", "percent (95% CI)", "units", "annotators",
                  title=f"{project}: agreement ({data['n_judgements']} judgements, {data['n_annotators']} annotators)")
    for q in data["questions"]:
        rows = [("", q["overall"])] + [(f"  {d['scope']}", d) for d in q["by_domain"]]
        for prefix, a in rows:
            table.add_row(prefix or q["question"], "" if prefix else f"{q['kind']} ({q['level']})",
                          _ci(a["alpha"]), _ci(a["percent"]), str(a["n_units"]), str(a["n_annotators"]))
    console.print(table)
    for m in data["not_measured"]:
        console.print(f"not measured: {m['question']} ({m['kind']}): {m['why']}", highlight=False)
    disputed = Table("item", "entropy", "question", "adjudicated", "adjudicate at", title="Most disputed items")
    for d in data["disputed_items"][:10]:
        disputed.add_row(str(d["item_id"]), f"{d['entropy']:.3f}", d["question"], "yes" if d["adjudicated"] else "",
                         d["url"])
    console.print(disputed)
    c = data["consensus"]
    console.print(f"consensus table: {c['by_method'] or 'empty (run: assay quality consensus ' + project + ')'}; "
                  f"{c['low_confidence']} below confidence {c['threshold']}", highlight=False)
    if c["low_confidence_items"]:
        low = Table("item", "question", "response", "consensus", "confidence", "method", "adjudicate at",
                    title="Least confident consensus answers")
        for x in c["low_confidence_items"][:10]:
            value = x["value"].get("winner") if isinstance(x["value"], dict) else x["value"]
            low.add_row(str(x["item_id"]), x["question"], str(x["response_id"] or ""), str(value),
                        f"{x['confidence']:.2f}", x["method"], x["url"])
        console.print(low)


@app.command("consensus", epilog="Example: assay quality consensus stem-rubric --method dawid-skene --threshold 0.7")
@friendly_errors
def consensus(
    ctx: typer.Context,
    project: ProjectArg,
    method: MethodOpt = Method.dawid_skene,
    ratings: Annotated[RatingMethod, typer.Option("--ratings", help="Rating questions: labels (the method above), mean or median with a dispersion-based confidence.", case_sensitive=False)] = RatingMethod.labels,
    threshold: Annotated[float, typer.Option("--threshold", min=0.0, max=1.0, help="Consensus below this confidence goes to review.")] = 0.7,
    seed: SeedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute consensus for every categorical question and store it (one row per item, question
    and response). Answers a person adjudicated are never replaced; running it again replaces
    the computed rows, so it is safe to repeat.

    Example: assay quality consensus stem-rubric --method majority --ratings median
    """
    options = QualityOptions().but(method=method.value, rating_method=ratings.value, low_confidence=threshold,
                                   seed=seed)
    with _progress() as update:
        run = compute_consensus(db_from(ctx), project, options, progress=update)
    if as_json:
        _emit(run.to_dict())
        return
    table = Table("question", "method", "written", "mean confidence", f"below {threshold:g}",
                  title=f"{project}: consensus stored")
    for key, q in run.questions.items():
        table.add_row(key, q["method"], str(q["written"]), _fmt(q["mean_confidence"]), str(q["low_confidence"]))
    console.print(table)
    console.print(f"{run.written} answers written, {run.adjudicated_kept} adjudicated answers kept, "
                  f"{run.low_confidence} below confidence {threshold:g} (these go to review)", highlight=False)


@app.command("scorecards", epilog="Example: assay quality scorecards stem-rubric --json")
@friendly_errors
def scorecards(ctx: typer.Context, project: ProjectArg, method: MethodOpt = Method.dawid_skene,
               as_json: JsonOpt = False) -> None:
    """Annotator scorecards, most flagged first: gold accuracy (Wilson 95% interval), agreement
    with the other annotators and Cohen's kappa against consensus, median time and too-fast
    share, review rejections, straight-lining, copy-pasted free text and drift between the first
    and second half of their work, with the reason for every flag.

    Example: assay quality scorecards stem-rubric
    """
    options = QualityOptions().but(method=method.value)
    with _progress() as update:
        result = project_quality(db_from(ctx), project, options, parts=("scorecards",), progress=update)
    data = result.scorecards_dict()
    if as_json:
        _emit(data)
        return
    table = Table("#", "annotator", "judgements", "gold", "agreement", "kappa", "median s", "too fast",
                  "rejected", "flags", title=f"{project}: annotator scorecards")
    for c in data["scorecards"]:
        table.add_row(str(c["rank"]), c["username"], str(c["judgements"]),
                      _fmt(c["gold"]["value"], True) + (f" (n={c['gold']['n']})" if c["gold"]["n"] else ""),
                      _fmt(c["agreement"], True), _fmt(c["kappa"]), _fmt(c["median_seconds"]),
                      _fmt(c["too_fast_share"], True), _fmt(c["rejection_rate"], True),
                      ", ".join(f["code"] for f in c["flags"]) or "-")
    console.print(table)
    for c in data["scorecards"]:
        for f in c["flags"]:
            console.print(f"{c['username']}: {f['code']}: {f['detail']}", highlight=False)


@app.command("calibration", epilog="Example: assay quality calibration stem-rubric --round 2 --json")
@friendly_errors
def calibration(ctx: typer.Context, project: ProjectArg,
                round_: Annotated[int | None, typer.Option("--round", help="Only this calibration round.")] = None,
                as_json: JsonOpt = False) -> None:
    """Calibration rounds: each person's agreement with gold and with the group, the change from
    the previous round, and the items people disagreed on most (with their adjudication links).

    Example: assay quality calibration stem-rubric
    """
    with _progress() as update:
        result = project_quality(db_from(ctx), project, QualityOptions(), parts=("calibration",),
                                 calibration_round=round_, progress=update)
    data = result.calibration_dict()
    if as_json:
        _emit(data)
        return
    if not data["rounds"]:
        console.print(f"{project}: no calibration rounds" + (f" numbered {round_}" if round_ is not None else "")
                      + " (items with calibration_round set)", highlight=False)
    for r in data["rounds"]:
        change = "" if r["change"] is None else f", change {r['change']:+.0%}"
        table = Table("annotator", "answers", "with group", "change", "with gold", "change",
                      title=f"round {r['round']}: {r['n_items']} items, {r['n_people']} people, "
                            f"agreement {_fmt(r['agreement'], True)}{change}")
        for p in r["people"]:
            table.add_row(p["username"], str(p["answers"]), _fmt(p["group"], True), _fmt(p["change_group"], True),
                          _fmt(p["gold"]["value"], True), _fmt(p["change_gold"], True))
        console.print(table)
        for d in r["items"][:5]:
            console.print(f"  disputed: item {d['item_id']} ({d['question']}, entropy {d['entropy']:.2f}) {d['url']}",
                          highlight=False)
