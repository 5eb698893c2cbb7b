"""Grouped cluster bootstrap of ratio statistics, a batch of replicates at a time.

Rows are first reduced to *cells* (one per group × item) carrying sums. A replicate redraws,
within every group independently, as many cells as the group has, with replacement, so an item's
several rows (several annotators, several turns) move together; the statistic is
Σ numerator / Σ denominator over the drawn cells of each group.

Two exact ways to draw, chosen by the data:

- **counts of distinct cells** — ratings are few-valued (scores 1–5, pass/fail, flag counts), so
  a group's cells are mostly repeats of a handful of distinct (numerator, denominator) rows.
  Drawing k cells with replacement and summing is the same, in distribution, as drawing how often
  each distinct row is picked, Multinomial(k, its share of the group), and summing count × value:
  work per replicate grows with the distinct rows, not with the items.
- **drawn indices** — otherwise, one array of drawn cell indices per batch (uniforms × group
  size), a gather of the cells' sums and one `np.add.reduceat` over the slots, laid out group by
  group.

Batch b draws from its own generator, child b of ``SeedSequence(seed)``, and batches run on two
threads (NumPy releases the GIL in the draws, gathers and sums), so a result depends only on the
data, ``n_boot`` and ``seed``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._errors import EvalError
from ._frame import FloatArray, IntArray
from ._intervals import batch_size

# Use the multinomial draws when the distinct cells are at most this share of all cells.
DISTINCT_SHARE = 0.5


def cluster_ratio_replicates(cell_group: IntArray, numerators: npt.ArrayLike, denominators: npt.ArrayLike,
                             n_boot: int, seed: int) -> FloatArray:
    """Bootstrap replicates (n_boot × groups × k) of Σ numerator / Σ denominator per group, the
    cells (sorted by group; ``numerators`` cells × k, ``denominators`` one per cell) redrawn
    within each group."""
    numerators, denominators = np.asarray(numerators, dtype=np.float64), np.asarray(denominators, dtype=np.float64)
    n_cells, k = numerators.shape
    if n_cells and np.any(np.diff(cell_group) < 0):
        raise EvalError("cells must be sorted by group")  # a programming error, not user input
    # Distinct (group, denominator, numerators) rows and their counts, sorted by group first;
    # hashing (pandas) rather than np.unique(axis=0), which sorts every row as bytes.
    keys = pd.DataFrame(np.column_stack([cell_group, denominators, numerators]))
    tally = keys.groupby(list(keys.columns), sort=True).size()
    distinct, counts = tally.index.to_frame().to_numpy(dtype=np.float64), tally.to_numpy()
    if len(distinct) <= DISTINCT_SHARE * n_cells:
        group = distinct[:, 0].astype(np.int64)
        draw: _Multinomial | _Gathered = _Multinomial(group, counts, distinct[:, 1], distinct[:, 2:])
    else:
        draw = _Gathered(cell_group, denominators, numerators)
    n_groups = len(np.unique(cell_group))
    out = np.empty((n_boot, n_groups, k))
    step = batch_size(draw.width)
    bounds = list(range(0, n_boot, step))
    seeds = np.random.SeedSequence(seed).spawn(len(bounds))

    def run(index: int) -> None:
        lo = bounds[index]
        out[lo : lo + min(step, n_boot - lo)] = draw(np.random.default_rng(seeds[index]), min(step, n_boot - lo))

    if len(bounds) == 1:
        run(0)
    else:
        with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
            list(pool.map(run, range(len(bounds))))
    return out


class _Multinomial:
    """Draws of how often each distinct (denominator, numerators) row of a group is picked."""

    def __init__(self, group: IntArray, counts: IntArray, denominators: FloatArray, numerators: FloatArray) -> None:
        starts = np.flatnonzero(np.r_[True, np.diff(group) != 0])
        n_groups, self.k = len(starts), numerators.shape[1]
        distinct_per_group = np.diff(np.r_[starts, len(group)])
        width = int(distinct_per_group.max())
        slot = np.arange(len(group)) - np.repeat(starts, distinct_per_group)
        dense_group = np.repeat(np.arange(n_groups), distinct_per_group)
        self.size = np.bincount(dense_group, weights=counts).astype(np.int64)  # cells per group
        self.shares = np.zeros((n_groups, width))
        self.shares[dense_group, slot] = counts / self.size[dense_group]
        self.denominators = np.zeros((n_groups, width))
        self.denominators[dense_group, slot] = denominators
        self.numerators = np.zeros((n_groups, width, self.k))
        self.numerators[dense_group, slot] = numerators
        self.width = n_groups * width

    def __call__(self, rng: np.random.Generator, n_replicates: int) -> FloatArray:
        picked = rng.multinomial(self.size, self.shares, size=(n_replicates, len(self.size))).astype(np.float64)
        denominator = np.einsum("bgw,gw->bg", picked, self.denominators)
        numerator = np.einsum("bgw,gwk->bgk", picked, self.numerators)
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = numerator / denominator[:, :, None]
        return out


class _Gathered:
    """Draws of cell indices, gathered and summed group by group."""

    def __init__(self, cell_group: IntArray, denominators: FloatArray, numerators: FloatArray) -> None:
        n_cells = len(cell_group)
        self.starts = np.flatnonzero(np.r_[True, np.diff(cell_group) != 0]) if n_cells else np.zeros(0, np.int64)
        self.size = np.diff(np.r_[self.starts, n_cells]).astype(np.int64)
        self.dense_group = np.repeat(np.arange(len(self.starts)), self.size)
        self.unit = bool(np.all(denominators == 1.0))
        self.denominators = denominators
        self.columns = [np.ascontiguousarray(numerators[:, j]) for j in range(numerators.shape[1])]
        self.width = n_cells

    def __call__(self, rng: np.random.Generator, n_replicates: int) -> FloatArray:
        drawn = self.draws(rng, n_replicates)
        denominator = (self.size.astype(np.float64) if self.unit
                       else np.add.reduceat(self.denominators[drawn], self.starts, axis=1))
        out = np.empty((n_replicates, len(self.starts), len(self.columns)))
        for j, column in enumerate(self.columns):
            with np.errstate(divide="ignore", invalid="ignore"):
                out[:, :, j] = np.add.reduceat(column[drawn], self.starts, axis=1) / denominator
        return out

    def draws(self, rng: np.random.Generator, n_replicates: int) -> npt.NDArray[Any]:
        """(replicates × cells): the cell drawn into each slot; slot c of group g draws uniformly
        from g's cells."""
        size = self.size[self.dense_group]
        local = rng.random((n_replicates, len(self.dense_group)))
        local *= size
        # 32-bit indices gather faster; the clip guards against a product rounding up to the size.
        drawn: npt.NDArray[Any] = local.astype(np.int32 if len(self.dense_group) < 1 << 31 else np.int64)
        np.minimum(drawn, size - 1, out=drawn, casting="unsafe")
        np.add(drawn, self.starts[self.dense_group], out=drawn, casting="unsafe")
        return drawn
