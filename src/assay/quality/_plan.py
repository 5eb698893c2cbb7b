"""`Plan`: a statistic written as ``finish(Σ_i w_i · f_i)`` over per-row feature vectors.

Every agreement coefficient here is a smooth function of sums over items (counts, per-item
agreement, per-item category shares). Writing each one that way gives the point estimate
(all weights 1) and the bootstrap (weights = how often each item was drawn) from the same code,
so the two can never disagree, and a batch of bootstrap replicates is one matrix product.
Features are produced a block of rows at a time so memory stays bounded when there are many
categories (ordinal α carries categories² features per unit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ._ratings import FloatArray

# Largest feature block held at once (elements); 2**22 float64 = 32 MiB.
BLOCK_ELEMENTS = 1 << 22


@dataclass(frozen=True, slots=True)
class Plan:
    """``features(lo, hi)`` gives the (hi-lo) × ``n_features`` block for rows lo..hi-1;
    ``finish`` maps a (replicates × n_features) array of weighted sums to one value per replicate."""

    n_rows: int
    n_features: int
    features: Callable[[int, int], FloatArray]
    finish: Callable[[FloatArray], FloatArray]

    def blocks(self) -> Iterator[tuple[int, int]]:
        step = max(1, BLOCK_ELEMENTS // max(1, self.n_features))
        for lo in range(0, self.n_rows, step):
            yield lo, min(self.n_rows, lo + step)

    def sums(self, weights: FloatArray | None = None) -> FloatArray:
        """Weighted feature sums, (replicates × features); ``None`` means one replicate of all ones."""
        if weights is None:
            total = np.zeros((1, self.n_features))
            for lo, hi in self.blocks():
                total[0] += self.features(lo, hi).sum(axis=0)
            return total
        total = np.zeros((weights.shape[0], self.n_features))
        for lo, hi in self.blocks():
            total += weights[:, lo:hi] @ self.features(lo, hi)
        return total

    def value(self) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.finish(self.sums())[0])

    def cached(self) -> Plan:
        """The same plan with its features computed once, when they fit in one block: the
        bootstrap then reuses them for every batch of replicates."""
        if self.n_rows * self.n_features > 4 * BLOCK_ELEMENTS:
            return self
        everything = self.features(0, self.n_rows)
        return Plan(self.n_rows, self.n_features, lambda lo, hi: everything[lo:hi], self.finish)


def safe_ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator with 0/0 and x/0 as NaN (an undefined coefficient), silently."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.true_divide(numerator, denominator)
    return np.where(denominator == 0, np.nan, out)
