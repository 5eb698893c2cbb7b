"""Mean scores and pass rates per model × criterion × domain (any grouping), with intervals.

Each item counts once: an item's rows (several annotators, several judges) are averaged first,
then items are averaged. The bootstrap is a cluster bootstrap over items within each group, so an
item's rows stay together (see `_intervals`); pass rates also get the Wilson score interval over
items (with several rows per item an item's pass share can be fractional; Wilson then treats the
summed shares as the successes, an approximation: trust the bootstrap interval there).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._cluster_bootstrap import cluster_ratio_replicates
from ._frame import codes, group_codes, is_boolean, numbers, require
from ._intervals import check_confidence, check_n_boot, percentile, wilson_interval

SCORE_COLUMNS = (
    "n_items", "n_rows", "mean", "sd", "se", "mean_low", "mean_high",
    "pass_rate", "pass_low", "pass_high", "wilson_low", "wilson_high",
)


def score_table(
    scores: pd.DataFrame,
    *,
    by: Sequence[str] = ("model", "criterion", "domain"),
    threshold: float | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One row per group of ``by`` with the mean score and the pass rate, with intervals.

    ``scores``: a long table with columns ``item``, ``value`` and the ``by`` columns (by default
    model, criterion, domain), one row per judgement. ``value`` is a number or a boolean. A row
    passes when ``value ≥ threshold``, or, without a threshold, when a boolean value is True;
    numeric values without a threshold have no pass rate (NaN).

    Columns, after the ``by`` columns: ``n_items``, ``n_rows``; ``mean`` of the item means with
    their ``sd`` and ``se`` (sd/√n); ``mean_low``/``mean_high``, the percentile bootstrap interval
    at ``confidence`` (``n_boot`` replicates resampling items within the group, seeded by ``seed``;
    NaN with ``n_boot=0``); ``pass_rate`` with its bootstrap interval ``pass_low``/``pass_high``
    and the Wilson interval ``wilson_low``/``wilson_high``.
    """
    check_n_boot(n_boot)
    check_confidence(confidence)
    by = list(by)
    require(scores, ["item", "value", *by], "scores")
    values = numbers(scores, "value", "scores")
    if threshold is not None:
        passed = (values >= threshold).astype(np.float64)
    elif is_boolean(scores, "value"):
        passed = values
    else:
        passed = np.full(len(values), np.nan)
    group, keys = group_codes(scores, by)
    item, items = codes(scores["item"])
    # Cells (group × item), sorted by group because the group is the major part of the key.
    cell_key = group * len(items) + item
    cells, cell_of_row = np.unique(cell_key, return_inverse=True)
    cell_of_row = cell_of_row.reshape(-1)
    rows = np.bincount(cell_of_row).astype(np.float64)
    item_mean = np.bincount(cell_of_row, weights=values) / rows
    item_pass = np.bincount(cell_of_row, weights=np.nan_to_num(passed)) / rows
    cell_group = (cells // len(items)).astype(np.int64)

    n_groups = len(keys)
    n_items = np.bincount(cell_group, minlength=n_groups).astype(np.float64)
    mean = np.bincount(cell_group, weights=item_mean, minlength=n_groups) / n_items
    deviation = item_mean - mean[cell_group]
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.bincount(cell_group, weights=deviation**2, minlength=n_groups) / (n_items - 1.0))
    sd = np.where(n_items > 1, sd, np.nan)
    pass_sum = np.bincount(cell_group, weights=item_pass, minlength=n_groups)
    has_pass = not np.isnan(passed).all()
    pass_rate = pass_sum / n_items if has_pass else np.full(n_groups, np.nan)
    wilson_low, wilson_high = wilson_interval(pass_sum, n_items, confidence)
    if not has_pass:
        wilson_low = wilson_high = np.full(n_groups, np.nan)

    nan = np.full((n_groups, 2), np.nan)
    low, high = nan, nan
    if n_boot:
        replicates = cluster_ratio_replicates(
            cell_group, np.column_stack([item_mean, item_pass]), np.ones(len(cells)), n_boot, seed
        )
        low, high = percentile(replicates, confidence)
    out = keys.copy()
    columns = {
        "n_items": n_items.astype(np.int64),
        "n_rows": np.bincount(group, minlength=n_groups).astype(np.int64),
        "mean": mean,
        "sd": sd,
        "se": sd / np.sqrt(n_items),
        "mean_low": low[:, 0],
        "mean_high": high[:, 0],
        "pass_rate": pass_rate,
        "pass_low": low[:, 1] if has_pass else np.full(n_groups, np.nan),
        "pass_high": high[:, 1] if has_pass else np.full(n_groups, np.nan),
        "wilson_low": wilson_low,
        "wilson_high": wilson_high,
    }
    for name in SCORE_COLUMNS:
        out[name] = columns[name]
    return out
