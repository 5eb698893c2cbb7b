"""Pairwise battles (left, right, winner) from a file or arrays, encoded to model codes.

``winner`` is the left model's id, the right model's id, or ``tie`` (any case). Ids compare as
text, so a JSON number 3 and a text "3" are the same model. Bad rows are errors that name the
file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.io.containers import ContainerError, open_source

from ._errors import RatingsError

IntArray = npt.NDArray[np.int64]
COLUMNS = ("left", "right", "winner")
LEFT, RIGHT, TIE = 0, 1, 2


@dataclass(frozen=True, eq=False)
class Battles:
    """Battles as codes into ``models`` (sorted ids; numbers when every id in the file was a
    JSON number); ``outcome`` is 0 (left won), 1 (right won) or 2 (tie)."""

    models: npt.NDArray[Any]
    left: IntArray
    right: IntArray
    outcome: IntArray

    @classmethod
    def from_arrays(cls, left: Any, right: Any, winner: Any) -> Battles:
        """From three equal-length sequences; raises `RatingsError` naming the first bad row."""
        try:
            return _encode([_array(v) for v in (left, right, winner)])
        except _BadRow as e:
            raise RatingsError(f"battle {e.index}: {e.field}: {e.message}") from None

    def records(self) -> tuple[IntArray, IntArray, IntArray]:
        """(wins, losses, ties) per model."""
        m = len(self.models)
        won = np.where(self.outcome == LEFT, self.left, self.right)[self.outcome != TIE]
        lost = np.where(self.outcome == LEFT, self.right, self.left)[self.outcome != TIE]
        tied = np.r_[self.left[self.outcome == TIE], self.right[self.outcome == TIE]]
        return (np.bincount(won, minlength=m), np.bincount(lost, minlength=m), np.bincount(tied, minlength=m))


def read_battles(path: str | Path, *, container: str | None = None) -> Battles:
    """Battles from a CSV, TSV, JSONL, JSON, Parquet or XLSX file with columns left, right,
    winner. Raises `ContainerError` (file, line, field) for a file that cannot be used."""
    columns: list[list[Any]] = [[], [], []]
    numbers: list[int] = []
    with open_source(path, container) as source:
        shown = source.path
        if source.columns is not None:
            absent = [c for c in COLUMNS if c not in source.columns]
            if absent:
                raise ContainerError(shown, f"missing column{'s' if len(absent) > 1 else ''} "
                                     f"{', '.join(map(repr, absent))} (battles need left, right, winner; found "
                                     f"{', '.join(map(repr, source.columns))})",
                                     number=1 if source.location == "line" else None)
        appends = [c.append for c in columns]
        for record in source:
            data = record.data
            if data is None:
                raise ContainerError(shown, record.error or "unreadable record", number=record.number, field=record.field)
            for append, name in zip(appends, COLUMNS, strict=True):
                append(data.get(name))
            numbers.append(record.number)
    if not numbers:
        raise ContainerError(shown, "no battles: the file has no rows")
    try:
        return _encode([_array(c) for c in columns])
    except _BadRow as e:
        raise ContainerError(shown, e.message, number=numbers[e.index], field=e.field) from None


class _BadRow(Exception):
    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(message)
        self.index, self.field, self.message = index, field, message


def _array(values: Any) -> npt.NDArray[Any]:
    """A str or number array when the values allow (the fast path), else an object array."""
    values = list(values)
    try:
        typed = np.asarray(values)
    except ValueError:
        typed = None
    if typed is not None and typed.ndim == 1 and typed.dtype.kind in "Uif":
        return typed
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _text(values: npt.NDArray[Any], field: str) -> npt.NDArray[np.str_]:
    """Ids as stripped text; a missing, empty or non-scalar value is a bad row."""
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise _BadRow(int(np.flatnonzero(~np.isfinite(values))[0]), field, "is missing or not finite")
    if values.dtype.kind != "O":
        return _non_empty(np.char.strip(values.astype(str)), field)
    ok = np.frompyfunc(lambda v: isinstance(v, str | int | float) and not isinstance(v, bool) and v == v, 1, 1)(values)
    ok = ok.astype(bool) if len(values) else np.zeros(0, dtype=bool)
    if not ok.all():
        raise _BadRow(int(np.flatnonzero(~ok)[0]), field, "is missing or not a string or number")
    return _non_empty(np.char.strip(values.astype(str)), field)


def _non_empty(text: npt.NDArray[np.str_], field: str) -> npt.NDArray[np.str_]:
    empty = np.char.str_len(text) == 0
    if empty.any():
        raise _BadRow(int(np.flatnonzero(empty)[0]), field, "is empty")
    return text


def _encode(columns: list[npt.NDArray[Any]]) -> Battles:
    left_raw, right_raw = columns[0], columns[1]
    left, right, winner = (_text(v, name) for v, name in zip(columns, COLUMNS, strict=True))
    same = left == right
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise _BadRow(i, "right", f"{right[i]!s} cannot battle itself")
    is_left, is_right = winner == left, winner == right
    is_tie = ~is_left & ~is_right & (np.char.lower(winner) == "tie")
    bad = ~(is_left | is_right | is_tie)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _BadRow(i, "winner", f"{winner[i]!s} is neither left ({left[i]!s}) nor right ({right[i]!s}) nor 'tie'")
    models, codes = np.unique(np.r_[left, right], return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    outcome = np.where(is_left, LEFT, np.where(is_right, RIGHT, TIE)).astype(np.int64)
    n = len(left)
    return Battles(_typed_models(models, np.r_[left_raw, right_raw]), codes[:n], codes[n:], outcome)


def _typed_models(models: npt.NDArray[np.str_], raw: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The ids as numbers when every id was a number (JSON, Parquet), else as text; in the
    (text) order the codes follow."""
    if raw.dtype.kind in "if" or (raw.dtype.kind == "O" and all(isinstance(v, int | float) for v in raw.tolist())):
        value_of = {str(v).strip(): v for v in raw.tolist()}
        return np.array([value_of[m] for m in models.tolist()], dtype=object)
    return models.astype(object)
