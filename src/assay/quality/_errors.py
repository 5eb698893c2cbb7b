"""The one exception type for data the statistics cannot use."""

from __future__ import annotations


class RatingsError(ValueError):
    """Ratings that a statistic cannot be computed on: wrong shape, wrong number of annotators,
    labels a level of measurement cannot use. Undefined values (0/0, e.g. everyone always chose
    the same category) are not errors: the statistic returns NaN."""
