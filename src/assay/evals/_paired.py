"""Paired significance of the difference between two model versions scored on the same items:
a paired bootstrap interval of the mean difference and a paired (sign-flip) permutation test.

Permutation test: under the null hypothesis the two versions are exchangeable on every item, so
each item's difference d_i keeps or flips its sign with probability ½. The statistic is the mean
difference; the two-sided p-value is twice the smaller one-sided share, capped at 1 — the
convention of `scipy.stats.permutation_test` (``permutation_type="samples"``), which the tests
match: exact enumeration of all 2ⁿ sign patterns when that is no more than ``n_perm``, else
``n_perm`` random patterns with the observed statistic counted in (p = (k + 1)/(n_perm + 1)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from assay.quality._bootstrap import resample_weights

from ._errors import EvalError
from ._frame import FloatArray, codes, numbers, require
from ._intervals import batch_size, check_confidence, percentile

# Relative tolerance for null statistics equal to the observed one but for rounding (scipy's).
_EQUAL = 100 * np.finfo(np.float64).eps


@dataclass(frozen=True)
class PairedComparison:
    """Version B against version A on the same items."""

    n: int
    """Items scored for both versions."""
    mean_a: float
    """Mean score of version A over those items."""
    mean_b: float
    """Mean score of version B over those items."""
    mean_difference: float
    """mean(B − A)."""
    ci_low: float
    """Lower end of the percentile paired-bootstrap interval of the mean difference."""
    ci_high: float
    """Upper end of that interval."""
    p_value: float
    """Two-sided paired permutation p-value of the mean difference."""
    exact: bool
    """True when the permutation test enumerated every sign pattern."""
    confidence: float
    """Level of the interval."""
    n_boot: int
    """Bootstrap replicates behind the interval."""
    n_perm: int
    """Sign patterns behind the p-value (2ⁿ when exact)."""
    seed: int
    """Seed of the bootstrap and the random permutations."""


def paired_comparison(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    n_boot: int = 2000,
    n_perm: int = 10000,
    seed: int = 0,
    confidence: float = 0.95,
) -> PairedComparison:
    """Compare per-item scores ``b`` against ``a`` (equal-length arrays, aligned by item)."""
    check_confidence(confidence)
    if n_boot < 1 or n_perm < 1:
        raise EvalError("n_boot and n_perm must be at least 1")
    x, y = (np.asarray(v, dtype=np.float64).ravel() for v in (a, b))
    if len(x) != len(y):
        raise EvalError(f"a and b differ in length ({len(x)} and {len(y)}); pair them by item first")
    if len(x) == 0:
        raise EvalError("no paired items to compare")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise EvalError("scores must be finite numbers (drop or fill items a version did not answer)")
    d = y - x
    rng = np.random.default_rng(seed)
    boot = np.empty(n_boot)
    step = batch_size(len(d))
    for lo in range(0, n_boot, step):
        size = min(step, n_boot - lo)
        boot[lo : lo + size] = resample_weights(rng, len(d), size) @ d / len(d)
    low, high = percentile(boot, confidence)
    p, exact, patterns = _sign_flip_p(d, n_perm, rng)
    return PairedComparison(len(d), float(x.mean()), float(y.mean()), float(d.mean()), float(low), float(high),
                            p, exact, confidence, n_boot, patterns, seed)


def _sign_flip_p(d: FloatArray, n_perm: int, rng: np.random.Generator) -> tuple[float, bool, int]:
    n = len(d)
    observed = d.mean()
    gamma = abs(_EQUAL * observed)
    exact = n < 63 and 2**n <= n_perm
    total = 2**n if exact else n_perm
    less = greater = 0
    step = batch_size(n)
    for lo in range(0, total, step):
        size = min(step, total - lo)
        if exact:  # bit j of the pattern number says whether item j keeps its sign
            bits = (np.arange(lo, lo + size, dtype=np.int64)[:, None] >> np.arange(n, dtype=np.int64)) & 1
            signs = 2.0 * bits - 1.0
        else:
            signs = np.where(rng.random((size, n)) < 0.5, -1.0, 1.0)
        null = signs @ d / n
        less += int(np.count_nonzero(null <= observed + gamma))
        greater += int(np.count_nonzero(null >= observed - gamma))
    adjustment = 0 if exact else 1
    p_less, p_greater = (less + adjustment) / (total + adjustment), (greater + adjustment) / (total + adjustment)
    return float(min(1.0, 2.0 * min(p_less, p_greater))), exact, total


def paired_scores(scores: pd.DataFrame, model_a: str, model_b: str) -> tuple[FloatArray, FloatArray]:
    """Per-item mean ``value`` of ``model_a`` and ``model_b`` over the items both were scored on,
    from a long table (columns item, model, value). Items only one version has are left out."""
    require(scores, ["item", "model", "value"], "scores")
    values = numbers(scores, "value", "scores")
    model = scores["model"].astype(str).str.strip().to_numpy(dtype=object)
    item, _ = codes(scores["item"])
    means = []
    for name in (model_a, model_b):
        mine = model == str(name).strip()
        if not mine.any():
            raise EvalError(f"scores: no rows for model {name!r}")
        n_items = int(item.max()) + 1
        count = np.bincount(item[mine], minlength=n_items)
        with np.errstate(divide="ignore", invalid="ignore"):
            means.append(np.bincount(item[mine], weights=values[mine], minlength=n_items) / count)
    both = np.isfinite(means[0]) & np.isfinite(means[1])
    return means[0][both], means[1][both]
