"""Interval machinery shared by the evaluation statistics: Wilson score intervals, percentile
intervals from replicates, and a grouped cluster bootstrap of ratios drawn a batch at a time.

Cluster bootstrap: rows are first reduced to *cells* (one per group × item) carrying sums; a
replicate redraws, within every group independently, as many items as the group has, with
replacement, so an item's several rows (several annotators, several turns) move together. A
ratio statistic Σ numerator / Σ denominator over the drawn cells needs, for a whole batch of
replicates at once, one array of drawn cell indices (uniforms × group size), a gather of the cells' sums and one
`np.add.reduceat` over the drawn slots, which are laid out group by group.
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from ._errors import EvalError
from ._frame import FloatArray, IntArray

# Largest (replicates × cells) weight matrix built at once; 2**22 float64 = 32 MiB.
BATCH_ELEMENTS = 1 << 22


def check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise EvalError(f"confidence must be between 0 and 1, not {confidence}")


def check_n_boot(n_boot: int) -> None:
    if n_boot < 0:
        raise EvalError(f"n_boot must be non-negative, not {n_boot}")


def wilson_interval(successes: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Wilson (1927) score interval for a binomial proportion, elementwise; NaN where n = 0.

    centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)."""
    check_confidence(confidence)
    k, n = np.asarray(successes, dtype=np.float64), np.asarray(n, dtype=np.float64)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        shrink = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / shrink
        half = z / shrink * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def percentile(replicates: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval along axis 0, ignoring undefined (NaN) replicates."""
    tail = (1.0 - confidence) / 2.0
    if replicates.shape[0] == 0:
        shape = replicates.shape[1:]
        return np.full(shape, np.nan), np.full(shape, np.nan)
    with np.errstate(all="ignore"):
        finite = np.isfinite(replicates)
        if finite.all():
            low, high = np.quantile(replicates, [tail, 1.0 - tail], axis=0)
        else:
            with warnings.catch_warnings():  # all-NaN columns are expected: a group undefined throughout
                warnings.simplefilter("ignore", RuntimeWarning)
                low, high = np.nanquantile(np.where(finite, replicates, np.nan), [tail, 1.0 - tail], axis=0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def batch_size(n_columns: int) -> int:
    return max(1, BATCH_ELEMENTS // max(1, n_columns))


def grouped_cluster_draws(rng: np.random.Generator, group_start: IntArray, group_size: IntArray,
                          cell_group: IntArray, n_replicates: int) -> npt.NDArray[Any]:
    """(replicates × cells): the cell drawn into each slot when every group redraws its own cells
    with replacement, as many as it has (slot c of group g draws uniformly from g's cells)."""
    size = group_size[cell_group]
    local = rng.random((n_replicates, len(cell_group)))
    local *= size
    # 32-bit indices gather faster; the clip guards against a product rounding up to the size.
    drawn: npt.NDArray[Any] = local.astype(np.int32 if len(cell_group) < 1 << 31 else np.int64)
    np.minimum(drawn, size - 1, out=drawn, casting="unsafe")
    np.add(drawn, group_start[cell_group], out=drawn, casting="unsafe")
    return drawn


def cluster_ratio_replicates(cell_group: IntArray, numerators: npt.ArrayLike, denominators: npt.ArrayLike,
                             n_boot: int, seed: int) -> FloatArray:
    """Bootstrap replicates (n_boot × groups × k) of Σ numerator / Σ denominator per group, the
    cells (sorted by group; ``numerators`` cells × k) redrawn within each group."""
    numerators, denominators = np.asarray(numerators, dtype=np.float64), np.asarray(denominators, dtype=np.float64)
    n_cells, k = numerators.shape
    if n_cells and np.any(np.diff(cell_group) < 0):
        raise EvalError("cells must be sorted by group")  # a programming error, not user input
    group_start = np.flatnonzero(np.r_[True, np.diff(cell_group) != 0]) if n_cells else np.zeros(0, np.int64)
    n_groups = len(group_start)
    group_size = np.diff(np.r_[group_start, n_cells]).astype(np.int64)
    dense_group = np.repeat(np.arange(n_groups), group_size)
    out = np.empty((n_boot, n_groups, k))
    unit = bool(np.all(denominators == 1.0))
    columns = [np.ascontiguousarray(numerators[:, j]) for j in range(k)]  # gathers from contiguous memory
    step = batch_size(n_cells)
    bounds = list(range(0, n_boot, step))
    # Batch b draws from its own generator, child b of SeedSequence(seed), so the result does not
    # depend on which thread ran it; NumPy releases the GIL in the draws, gathers and sums.
    seeds = np.random.SeedSequence(seed).spawn(len(bounds))

    def run(index: int) -> None:
        lo = bounds[index]
        size = min(step, n_boot - lo)
        drawn = grouped_cluster_draws(np.random.default_rng(seeds[index]), group_start, group_size, dense_group, size)
        denominator = group_size.astype(np.float64) if unit else np.add.reduceat(denominators[drawn], group_start, axis=1)
        for j in range(k):
            numerator = np.add.reduceat(columns[j][drawn], group_start, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[lo : lo + size, :, j] = numerator / denominator

    if len(bounds) == 1:
        run(0)
    else:
        with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
            list(pool.map(run, range(len(bounds))))
    return out
