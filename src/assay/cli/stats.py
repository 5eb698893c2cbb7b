"""`assay stats ...`: statistics on long-format files (item, annotator, label) and battles.

`assay stats agreement`, `aggregate` and `bradley-terry` follow stable contracts: scripts depend
on their options and on the keys of their --json objects exactly.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from assay.cli._common import console, err, fail
from assay.io.containers import ContainerError, detect_container, open_source
from assay.quality import (
    METRIC_NAMES,
    AgreementResult,
    BradleyTerryResult,
    Consensus,
    Ratings,
    RatingsError,
    ScoreSummary,
    aggregate_labels,
    aggregate_scores,
    agreement,
    bradley_terry,
    read_battles,
    read_ratings,
)

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.callback()
def stats() -> None:
    """Statistics on long-format ratings files (columns item, annotator, label).

    Example: assay stats agreement labels.csv --metric fleiss --json
    """


SHOW_ROWS = 20
_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})")


class MetricChoice(StrEnum):
    percent = "percent"
    cohen = "cohen"
    scott = "scott"
    fleiss = "fleiss"
    krippendorff = "krippendorff"
    gwet = "gwet"
    bp = "bp"


class LevelChoice(StrEnum):
    nominal = "nominal"
    ordinal = "ordinal"
    interval = "interval"
    ratio = "ratio"


class WeightsChoice(StrEnum):
    identity = "identity"
    linear = "linear"
    quadratic = "quadratic"


_EXAMPLE = "Example: assay stats agreement labels.csv --metric krippendorff --level ordinal --bootstrap 1000 --seed 7 --json"


@app.command("agreement", epilog=_EXAMPLE)
def agreement_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL (also TSV, JSON, Parquet, XLSX) with columns item, annotator, label; one row per rating.", dir_okay=False)],
    metric: Annotated[MetricChoice, typer.Option("--metric", "-m", help="percent, cohen (2 annotators), scott (2 annotators), fleiss, krippendorff, gwet (AC1; AC2 with --weights), bp (Brennan-Prediger).", case_sensitive=False)],
    level: Annotated[LevelChoice | None, typer.Option("--level", help="Krippendorff's alpha only: level of measurement (default nominal).", case_sensitive=False)] = None,
    weights: Annotated[WeightsChoice | None, typer.Option("--weights", help="Every metric but krippendorff: agreement weights (default identity).", case_sensitive=False)] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap replicates over items for a 95% percentile interval (0: none).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap; the same seed and file give the same interval.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Inter-annotator agreement on a long-format file: one coefficient, optionally with a
    seeded bootstrap interval over items.

    A missing (item, annotator) pair is simply absent; rows with an empty label are skipped; when
    an annotator rated an item twice the last row counts. Labels that all parse as numbers are
    numeric (sorted numerically), otherwise strings (sorted lexicographically).

    --json prints {"metric", "level", "weights", "value", "ci_low", "ci_high", "n_items",
    "n_annotators", "n_labels"}; n_labels counts the ratings used, value is null when the
    coefficient is undefined (e.g. everyone always chose the same label).

    Example: assay stats agreement labels.csv --metric cohen --weights quadratic --json
    """
    try:
        ratings = read_ratings(file)
    except ContainerError as e:
        fail(str(e), 2)
    _note_dropped(ratings)
    try:
        result = agreement(
            ratings, metric.value,
            level=None if level is None else level.value,
            weights=None if weights is None else weights.value,
            n_boot=bootstrap, seed=seed,
        )
    except RatingsError as e:
        fail(f"{file}: {e}", 2)
    if math.isnan(result.value):
        err.print(f"note: {METRIC_NAMES[result.metric]} is undefined on this data (no variation to "
                  "compare against chance, e.g. one label throughout)", highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(orjson.dumps(result.to_dict()).decode())
    else:
        console.print(_table(file, result))


def _note_dropped(ratings: Ratings) -> None:
    if ratings.n_missing:
        err.print(f"note: skipped {ratings.n_missing} rows with an empty label", highlight=False)
    if ratings.n_duplicates:
        err.print(f"note: {ratings.n_duplicates} repeated (item, annotator) rows; the last of each counts",
                  highlight=False)


def _table(file: Path, result: AgreementResult) -> Table:
    table = Table(title=f"{file.name}: {METRIC_NAMES[result.metric]}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    if result.level is not None:
        table.add_row("level", result.level)
    if result.weights is not None:
        table.add_row("weights", result.weights)
    table.add_row("value", "undefined" if math.isnan(result.value) else f"{result.value:.4f}")
    if result.ci_low is not None and result.ci_high is not None:
        table.add_row("95% CI", f"{result.ci_low:.4f} to {result.ci_high:.4f}")
    table.add_row("items", str(result.n_items))
    table.add_row("annotators", str(result.n_annotators))
    table.add_row("labels", str(result.n_labels))
    return table


class AggregateMethod(StrEnum):
    majority = "majority"
    dawid_skene = "dawid-skene"
    one_coin = "one-coin"
    glad = "glad"
    mace = "mace"


@app.command("aggregate", epilog="Example: assay stats aggregate labels.jsonl --method mace --json")
def aggregate_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL (also TSV, JSON, Parquet, XLSX) with columns item, annotator, label; one row per label given.", dir_okay=False)],
    method: Annotated[AggregateMethod, typer.Option("--method", "-m", help="majority, dawid-skene (full confusion matrices), one-coin, glad or mace.", case_sensitive=False)] = AggregateMethod.dawid_skene,
    gold: Annotated[Path | None, typer.Option("--gold", help="EM methods: a file with columns item, label of known answers, clamped during fitting.", dir_okay=False)] = None,
    max_iter: Annotated[int, typer.Option("--max-iter", min=1, help="EM methods: most iterations.")] = 100,
    tol: Annotated[float, typer.Option("--tol", min=0.0, help="EM methods: stop when the log-likelihood per label improves by less.")] = 1e-5,
    seed: Annotated[int, typer.Option("--seed", help="majority: seed of the tie-break among equally voted labels.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Consensus labels (truth inference) from several annotators' labels, with confidences,
    annotator skills and class priors.

    Every row is one observation: an annotator who labelled an item twice counts twice; missing
    (item, annotator) pairs are simply absent; rows with an empty label are skipped. Ties in
    majority vote are broken at random with --seed, and their confidence shows the split.

    confidence is the posterior probability of the chosen label (majority: its share of the
    votes). skill: majority - agreement with the consensus; dawid-skene - accuracy averaged over
    classes weighted by the priors; one-coin - probability of a correct label; glad - ability
    (negative: adversarial); mace - probability of not spamming.

    --json prints {"method", "items": [{"item", "label", "confidence"}], "annotators":
    [{"annotator", "skill"}], "class_priors": {label: p}}; ids and labels keep the file's types
    (JSON numbers stay numbers; in CSV, integers and numeric labels are numbers).

    Example: assay stats aggregate labels.csv --method dawid-skene --json
    """
    try:
        ratings = read_ratings(file, duplicates="keep", keep_text=True)
        known = None if gold is None else _read_gold(gold)
    except ContainerError as e:
        fail(str(e), 2)
    if ratings.n_missing:
        err.print(f"note: skipped {ratings.n_missing} rows with an empty label", highlight=False)
    if ratings.n_duplicates:
        err.print(f"note: {ratings.n_duplicates} repeated (item, annotator) rows; each counts as an observation",
                  highlight=False)
    try:
        result = aggregate_labels(ratings, method.value, tol=tol, max_iter=max_iter, gold=known, seed=seed)
    except RatingsError as e:
        fail(f"{file}: {e}", 2)
    if not result.converged:
        err.print(f"note: {method.value} did not converge in {max_iter} iterations", highlight=False)
    text = _is_text(file)
    out = result.to_dict()
    out["items"] = _in_file_order(out["items"], "item", text)
    out["annotators"] = _in_file_order(out["annotators"], "annotator", text)
    if as_json:
        typer.echo(orjson.dumps(out).decode())
        return
    console.print(_consensus_table(file, result, out))
    _print_rows(out["annotators"], ["annotator", "skill"], "annotators")
    _print_rows(out["items"], ["item", "label", "confidence"], "items")


@app.command("scores", epilog="Example: assay stats scores ratings.csv --method trimmed --trim 0.2 --json")
def scores_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL (also TSV, JSON, Parquet, XLSX) with columns item, annotator, label; numeric labels.", dir_okay=False)],
    method: Annotated[str, typer.Option("--method", "-m", help="mean, median or trimmed (trimmed mean).")] = "mean",
    trim: Annotated[float, typer.Option("--trim", min=0.0, max=0.49, help="trimmed: share cut from each end.")] = 0.1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Aggregate numeric ratings per item: mean, median or trimmed mean, with n, sd, MAD and IQR.

    --json prints {"method", "trim", "items": [{"item", "value", "n", "mean", "median", "sd",
    "mad", "iqr"}]}; sd is null for an item with one rating.

    Example: assay stats scores ratings.jsonl --method median --json
    """
    try:
        ratings = read_ratings(file, duplicates="keep")
        summary = aggregate_scores(ratings, method, trim=trim)
    except ContainerError as e:
        fail(str(e), 2)
    except RatingsError as e:
        fail(f"{file}: {e}", 2)
    out = summary.to_dict()
    out["items"] = _in_file_order(out["items"], "item", _is_text(file))
    if as_json:
        typer.echo(orjson.dumps(out).decode())
        return
    console.print(_scores_title(file, summary))
    _print_rows(out["items"], ["item", "value", "n", "sd", "mad", "iqr"], "items")


@app.command("bradley-terry", epilog="Example: assay stats bradley-terry battles.jsonl --bootstrap 1000 --seed 7 --json")
def bradley_terry_command(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL (also TSV, JSON, Parquet, XLSX) with columns left, right, winner; winner is the left model, the right model or 'tie'.", dir_okay=False)],
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples of the battles for a 95% percentile interval of each rating (0: none).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap; the same seed and file give the same intervals.")] = 0,
    ties: Annotated[str, typer.Option("--ties", help="half (a tie is half a win for each side) or davidson (Davidson's tie parameter).")] = "half",
    alpha: Annotated[float, typer.Option("--alpha", min=0.0, help="L2 penalty on log-strengths; needed when a model never won or never lost.")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Bradley-Terry strengths and Elo-scale ratings from pairwise battles.

    log_strength is the model's log-strength, centred to mean 0 over models; rating = 1000 +
    400*log10(e)*log_strength (400 points = 10:1 odds). ci_low and ci_high bound the rating (not
    the log-strength): 2.5th and 97.5th percentiles over --bootstrap resamples of the battles;
    null without --bootstrap. wins, losses and ties are counted from the file.

    --json prints {"models": [{"model", "log_strength", "rating", "ci_low", "ci_high", "wins",
    "losses", "ties"}]}, highest rating first.

    Example: assay stats bradley-terry battles.csv --json
    """
    if ties not in ("half", "davidson"):
        fail(f"--ties must be half or davidson, not {ties!r}", 2)
    try:
        battles = read_battles(file)
        result = bradley_terry(battles, ties="davidson" if ties == "davidson" else "half", alpha=alpha,
                               n_boot=bootstrap, seed=seed)
    except ContainerError as e:
        fail(str(e), 2)
    except RatingsError as e:
        fail(f"{file}: {e}", 2)
    rows = _model_rows(result, _is_text(file))
    if as_json:
        typer.echo(orjson.dumps({"models": rows}).decode())
        return
    console.print(_bt_table(file, result, rows))


def _read_gold(path: Path) -> dict[Any, Any]:
    gold: dict[Any, Any] = {}
    with open_source(path) as source:
        for record in source:
            data = record.data
            if data is None:
                raise ContainerError(source.path, record.error or "unreadable record", number=record.number,
                                     field=record.field)
            for field in ("item", "label"):
                if data.get(field) in (None, ""):
                    raise ContainerError(source.path, "is missing or empty", number=record.number, field=field)
            gold[data["item"]] = data["label"]
    return gold


def _is_text(file: Path) -> bool:
    try:
        return detect_container(file) in ("csv", "tsv")
    except ContainerError:
        return False


def _in_file_order(rows: list[dict[str, Any]], key: str, text: bool) -> list[dict[str, Any]]:
    """In CSV/TSV every cell is text: ids that are all integers become numbers (as they were
    when written), in numeric order."""
    if not text or not rows or not all(isinstance(r[key], str) and _INTEGER.fullmatch(r[key]) for r in rows):
        return rows
    converted = [{**r, key: int(r[key])} for r in rows]
    return sorted(converted, key=lambda r: r[key])


def _model_rows(result: BradleyTerryResult, text: bool) -> list[dict[str, Any]]:
    models = [m.item() if hasattr(m, "item") else m for m in result.models.tolist()]
    if text and all(isinstance(m, str) and _INTEGER.fullmatch(m) for m in models):
        models = [int(m) for m in models]
    rows = []
    for i in result.order().tolist():
        low = None if result.ci_low is None else float(result.ci_low[i])
        high = None if result.ci_high is None else float(result.ci_high[i])
        rows.append({"model": models[i], "log_strength": float(result.log_strength[i]),
                     "rating": float(result.rating[i]), "ci_low": low, "ci_high": high,
                     "wins": int(result.wins[i]), "losses": int(result.losses[i]), "ties": int(result.ties[i])})
    return rows


def _consensus_table(file: Path, result: Consensus, out: dict[str, Any]) -> Table:
    table = Table(title=f"{file.name}: consensus by {result.method}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("items", str(result.n_items))
    table.add_row("annotators", str(len(result.annotators)))
    if result.tied is not None:
        table.add_row("ties broken", str(int(result.tied.sum())))
    else:
        table.add_row("iterations", f"{result.iterations} ({'converged' if result.converged else 'not converged'})")
    table.add_row("mean confidence", f"{float(result.confidence.mean()):.3f}")
    priors = ", ".join(f"{label}: {p:.3f}" for label, p in out["class_priors"].items())
    table.add_row("class priors", priors)
    return table


def _scores_title(file: Path, summary: ScoreSummary) -> str:
    how = f"trimmed mean ({summary.trim:g} from each end)" if summary.method == "trimmed" else summary.method
    return f"{file.name}: {how} of {int(summary.n.sum())} ratings over {len(summary.items)} items"


def _print_rows(rows: list[dict[str, Any]], columns: list[str], what: str) -> None:
    table = Table(*columns, title=what if len(rows) <= SHOW_ROWS else f"{what} (first {SHOW_ROWS} of {len(rows)}; --json for all)")
    for row in rows[:SHOW_ROWS]:
        table.add_row(*(_cell(row[c]) for c in columns))
    console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _bt_table(file: Path, result: BradleyTerryResult, rows: list[dict[str, Any]]) -> Table:
    ties = "Davidson" if result.tie_model == "davidson" else "half wins"
    nu = f", nu = {result.tie_parameter:.3f}" if result.tie_model == "davidson" and result.tie_parameter else ""
    boot = f"; 95% CI from {result.n_bootstrap} bootstrap resamples" if result.n_bootstrap else ""
    table = Table("rank", "model", "rating", "95% CI", "log-strength", "W", "L", "T",
                  title=f"{file.name}: Bradley-Terry on {result.n_battles} battles (ties: {ties}{nu}){boot}")
    for rank, row in enumerate(rows, 1):
        ci = "-" if row["ci_low"] is None else f"{row['ci_low']:.0f} to {row['ci_high']:.0f}"
        table.add_row(str(rank), str(row["model"]), f"{row['rating']:.0f}", ci, f"{row['log_strength']:.3f}",
                      str(row["wins"]), str(row["losses"]), str(row["ties"]))
    return table
