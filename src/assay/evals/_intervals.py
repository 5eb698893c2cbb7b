"""Interval helpers shared by the evaluation statistics: Wilson score intervals, percentile
intervals from bootstrap replicates, argument checks and the batch size of bounded memory."""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from ._errors import EvalError
from ._frame import FloatArray

# Largest (replicates × columns) array built at once; 2**22 float64 = 32 MiB.
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
