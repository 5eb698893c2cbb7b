"""`assay stats ...`: statistics on long-format files (item, annotator, label).

`assay stats agreement` follows the stable contract of issue 4: scripts depend on its options and
on the keys of its --json object exactly.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from assay.cli._common import console, err, fail
from assay.io.containers import ContainerError
from assay.quality import METRIC_NAMES, AgreementResult, Ratings, RatingsError, agreement, read_ratings

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.callback()
def stats() -> None:
    """Statistics on long-format ratings files (columns item, annotator, label).

    Example: assay stats agreement labels.csv --metric fleiss --json
    """


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
