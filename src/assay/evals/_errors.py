"""The one exception type for evaluation data the statistics cannot use."""

from __future__ import annotations

from assay.quality import RatingsError


class EvalError(ValueError):
    """Input an evaluation statistic cannot be computed on: a missing column, a missing or
    non-numeric value (the message names the row and field), arrays of different lengths.
    Undefined results (e.g. a win rate with no battles) are NaN, not errors."""


class InfiniteStrengthError(EvalError, RatingsError):
    """Some model never won (or never lost), so its maximum-likelihood Bradley–Terry strength is
    infinite: refit with a penalty ``alpha`` > 0. Also a `RatingsError`, what
    `assay.quality.bradley_terry` raises for the same data."""
