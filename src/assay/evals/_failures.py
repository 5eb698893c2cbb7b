"""Failure-type rates: the share of judged responses flagged with each failure type
(hallucination, refusal, …) per model (× domain, or any grouping), with intervals.

The denominator is the set of judged responses, not the flags: a response nobody flagged counts
as a judged response without failures. A response flagged with the same type several times (by
several annotators, or in several spans) counts once. Intervals: Wilson over responses, and a
cluster bootstrap over items within each group (a model's responses to one item move together).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._cluster_bootstrap import cluster_ratio_replicates
from ._errors import EvalError
from ._frame import bad_row, codes, group_codes, require
from ._intervals import check_confidence, check_n_boot, percentile, wilson_interval

FAILURE_COLUMNS = ("failure_type", "n_judged", "n_flagged", "rate", "ci_low", "ci_high", "wilson_low", "wilson_high")
_KEY = ("item", "model", "response")


def failure_rates(
    flags: pd.DataFrame,
    judged: pd.DataFrame,
    *,
    by: Sequence[str] = ("model",),
    failure_types: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Rates of each failure type per group of ``by``.

    ``flags``: one row per flag with columns ``item``, ``model``, ``response``, ``failure_type``
    (from span labels or flag/choice questions). ``judged``: the judged responses, columns
    ``item``, ``model``, ``response`` and the ``by`` columns (e.g. ``domain``); every flag must
    name a judged response. ``failure_types``: the types to report, including ones never flagged
    (rate 0); by default every type that occurs.

    One row per group × failure type: the ``by`` columns, then ``failure_type``, ``n_judged``,
    ``n_flagged``, ``rate``, ``ci_low``/``ci_high`` (percentile cluster bootstrap over items,
    ``n_boot`` replicates seeded by ``seed``; NaN without) and ``wilson_low``/``wilson_high``."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    by = list(by)
    require(judged, [*_KEY, *by], "judged responses")
    require(flags, [*_KEY, "failure_type"], "flags")
    judged_key = _keys(judged)
    responses, first = np.unique(judged_key, return_index=True)  # a response judged twice counts once
    flag_key = _keys(flags)
    position = np.searchsorted(responses, flag_key)
    known = (position < len(responses)) & (responses[np.minimum(position, len(responses) - 1)] == flag_key)
    if not known.all():
        raise bad_row(flags, int(np.flatnonzero(~known)[0]), "response", "flags",
                      "names a response that is not among the judged responses")
    flag_type = flags["failure_type"].astype(str).str.strip().to_numpy(dtype=object)
    given = None if failure_types is None else list(dict.fromkeys(str(t).strip() for t in failure_types))
    types = np.array(sorted(set(flag_type)) if given is None else given, dtype=object)
    if failure_types is not None:
        unknown = ~np.isin(flag_type, types)
        if unknown.any():
            raise bad_row(flags, int(np.flatnonzero(unknown)[0]), "failure_type", "flags",
                          f"{flag_type[np.flatnonzero(unknown)[0]]!r} is not one of the failure types given")
    if not len(types):
        raise EvalError("no failure types: the flags are empty and none were given")
    order = np.argsort(types)
    type_code = order[np.searchsorted(types[order], flag_type)]
    flagged = np.zeros((len(responses), len(types)))
    flagged[position, type_code] = 1.0  # repeated flags of one response and type count once

    unique_judged = judged.iloc[first].reset_index(drop=True)
    group, keys = group_codes(unique_judged, by)
    item, items = codes(unique_judged["item"])
    cells, cell_of_response = np.unique(group * len(items) + item, return_inverse=True)
    cell_of_response = cell_of_response.reshape(-1)
    n_cells = len(cells)
    responses_per_cell = np.bincount(cell_of_response, minlength=n_cells).astype(np.float64)
    flagged_per_cell = np.column_stack([np.bincount(cell_of_response, weights=flagged[:, t], minlength=n_cells)
                                        for t in range(len(types))])
    cell_group = (cells // len(items)).astype(np.int64)
    n_groups = len(keys)
    n_judged = np.bincount(cell_group, weights=responses_per_cell, minlength=n_groups)
    n_flagged = np.column_stack([np.bincount(cell_group, weights=flagged_per_cell[:, t], minlength=n_groups)
                                 for t in range(len(types))])
    rate = n_flagged / n_judged[:, None]
    wilson_low, wilson_high = wilson_interval(n_flagged, np.broadcast_to(n_judged[:, None], n_flagged.shape),
                                              confidence)
    low = high = np.full(rate.shape, np.nan)
    if n_boot:
        replicates = cluster_ratio_replicates(cell_group, flagged_per_cell, responses_per_cell, n_boot, seed)
        low, high = percentile(replicates, confidence)
    out = keys.loc[np.repeat(np.arange(n_groups), len(types))].reset_index(drop=True)
    columns = {
        "failure_type": np.tile(types, n_groups),
        "n_judged": np.repeat(n_judged, len(types)).astype(np.int64),
        "n_flagged": n_flagged.ravel().astype(np.int64),
        "rate": rate.ravel(),
        "ci_low": low.ravel(),
        "ci_high": high.ravel(),
        "wilson_low": wilson_low.ravel(),
        "wilson_high": wilson_high.ravel(),
    }
    for name in FAILURE_COLUMNS:
        out[name] = columns[name]
    return out


def _keys(frame: pd.DataFrame) -> npt.NDArray[np.str_]:
    """One text key per row from (item, model, response); the unit separator cannot occur in
    ids that came through a text column without being meant as one."""
    parts = [frame[c].astype(str).str.strip() for c in _KEY]
    return (parts[0] + "\x1f" + parts[1] + "\x1f" + parts[2]).to_numpy(dtype=str)
