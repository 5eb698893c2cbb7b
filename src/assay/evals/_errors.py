"""The one exception type for evaluation data the statistics cannot use."""

from __future__ import annotations


class EvalError(ValueError):
    """Input an evaluation statistic cannot be computed on: a missing column, a missing or
    non-numeric value (the message names the row and field), arrays of different lengths.
    Undefined results (e.g. a win rate with no battles) are NaN, not errors."""
