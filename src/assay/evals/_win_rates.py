"""Pairwise win rates with ties (a tie is half a win), against each opponent and against the
field, with a cluster bootstrap over items; and the Bradley–Terry leaderboard.

A replicate redraws the items with replacement and keeps every battle of a drawn item, so the
battles of one prompt (often several pairs judged on the same prompt) move together. Battles are
reduced once to sparse (item × pair) and (item × model) tables of counts and scores; a batch of
replicates is then two sparse-by-dense products with the replicates' item weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from assay.quality import RatingsError, TieModel, bradley_terry
from assay.quality._bootstrap import resample_weights

from ._battles import LEFT, RIGHT, TIE, EncodedBattles, encode_battles
from ._errors import InfiniteStrengthError
from ._frame import FloatArray, IntArray
from ._intervals import batch_size, check_confidence, check_n_boot, percentile


@dataclass(frozen=True, eq=False)
class WinRates:
    """Win rates, (wins + ties/2) / n, with percentile bootstrap intervals over items (NaN
    without a bootstrap)."""

    pairs: pd.DataFrame
    """One row per ordered (model, opponent) that met: model, opponent, n, wins, losses, ties,
    win_rate, ci_low, ci_high. The rows (a, b) and (b, a) are complementary: their win rates sum
    to 1 and their intervals mirror each other."""
    field: pd.DataFrame
    """One row per model over all its battles: model, n, wins, losses, ties, win_rate, ci_low,
    ci_high."""


def win_rates(battles: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0, confidence: float = 0.95) -> WinRates:
    """Win rates of every model against every opponent it met and against the field.

    ``battles``: columns ``item``, ``left``, ``right``, ``winner`` (the left id, the right id or
    ``tie``). Intervals: ``n_boot`` replicates resampling items (seeded by ``seed``)."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    encoded = encode_battles(battles)
    tables = _Tables.build(encoded)
    pair_rate = tables.pair_score_sum / tables.pair_n
    field_rate = tables.model_score_sum / tables.model_n
    shape_pairs, shape_models = (2, len(pair_rate)), (2, len(field_rate))
    pair_ci, field_ci = np.full(shape_pairs, np.nan), np.full(shape_models, np.nan)
    if n_boot:
        pair_rep, field_rep = tables.replicates(n_boot, seed)
        pair_ci = np.array(percentile(pair_rep, confidence))
        field_ci = np.array(percentile(field_rep, confidence))
    m = len(encoded.models)
    a, b = tables.pair // m, tables.pair % m
    wins_a, wins_b, ties = tables.pair_outcomes.T
    names = encoded.models
    pairs = pd.DataFrame({
        "model": np.r_[names[a], names[b]],
        "opponent": np.r_[names[b], names[a]],
        "n": np.r_[tables.pair_n, tables.pair_n].astype(np.int64),
        "wins": np.r_[wins_a, wins_b],
        "losses": np.r_[wins_b, wins_a],
        "ties": np.r_[ties, ties],
        "win_rate": np.r_[pair_rate, 1.0 - pair_rate],
        "ci_low": np.r_[pair_ci[0], 1.0 - pair_ci[1]],
        "ci_high": np.r_[pair_ci[1], 1.0 - pair_ci[0]],
    }).sort_values(["model", "opponent"], kind="stable").reset_index(drop=True)
    wins, losses, tie_counts = tables.model_outcomes.T
    field = pd.DataFrame({
        "model": names,
        "n": tables.model_n.astype(np.int64),
        "wins": wins,
        "losses": losses,
        "ties": tie_counts,
        "win_rate": field_rate,
        "ci_low": field_ci[0],
        "ci_high": field_ci[1],
    })
    return WinRates(pairs, field)


@dataclass(frozen=True, eq=False)
class _Tables:
    """Sparse per-item sums: ``by_pair_*`` (items × pairs that met) for the lower-coded model a
    of each unordered pair a < b, ``by_model_*`` (items × models)."""

    pair: IntArray
    by_pair_n: sparse.csr_matrix
    by_pair_score: sparse.csr_matrix
    by_model_n: sparse.csr_matrix
    by_model_score: sparse.csr_matrix
    pair_outcomes: IntArray  # pairs × (a wins, b wins, ties)
    model_outcomes: IntArray  # models × (wins, losses, ties)

    @property
    def pair_n(self) -> FloatArray:
        return np.asarray(self.by_pair_n.sum(axis=0)).ravel()

    @property
    def pair_score_sum(self) -> FloatArray:
        return np.asarray(self.by_pair_score.sum(axis=0)).ravel()

    @property
    def model_n(self) -> FloatArray:
        return np.asarray(self.by_model_n.sum(axis=0)).ravel()

    @property
    def model_score_sum(self) -> FloatArray:
        return np.asarray(self.by_model_score.sum(axis=0)).ravel()

    @classmethod
    def build(cls, battles: EncodedBattles) -> _Tables:
        m, n_items = len(battles.models), len(battles.items)
        swap = battles.left > battles.right
        a = np.where(swap, battles.right, battles.left)
        b = np.where(swap, battles.left, battles.right)
        left_score = battles.left_score
        score_a = np.where(swap, 1.0 - left_score, left_score)
        pair, pair_code = np.unique(a * m + b, return_inverse=True)
        pair_code = pair_code.reshape(-1)
        ones = np.ones(len(a))

        def table(rows: IntArray, cols: IntArray, values: FloatArray, n_cols: int) -> sparse.csr_matrix:
            return sparse.csr_matrix((values, (rows, cols)), shape=(n_items, n_cols))

        item = battles.item
        outcome_a = np.where(battles.outcome == TIE, 2, np.where((battles.outcome == LEFT) != swap, 0, 1))
        pair_outcomes = np.bincount(pair_code * 3 + outcome_a, minlength=3 * len(pair)).reshape(-1, 3)
        won = np.where(battles.outcome == LEFT, battles.left, battles.right)[battles.outcome != TIE]
        lost = np.where(battles.outcome == RIGHT, battles.left, battles.right)[battles.outcome != TIE]
        tied = np.r_[battles.left[battles.outcome == TIE], battles.right[battles.outcome == TIE]]
        model_outcomes = np.column_stack([np.bincount(v, minlength=m) for v in (won, lost, tied)])
        return cls(
            pair=pair.astype(np.int64),
            by_pair_n=table(item, pair_code, ones, len(pair)),
            by_pair_score=table(item, pair_code, score_a, len(pair)),
            by_model_n=table(np.r_[item, item], np.r_[battles.left, battles.right], np.r_[ones, ones], m),
            by_model_score=table(np.r_[item, item], np.r_[battles.left, battles.right],
                                 np.r_[left_score, 1.0 - left_score], m),
            pair_outcomes=pair_outcomes.astype(np.int64),
            model_outcomes=model_outcomes.astype(np.int64),
        )

    def replicates(self, n_boot: int, seed: int) -> tuple[FloatArray, FloatArray]:
        """(n_boot × pairs, n_boot × models) win rates on items redrawn with replacement; NaN
        where a replicate drew no battle of that pair or model."""
        n_items = self.by_pair_n.shape[0]
        rng = np.random.default_rng(seed)
        pairs, models = np.empty((n_boot, self.by_pair_n.shape[1])), np.empty((n_boot, self.by_model_n.shape[1]))
        step = batch_size(n_items)
        for lo in range(0, n_boot, step):
            size = min(step, n_boot - lo)
            weights = np.ascontiguousarray(resample_weights(rng, n_items, size).T)  # items × replicates, once
            with np.errstate(divide="ignore", invalid="ignore"):
                pairs[lo : lo + size] = (self.by_pair_score.T @ weights / (self.by_pair_n.T @ weights)).T
                models[lo : lo + size] = (self.by_model_score.T @ weights / (self.by_model_n.T @ weights)).T
        return pairs, models


def leaderboard(
    battles: pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    ties: TieModel = "half",
    alpha: float = 0.0,
) -> pd.DataFrame:
    """The Bradley–Terry leaderboard (`assay.quality.bradley_terry`: ties as half wins or
    Davidson's model, L2 penalty ``alpha``, bootstrap over battles), best first.

    ``battles`` as for `win_rates` (``item`` is not needed here). Columns: ``position`` (1, 2, …
    by rating); ``rank``, Chatbot Arena's: 1 + the number of models whose interval lies wholly
    above this one's (equal to ``position`` without a bootstrap); ``model``, ``rating`` (Elo
    scale, 1000 at the mean log-strength), ``ci_low``/``ci_high`` (NaN without a bootstrap),
    ``log_strength``, ``n``, ``wins``, ``losses``, ``ties``, ``win_rate`` (against the field)."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    encoded = encode_battles(battles, item=False)
    try:
        result = bradley_terry(encoded.to_quality(), ties=ties, alpha=alpha, n_boot=n_boot, seed=seed, level=confidence)
    except RatingsError as e:  # e.g. a model that never won: name the remedy in this API's terms
        raise InfiniteStrengthError(f"battles: {str(e).replace(' (--alpha)', '')}") from None
    order = result.order()
    n = result.wins + result.losses + result.ties
    low = result.ci_low if result.ci_low is not None else np.full(len(order), np.nan)
    high = result.ci_high if result.ci_high is not None else np.full(len(order), np.nan)
    if n_boot:
        rank = 1 + (low[None, :] > high[:, None]).sum(axis=1)
    else:
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(1, len(order) + 1)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(1, len(order) + 1)
    frame = pd.DataFrame({
        "position": position,
        "rank": rank.astype(np.int64),
        "model": result.models,
        "rating": result.rating,
        "ci_low": low,
        "ci_high": high,
        "log_strength": result.log_strength,
        "n": n,
        "wins": result.wins,
        "losses": result.losses,
        "ties": result.ties,
        "win_rate": (result.wins + 0.5 * result.ties) / np.maximum(n, 1),
    })
    return frame.iloc[order].reset_index(drop=True)
