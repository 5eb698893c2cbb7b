"""Style-controlled Bradley–Terry: Chatbot Arena's "style control" (Li, Angelopoulos & Chiang,
LMSYS blog, August 2024; FastChat ``elo_analysis.construct_style_matrices``).

A logistic regression of "left won" on ±1 model indicators (+1 for the left model, −1 for the
right) plus style features Z, one per style feature f:

    z_f = normalise((f_left − f_right) / (f_left + f_right + 1))

where normalise centres and scales to unit standard deviation over the battles. The model
coefficients are log-strengths controlled for style; the style coefficients say how much a
one-sd style advantage moves the log-odds of winning. Ties are outcomes of ½ (Chatbot Arena
duplicates each battle and counts a tie as one win and one loss: the same likelihood). Without
style features this *is* the plain Bradley–Terry fit of `assay.quality.bradley_terry` (ties as
half wins), which the tests check.

Differences from Chatbot Arena: its fit uses scikit-learn's default L2 penalty (C = 1) on every
coefficient; here the model coefficients get the same optional ``alpha`` as
`assay.quality.bradley_terry` and the style coefficients none. Length is in characters, not
tokens (see `style_features`). A style feature without variation over the battles has no
coefficient (NaN) and is left out of the fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from assay.quality import RatingsError, bradley_terry
from assay.quality._bootstrap import resample_weights

from ._battles import encode_battles
from ._errors import EvalError, InfiniteStrengthError
from ._frame import FloatArray, numbers
from ._intervals import check_confidence, check_n_boot, percentile
from ._logistic import Logistic, bootstrap_rows
from ._style_features import STYLE_FEATURES, style_features

ELO_SCALE = 400.0 / np.log(10.0)  # the Elo scale of assay.quality.bradley_terry: 400 points = 10:1 odds


@dataclass(frozen=True, eq=False)
class StyleControlResult:
    """Style-controlled strengths and the style coefficients; intervals are percentile bootstrap
    intervals over battles (NaN without a bootstrap)."""

    leaderboard: pd.DataFrame
    """One row per model, best first: model, rating (Elo scale, style-controlled), ci_low,
    ci_high, log_strength, plain_rating, plain_ci_low, plain_ci_high (the plain Bradley–Terry fit
    of the same battles, for comparison), n."""
    style: pd.DataFrame
    """One row per style feature: feature, coefficient (log-odds per standard deviation of the
    normalised difference; NaN when the feature did not vary), ci_low, ci_high, sd (of the
    normalised difference before scaling)."""
    n_battles: int
    """Battles fitted."""
    converged: bool
    """Whether the full-data fit converged."""


def style_controlled_bradley_terry(
    battles: pd.DataFrame,
    *,
    features: Sequence[str] = STYLE_FEATURES,
    alpha: float = 0.0,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> StyleControlResult:
    """Bradley–Terry strengths controlled for style, with the style coefficients.

    ``battles``: columns ``left``, ``right``, ``winner`` (left id, right id or ``tie``) and, for
    each feature f in ``features``, either numeric columns ``left_f`` and ``right_f`` or the
    response texts ``left_response`` and ``right_response`` from which `style_features` counts
    them. ``alpha``: L2 penalty on the log-strengths, needed when a model never won or never lost.
    ``n_boot`` bootstrap replicates resample battles (seeded by ``seed``)."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    encoded = encode_battles(battles, item=False)
    try:
        plain = bradley_terry(encoded.to_quality(), alpha=alpha, n_boot=n_boot, seed=seed, level=confidence)
    except RatingsError as e:  # e.g. a model that never won: name the remedy in this API's terms
        raise InfiniteStrengthError(f"battles: {str(e).replace(' (--alpha)', '')}") from None
    raw = _style_differences(battles, list(features))
    sd = raw.std(axis=0) if len(raw) else np.zeros(raw.shape[1])
    varies = sd > 1e-12
    z = (raw[:, varies] - raw[:, varies].mean(axis=0)) / sd[varies]
    m, n = len(encoded.models), len(encoded.left)
    rows = np.arange(n)
    indicators = sparse.csr_matrix((np.r_[np.ones(n), -np.ones(n)], (np.r_[rows, rows], np.r_[encoded.left, encoded.right])),
                                   shape=(n, m))
    X = sparse.hstack([indicators, sparse.csr_matrix(z)], format="csr")
    problem = Logistic(X, encoded.left_score, np.r_[np.full(m, alpha), np.zeros(z.shape[1])], gauge=slice(0, m))
    beta, converged = problem.fit(start=np.r_[plain.log_strength, np.zeros(z.shape[1])])
    low = high = np.full(problem.size, np.nan)
    if n_boot:
        rng = np.random.default_rng(seed)
        low, high = percentile(bootstrap_rows(problem, beta, lambda size: resample_weights(rng, n, size), n_boot),
                               confidence)
    theta = beta[:m]
    board = pd.DataFrame({
        "model": encoded.models,
        "rating": 1000.0 + ELO_SCALE * theta,
        "ci_low": 1000.0 + ELO_SCALE * low[:m],
        "ci_high": 1000.0 + ELO_SCALE * high[:m],
        "log_strength": theta,
        "plain_rating": plain.rating,
        "plain_ci_low": plain.ci_low if plain.ci_low is not None else np.nan,
        "plain_ci_high": plain.ci_high if plain.ci_high is not None else np.nan,
        "n": plain.wins + plain.losses + plain.ties,
    }).sort_values("rating", ascending=False, kind="stable").reset_index(drop=True)
    coefficient, style_low, style_high = (np.full(len(features), np.nan) for _ in range(3))
    coefficient[varies], style_low[varies], style_high[varies] = beta[m:], low[m:], high[m:]
    style = pd.DataFrame({"feature": list(features), "coefficient": coefficient, "ci_low": style_low,
                          "ci_high": style_high, "sd": sd})
    return StyleControlResult(board, style, n, converged)


def _style_differences(battles: pd.DataFrame, features: list[str]) -> FloatArray:
    """(battles × features): (left − right) / (left + right + 1) per feature, unscaled."""
    out = np.empty((len(battles), len(features)))
    counted: tuple[pd.DataFrame, pd.DataFrame] | None = None
    for j, feature in enumerate(features):
        columns = (f"left_{feature}", f"right_{feature}")
        if all(c in battles.columns for c in columns):
            left, right = (numbers(battles, c, "battles") for c in columns)
        elif feature in STYLE_FEATURES and {"left_response", "right_response"} <= set(battles.columns):
            if counted is None:
                counted = (style_features(battles["left_response"]), style_features(battles["right_response"]))
            left, right = (frame[feature].to_numpy(dtype=np.float64) for frame in counted)
        else:
            raise EvalError(f"battles: style feature {feature!r} needs columns {columns[0]!r} and {columns[1]!r}"
                            + (" (or the texts 'left_response' and 'right_response')" if feature in STYLE_FEATURES
                               else ""))
        if np.any(left < 0) or np.any(right < 0):
            raise EvalError(f"battles: style feature {feature!r} must be a non-negative count")
        out[:, j] = (left - right) / (left + right + 1.0)
    return out
