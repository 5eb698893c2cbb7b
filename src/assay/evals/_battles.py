"""Pairwise battles from a DataFrame (item, left, right, winner), checked and encoded once.

``winner`` is the left model's id, the right model's id or ``tie`` (any case), as in
`assay.quality.read_battles`; ids compare as text. The encoded form keeps the item of every
battle, which the bootstrap resamples, and converts to `assay.quality.Battles` for the
Bradley–Terry fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from assay.quality import Battles

from ._frame import FloatArray, IntArray, bad_row, codes, require

LEFT, RIGHT, TIE = 0, 1, 2


@dataclass(frozen=True, eq=False)
class EncodedBattles:
    """Battles as codes: ``left``/``right`` index ``models`` (sorted), ``outcome`` is 0 (left
    won), 1 (right won) or 2 (tie), ``item`` indexes ``items``."""

    models: npt.NDArray[Any]
    items: npt.NDArray[Any]
    left: IntArray
    right: IntArray
    outcome: IntArray
    item: IntArray

    @property
    def left_score(self) -> FloatArray:
        """1 when left won, 0 when right won, ½ for a tie."""
        out: FloatArray = np.select([self.outcome == LEFT, self.outcome == RIGHT], [1.0, 0.0], 0.5)
        return out

    def to_quality(self) -> Battles:
        return Battles(self.models, self.left, self.right, self.outcome)


def encode_battles(battles: pd.DataFrame, what: str = "battles", *, item: bool = True,
                   winner_column: str = "winner") -> EncodedBattles:
    """Check and encode; a bad row raises `EvalError` naming the row and field. ``item=False``:
    battles without an item column (all in one cluster). ``winner_column``: where the verdict is."""
    columns = ["item", "left", "right", winner_column] if item else ["left", "right", winner_column]
    require(battles, columns, what)
    left = battles["left"].astype(str).str.strip().to_numpy(dtype=object)
    right = battles["right"].astype(str).str.strip().to_numpy(dtype=object)
    winner = battles[winner_column].astype(str).str.strip().to_numpy(dtype=object)
    for name, values in (("left", left), ("right", right), (winner_column, winner)):
        empty = values == ""
        if empty.any():
            raise bad_row(battles, int(np.flatnonzero(empty)[0]), name, what, "is empty")
    same = left == right
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise bad_row(battles, i, "right", what, f"{right[i]} cannot battle itself")
    is_left, is_right = winner == left, winner == right
    is_tie = ~is_left & ~is_right & (np.char.lower(winner.astype(str)) == "tie")
    bad = ~(is_left | is_right | is_tie)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise bad_row(battles, i, winner_column, what,
                      f"{winner[i]} is neither left ({left[i]}) nor right ({right[i]}) nor 'tie'")
    model_codes, models = codes(np.r_[left, right])
    n = len(left)
    item_codes, items = codes(battles["item"]) if item else (np.zeros(n, dtype=np.int64), np.array([None], object))
    outcome = np.where(is_left, LEFT, np.where(is_right, RIGHT, TIE)).astype(np.int64)
    return EncodedBattles(models, items, model_codes[:n], model_codes[n:], outcome, item_codes)
