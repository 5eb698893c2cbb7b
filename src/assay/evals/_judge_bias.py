"""Biases of a pairwise model judge: position bias (from judgements run in both orders), length
bias and self-preference (each against the human verdicts on the same pairs).

Verdicts name the *response*, not the position: ``a``, ``b`` or ``tie`` (any case). A preference
rate counts a tie as ½, as win rates do. The differences between judge and humans get a paired
percentile bootstrap interval over pairs (over items for self-preference: a prompt's pairs move
together), seeded and reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from assay.quality._bootstrap import resample_weights

from ._battles import EncodedBattles, encode_battles
from ._errors import EvalError
from ._frame import FloatArray, IntArray, bad_row, codes, numbers, require
from ._intervals import batch_size, check_confidence, check_n_boot, percentile, wilson_interval

A, B, TIE = 0, 1, 2


@dataclass(frozen=True)
class PositionBias:
    """How a judge's verdicts depend on the order the two responses were shown in."""

    n_pairs: int
    """Pairs judged in both orders."""
    n_inconsistent: int
    """Pairs whose verdict changed when the order was swapped."""
    flip_rate: float
    """n_inconsistent / n_pairs: the position-inconsistency (flip) rate."""
    flip_low: float
    """Lower end of the Wilson interval of the flip rate."""
    flip_high: float
    """Upper end of that interval."""
    first_position_rate: float
    """Share of non-tie verdicts (both orders pooled) that chose the response shown first; 0.5
    is no position preference."""
    first_low: float
    """Lower end of its percentile bootstrap interval over pairs."""
    first_high: float
    """Upper end of that interval."""
    n_first_flips: int
    """Inconsistent pairs where both verdicts chose whichever response was shown first."""
    n_second_flips: int
    """Inconsistent pairs where both verdicts chose whichever response was shown second."""


@dataclass(frozen=True)
class PreferenceGap:
    """The judge's preference rate against the humans' on the same pairs."""

    n: int
    """Pairs compared."""
    judge_rate: float
    """The judge's rate (ties ½)."""
    human_rate: float
    """The humans' rate on the same pairs (ties ½)."""
    difference: float
    """judge_rate − human_rate: positive when the judge shows more of the preference."""
    ci_low: float
    """Lower end of the paired percentile bootstrap interval of the difference (NaN without)."""
    ci_high: float
    """Upper end of that interval."""


def position_bias(judgements: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0,
                  confidence: float = 0.95) -> PositionBias:
    """Position bias from ``judgements`` with columns ``verdict_ab`` (the verdict when response a
    was shown first) and ``verdict_ba`` (when b was shown first), each ``a``, ``b`` or ``tie``."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    require(judgements, ["verdict_ab", "verdict_ba"], "judgements")
    if not len(judgements):
        raise EvalError("judgements: no pairs")
    ab, ba = verdicts(judgements, "verdict_ab"), verdicts(judgements, "verdict_ba")
    inconsistent = ab != ba
    flip_low, flip_high = wilson_interval(np.array([inconsistent.sum()]), np.array([len(ab)]), confidence)
    # Per pair: how many of its (up to two) non-tie verdicts chose the first-shown response.
    first = (ab == A).astype(np.float64) + (ba == B)
    decided = (ab != TIE).astype(np.float64) + (ba != TIE)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = float(first.sum() / decided.sum())
    low = high = np.nan
    if n_boot:
        replicates = _weighted_ratios(first, decided, n_boot, seed)
        low, high = (float(v[0]) for v in percentile(replicates[:, None], confidence))
    return PositionBias(
        n_pairs=len(ab), n_inconsistent=int(inconsistent.sum()), flip_rate=float(inconsistent.mean()),
        flip_low=float(flip_low[0]), flip_high=float(flip_high[0]), first_position_rate=rate, first_low=low,
        first_high=high, n_first_flips=int(((ab == A) & (ba == B)).sum()),
        n_second_flips=int(((ab == B) & (ba == A)).sum()),
    )


def length_bias(pairs: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0, confidence: float = 0.95) -> PreferenceGap:
    """Does the judge prefer the longer response more often than humans do on the same pairs?

    ``pairs``: columns ``length_a``, ``length_b`` (any unit), ``human`` and ``judge`` (verdicts
    ``a``, ``b`` or ``tie``). Pairs of equal length are left out. The rates are P(prefers the
    longer response)."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    require(pairs, ["length_a", "length_b", "human", "judge"], "pairs")
    length_a, length_b = numbers(pairs, "length_a", "pairs"), numbers(pairs, "length_b", "pairs")
    human, judge = verdicts(pairs, "human"), verdicts(pairs, "judge")
    differ = length_a != length_b
    if not differ.any():
        raise EvalError("pairs: every pair has two responses of the same length; nothing to measure")
    longer = np.where(length_a > length_b, A, B)[differ]
    return _gap(_preference(judge[differ], longer), _preference(human[differ], longer), np.arange(int(differ.sum())),
                n_boot, seed, confidence)


def self_preference(
    battles: pd.DataFrame,
    families: Mapping[Any, str],
    judge_family: str,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> PreferenceGap:
    """The judge's win rate for models of its own family against the humans' on the same items.

    ``battles``: columns ``item``, ``left``, ``right``, ``human`` and ``judge`` (each verdict the
    left id, the right id or ``tie``). ``families`` maps model ids to family names (models not in
    it belong to no family). Only battles with exactly one model of ``judge_family`` count; the
    rates are P(the own-family model wins)."""
    check_n_boot(n_boot)
    check_confidence(confidence)
    require(battles, ["item", "left", "right", "human", "judge"], "battles")
    family_of = {str(k).strip(): str(v).strip() for k, v in families.items()}
    human, judge = (encode_battles(battles, "battles", winner_column=c) for c in ("human", "judge"))
    own = np.array([family_of.get(str(m)) == str(judge_family).strip() for m in human.models.tolist()])
    left_own, right_own = own[human.left], own[human.right]
    mixed = left_own != right_own
    if not mixed.any():
        raise EvalError(f"battles: no battle has exactly one model of the judge's family {judge_family!r}")

    def own_score(verdicts: EncodedBattles) -> FloatArray:
        out: FloatArray = np.where(left_own, verdicts.left_score, 1.0 - verdicts.left_score)[mixed]
        return out

    return _gap(own_score(judge), own_score(human), codes(human.item[mixed])[0], n_boot, seed, confidence)


def verdicts(frame: pd.DataFrame, column: str) -> IntArray:
    """``a``/``b``/``tie`` (any case) as codes A, B, TIE; anything else names its row."""
    text = frame[column].astype(str).str.strip().str.lower().to_numpy(dtype=object)
    code = np.select([text == "a", text == "b", text == "tie"], [A, B, TIE], -1)
    if np.any(code < 0):
        i = int(np.flatnonzero(code < 0)[0])
        raise bad_row(frame, i, column, "verdicts", f"{frame[column].iloc[i]!r} is not a, b or tie")
    return code.astype(np.int64)


def _preference(verdict: IntArray, preferred: IntArray) -> FloatArray:
    out: FloatArray = np.where(verdict == TIE, 0.5, (verdict == preferred).astype(np.float64))
    return out


def _gap(judge: FloatArray, human: FloatArray, cluster: IntArray, n_boot: int, seed: int,
         confidence: float) -> PreferenceGap:
    low = high = np.nan
    if n_boot:
        n_clusters = int(cluster.max()) + 1
        per_cluster = np.bincount(cluster, weights=judge - human, minlength=n_clusters)
        size = np.bincount(cluster, minlength=n_clusters).astype(np.float64)
        replicates = _weighted_ratios(per_cluster, size, n_boot, seed)
        low, high = (float(v[0]) for v in percentile(replicates[:, None], confidence))
    return PreferenceGap(len(judge), float(judge.mean()), float(human.mean()), float(judge.mean() - human.mean()),
                         low, high)


def _weighted_ratios(numerator: npt.ArrayLike, denominator: npt.ArrayLike, n_boot: int, seed: int) -> FloatArray:
    """Replicates of Σ w·numerator / Σ w·denominator, rows redrawn with replacement."""
    numerator, denominator = np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64)
    rng = np.random.default_rng(seed)
    out = np.empty(n_boot)
    step = batch_size(len(numerator))
    for lo in range(0, n_boot, step):
        size = min(step, n_boot - lo)
        weights = resample_weights(rng, len(numerator), size)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[lo : lo + size] = (weights @ numerator) / (weights @ denominator)
    return out
