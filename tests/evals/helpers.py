"""Simulated evaluation data shared by the evals tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, settings

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def arena(seed: int, quality: dict[str, float], n: int, *, tie_rate: float = 0.0, n_items: int | None = None,
          length_effect: float = 0.0, verbosity: dict[str, float] | None = None) -> pd.DataFrame:
    """Random battles (item, left, right, winner, left_length, right_length) between the models
    of ``quality`` (log-strengths); with ``length_effect``, the judge also rewards the normalised
    length difference (left − right) / (left + right + 1) by that many log-odds."""
    rng = np.random.default_rng(seed)
    names = np.array(list(quality))
    strength = np.array([quality[m] for m in names])
    mean_length = np.array([(verbosity or {}).get(m, 500.0) for m in names])
    left = rng.integers(0, len(names), n)
    right = (left + rng.integers(1, len(names), n)) % len(names)
    left_length = rng.lognormal(np.log(mean_length[left]), 0.3)
    right_length = rng.lognormal(np.log(mean_length[right]), 0.3)
    style = (left_length - right_length) / (left_length + right_length + 1.0)
    p_left = sigmoid(strength[left] - strength[right] + length_effect * style)
    u = rng.random(n)
    winner = np.where(u < p_left, names[left], names[right]).astype(object)
    winner[rng.random(n) < tie_rate] = "tie"
    return pd.DataFrame({
        "item": rng.integers(0, n_items or n, n),
        "left": names[left], "right": names[right], "winner": winner,
        "left_length": left_length, "right_length": right_length,
    })
