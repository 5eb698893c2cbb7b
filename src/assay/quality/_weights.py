"""Agreement weights between categories: identity, linear and quadratic (Cohen 1968; Gwet 2014, ch. 3).

Weights are agreement weights, 1 on the diagonal, measured on the category scores (the values of
numeric labels, the 1-based positions of string labels), as irrCAC and statsmodels do.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

from ._errors import RatingsError
from ._ratings import FloatArray

Weights = Literal["identity", "linear", "quadratic"]
WEIGHTS: tuple[str, ...] = get_args(Weights)


def weight_matrix(scores: FloatArray, weights: Weights) -> FloatArray:
    """The (categories × categories) agreement-weight matrix for ``weights``."""
    if weights not in WEIGHTS:
        raise RatingsError(f"weights must be one of {', '.join(WEIGHTS)}, not {weights!r}")
    k = len(scores)
    span = float(scores.max() - scores.min()) if k else 0.0
    if weights == "identity" or span == 0.0:
        return np.eye(k)
    distance = np.abs(scores[:, None] - scores[None, :]) / span
    return 1.0 - (distance if weights == "linear" else distance**2)
