"""Length-controlled win rate against a baseline: AlpacaEval 2.0's method (Dubois, Galambosi,
Liang & Hashimoto 2024, "Length-Controlled AlpacaEval: A Simple Way to Debias Automatic
Evaluators", arXiv:2404.04475; `alpaca_eval.metrics.glm_winrate`).

For each model m, a logistic GLM of the preference for m over the baseline b on instruction x:

    P(m ≻ b | x) = σ(θ_m + φ_m · tanh(Δlen / sd(Δlen)) + ψ_m · γ_x)

where Δlen = len(m's output) − len(b's output), sd over m's battles, and γ_x is the instruction's
difficulty. The length-controlled win rate is the GLM's prediction with the length term set to
zero, averaged over m's battles: mean_x σ(θ_m + ψ_m γ_x). Ties count as a preference of ½, as
AlpacaEval's fractional preferences do.

Where this simplifies AlpacaEval (and why):
- γ_x: AlpacaEval ships difficulties pre-fitted on its own leaderboard (downloaded at run time).
  Here they are estimated from the data: the logit of the baseline's (smoothed) share of wins on
  x over the *other* models' battles, leaving the fitted model out so its own outcome does not
  leak into its covariate; with a single model there is no difficulty term. Supply your own with
  ``difficulty``.
- No cross-validated L1 penalty and no "gamed" verbose/concise baseline runs (which AlpacaEval
  mixes in at weight 0.2 to pin the length slope): a small L2 ``penalty`` only keeps the fit
  finite when a model always or never wins.
- The bootstrap interval (cluster bootstrap over items) refits the GLM with sd(Δlen) and γ_x held
  at their full-data values.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from assay.quality._bootstrap import resample_weights

from ._battles import encode_battles
from ._errors import EvalError
from ._frame import FloatArray, IntArray, bad_row, numbers, require
from ._intervals import check_confidence, check_n_boot, percentile
from ._logistic import Logistic, bootstrap_rows

LC_COLUMNS = ("model", "n", "win_rate", "win_low", "win_high", "lc_win_rate", "lc_low", "lc_high",
              "model_coef", "length_coef", "difficulty_coef", "converged")


def length_controlled_win_rate(
    battles: pd.DataFrame,
    baseline: str,
    *,
    lengths: Sequence[str] = ("left_length", "right_length"),
    difficulty: Mapping[Any, float] | None = None,
    penalty: float = 1e-3,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Raw and length-controlled win rate of every model against ``baseline``.

    ``battles``: columns ``item``, ``left``, ``right``, ``winner`` (left id, right id or ``tie``)
    and the two output lengths named by ``lengths`` (characters, tokens: any unit); every battle
    is between some model and the baseline. ``difficulty``: γ per item, overriding the estimate.

    One row per model: ``n`` battles, ``win_rate`` (ties ½) with ``win_low``/``win_high``,
    ``lc_win_rate`` with ``lc_low``/``lc_high`` (percentile bootstrap over items, ``n_boot``
    replicates seeded by ``seed``; NaN without), the GLM's ``model_coef`` θ, ``length_coef`` φ,
    ``difficulty_coef`` ψ (NaN when the term was left out) and whether the fit ``converged``."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    if penalty < 0:
        raise EvalError(f"penalty must be non-negative, not {penalty}")
    if len(lengths) != 2:
        raise EvalError("lengths names two columns: the left and the right output's length")
    require(battles, list(lengths), "battles")
    encoded = encode_battles(battles)
    left_len, right_len = (numbers(battles, c, "battles") for c in lengths)
    where = np.flatnonzero(encoded.models == str(baseline).strip())
    if not len(where):
        raise EvalError(f"battles: the baseline {baseline!r} is in no battle")
    base = int(where[0])
    base_left, base_right = encoded.left == base, encoded.right == base
    neither = ~(base_left | base_right)
    if neither.any():
        raise bad_row(battles, int(np.flatnonzero(neither)[0]), "left", "battles",
                      f"neither side is the baseline {baseline!r}; every battle must include it")
    model = np.where(base_left, encoded.right, encoded.left)
    preference = np.where(base_left, 1.0 - encoded.left_score, encoded.left_score)
    delta = np.where(base_left, right_len - left_len, left_len - right_len)
    gamma = (_given_difficulty(battles, encoded.items, encoded.item, difficulty) if difficulty is not None
             else _estimated_difficulty(encoded.item, model, preference, len(encoded.items), len(encoded.models)))
    rows = []
    for code in np.unique(model):
        mine = np.flatnonzero(model == code)
        name = str(encoded.models[code])
        # Each model's bootstrap is seeded by (seed, its name), so adding a model to the battles
        # leaves the other models' intervals as they were.
        stream = np.random.SeedSequence([seed, zlib.crc32(name.encode())])
        rows.append(_fit_model(name, encoded.item[mine], preference[mine], delta[mine], gamma[mine], penalty, n_boot,
                               stream, confidence))
    return pd.DataFrame(rows, columns=list(LC_COLUMNS))


def _given_difficulty(battles: pd.DataFrame, items: Any, item: IntArray, difficulty: Mapping[Any, float]) -> FloatArray:
    by_text = {str(k).strip(): float(v) for k, v in difficulty.items()}
    per_item = np.array([by_text.get(str(i), np.nan) for i in items])
    missing = ~np.isfinite(per_item[item])
    if missing.any():
        raise bad_row(battles, int(np.flatnonzero(missing)[0]), "item", "battles", "has no (finite) difficulty")
    out: FloatArray = per_item[item]
    return out


def _estimated_difficulty(item: IntArray, model: IntArray, preference: FloatArray, n_items: int,
                          n_models: int) -> FloatArray:
    """Per battle: logit of the baseline's smoothed share of wins on the battle's item over the
    other models' battles there (0 when no other model met the baseline on that item)."""
    baseline_score = 1.0 - preference
    all_wins = np.bincount(item, weights=baseline_score, minlength=n_items)
    all_n = np.bincount(item, minlength=n_items).astype(np.float64)
    key = item * n_models + model
    own_wins = np.bincount(key, weights=baseline_score, minlength=n_items * n_models)[key]
    own_n = np.bincount(key, minlength=n_items * n_models)[key].astype(np.float64)
    share = (all_wins[item] - own_wins + 0.5) / (all_n[item] - own_n + 1.0)
    out: FloatArray = np.log(share / (1.0 - share))
    return out


def _fit_model(name: str, item: IntArray, y: FloatArray, delta: FloatArray, gamma: FloatArray, penalty: float,
               n_boot: int, seed: np.random.SeedSequence, confidence: float) -> tuple[Any, ...]:
    n = len(y)
    sd = float(delta.std(ddof=1)) if n > 1 else 0.0
    length = np.tanh(delta / sd) if sd > 0 else np.zeros(n)
    use_length = bool(np.any(length != 0))
    use_difficulty = n > 1 and float(gamma.std()) > 1e-12
    columns = [np.ones(n)] + ([length] if use_length else []) + ([gamma] if use_difficulty else [])
    problem = Logistic(sparse.csr_matrix(np.column_stack(columns)), y, np.full(len(columns), penalty))
    beta, converged = problem.fit()
    if use_length:  # the counterfactual: both outputs the same length
        columns[1] = np.zeros(n)
    controlled = Logistic(sparse.csr_matrix(np.column_stack(columns)), y, problem.ridge)
    lc = float(controlled.probabilities(beta).mean())
    win_low = win_high = lc_low = lc_high = np.nan
    if n_boot:
        items, local = np.unique(item, return_inverse=True)
        local = local.reshape(-1)
        rng = np.random.default_rng(seed)
        drawn: list[FloatArray] = []

        def draw(size: int) -> FloatArray:
            weights = resample_weights(rng, len(items), size)[:, local]
            drawn.append(weights)
            return weights

        betas = bootstrap_rows(problem, beta, draw, n_boot)
        weights = np.concatenate(drawn)
        total = weights.sum(axis=1)
        replicates = np.column_stack([weights @ y / total, (weights * controlled.probabilities(betas).T).sum(axis=1) / total])
        (win_low, lc_low), (win_high, lc_high) = percentile(replicates, confidence)
    coef = iter(beta.tolist())
    theta = next(coef)
    phi = next(coef) if use_length else np.nan
    psi = next(coef) if use_difficulty else np.nan
    return (name, n, float(y.mean()), float(win_low), float(win_high), lc, float(lc_low), float(lc_high),
            theta, phi, psi, converged)
