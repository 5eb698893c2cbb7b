"""McNemar's test for paired pass/fail outcomes of two model versions on the same items.

With n₁₀ items that only A passed and n₀₁ that only B passed (the discordant pairs):

- exact: two-sided binomial test of n₀₁ ~ Bin(n₁₀ + n₀₁, ½), p = min(1, 2·P(X ≤ min(n₁₀, n₀₁)));
  the statistic reported is min(n₁₀, n₀₁), as statsmodels reports it;
- chi-square: (n₁₀ − n₀₁)² / (n₁₀ + n₀₁), 1 degree of freedom;
- chi-square with Edwards' continuity correction: (|n₁₀ − n₀₁| − 1)² / (n₁₀ + n₀₁).

``method="auto"`` takes the exact test when there are fewer than 25 discordant pairs (the usual
rule: the chi-square approximation needs about 25) and the corrected chi-square otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._errors import EvalError

McNemarMethod = Literal["auto", "exact", "chi2", "chi2-corrected"]
MCNEMAR_METHODS: tuple[str, ...] = get_args(McNemarMethod)
EXACT_BELOW = 25


@dataclass(frozen=True)
class McNemarResult:
    """McNemar's test of paired pass/fail outcomes."""

    n: int
    """Items with an outcome for both versions."""
    both_pass: int
    """Items both versions passed."""
    only_a: int
    """Items only version A passed (n₁₀)."""
    only_b: int
    """Items only version B passed (n₀₁)."""
    both_fail: int
    """Items both versions failed."""
    statistic: float
    """min(n₁₀, n₀₁) for the exact test, else the chi-square statistic."""
    p_value: float
    """Two-sided p-value."""
    method: str
    """The test actually used: exact, chi2 or chi2-corrected."""


def mcnemar(a: npt.ArrayLike, b: npt.ArrayLike, *, method: McNemarMethod = "auto") -> McNemarResult:
    """McNemar's test on per-item pass/fail outcomes ``a`` and ``b`` (booleans or 0/1, aligned
    by item)."""
    if method not in MCNEMAR_METHODS:
        raise EvalError(f"method must be one of {', '.join(MCNEMAR_METHODS)}, not {method!r}")
    x, y = (np.asarray(v).ravel() for v in (a, b))
    if len(x) != len(y):
        raise EvalError(f"a and b differ in length ({len(x)} and {len(y)}); pair them by item first")
    for name, v in (("a", x), ("b", y)):
        if not np.isin(v, [0, 1]).all():
            raise EvalError(f"{name}: pass/fail outcomes must be booleans or 0/1")
    x, y = x.astype(bool), y.astype(bool)
    table = mcnemar_table(x, y)
    return mcnemar_from_table(table, method=method)


def mcnemar_table(a: npt.NDArray[np.bool_], b: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """2 × 2 counts: rows A pass/fail, columns B pass/fail."""
    return np.bincount((~a).astype(np.int64) * 2 + (~b).astype(np.int64), minlength=4).reshape(2, 2)


def mcnemar_from_table(table: npt.ArrayLike, *, method: McNemarMethod = "auto") -> McNemarResult:
    """McNemar's test on a 2 × 2 table of counts [[both pass, only A], [only B, both fail]]."""
    counts = np.asarray(table)
    if counts.shape != (2, 2) or np.any(counts < 0) or not np.all(np.equal(np.mod(counts, 1), 0)):
        raise EvalError("a McNemar table is 2 × 2 non-negative counts")
    counts = counts.astype(np.int64)
    only_a, only_b = int(counts[0, 1]), int(counts[1, 0])
    discordant = only_a + only_b
    used = method if method != "auto" else ("exact" if discordant < EXACT_BELOW else "chi2-corrected")
    if used == "exact":
        statistic = float(min(only_a, only_b))
        p = min(1.0, 2.0 * float(stats.binom.cdf(statistic, discordant, 0.5))) if discordant else 1.0
    elif discordant == 0:
        statistic, p = 0.0, 1.0
    else:
        gap = abs(only_a - only_b) - (1.0 if used == "chi2-corrected" else 0.0)
        statistic = max(gap, 0.0) ** 2 / discordant
        p = float(stats.chi2.sf(statistic, 1))
    return McNemarResult(int(counts.sum()), int(counts[0, 0]), only_a, only_b, int(counts[1, 1]), statistic, p, used)
