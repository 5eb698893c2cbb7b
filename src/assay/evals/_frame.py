"""Checks on the long DataFrames the evaluation statistics read.

Every check fails with an `EvalError` that names the table, the row (its position and its
index label) and the field, so the door in front (CLI, API) can point at the bad record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._errors import EvalError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Every column present and no value missing in them."""
    if not isinstance(frame, pd.DataFrame):
        raise EvalError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise EvalError(
            f"{what}: missing column{'s' if len(absent) > 1 else ''} {', '.join(map(repr, absent))} "
            f"(found {', '.join(map(repr, map(str, frame.columns)))})"
        )
    for column in columns:
        missing = frame[column].isna().to_numpy()
        if missing.any():
            raise bad_row(frame, int(np.flatnonzero(missing)[0]), column, what, "is missing")


def bad_row(frame: pd.DataFrame, position: int, field: str, what: str, message: str) -> EvalError:
    label = frame.index[position]
    where = f"row {position + 1}" + ("" if label == position else f" (index {label!r})")
    return EvalError(f"{what}: {where}: field {field!r}: {message}")


def numbers(frame: pd.DataFrame, column: str, what: str) -> FloatArray:
    """A column as floats: numbers, booleans (1/0) or text that parses as a finite number."""
    values = frame[column]
    if values.dtype.kind in "biuf":
        parsed = values.to_numpy(dtype=np.float64)
    else:  # text or mixed objects; pandas turns True/False into 1/0 here too
        parsed = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(parsed)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise bad_row(frame, i, column, what, f"{values.iloc[i]!r} is not a finite number")
    return parsed


def is_boolean(frame: pd.DataFrame, column: str) -> bool:
    """True when the column holds only booleans (a pass/fail answer)."""
    values = frame[column]
    return bool(len(values)) and pd.api.types.infer_dtype(values, skipna=False) == "boolean"


def codes(values: pd.Series | npt.ArrayLike) -> tuple[IntArray, npt.NDArray[Any]]:
    """(codes, sorted unique values as text): ids compare as text, so 3 and "3" are one id.
    Hashing first (`pd.factorize`) leaves only the distinct ids to convert and sort."""
    first, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object) if not isinstance(values, pd.Series)
                                            else values), sort=False)
    text, merged = np.unique(np.asarray(uniques, dtype=object).astype(str), return_inverse=True)
    return merged.reshape(-1)[first].astype(np.int64), text.astype(object)


def group_codes(frame: pd.DataFrame, by: Sequence[str]) -> tuple[IntArray, pd.DataFrame]:
    """(group code per row, one row of key values per group in sorted order)."""
    if not by:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=range(1))
    grouped = frame.groupby(list(by), sort=True, dropna=False)
    keys = grouped.size().reset_index()[list(by)]
    return grouped.ngroup().to_numpy(dtype=np.int64), keys
