"""Read long-format ratings (columns item, annotator, label) from any container Assay reads.

The file is streamed record by record (the container layer gives line numbers for errors); the
three columns are gathered into lists and checked as arrays afterwards, so a clean file pays for
three list appends per row and bad values are traced back to their line only when there are some.
A missing or empty label is a missing rating and its row is skipped; a missing or empty item or
annotator, or a value that is a list or an object, is an error naming the file, line and field.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assay.io.containers import ContainerError, open_source

from ._errors import RatingsError
from ._ratings import Duplicates, Ratings

COLUMNS = ("item", "annotator", "label")


def read_ratings(
    path: str | Path,
    *,
    container: str | None = None,
    categories: Sequence[Any] | None = None,
    duplicates: Duplicates = "last",
    keep_text: bool = False,
) -> Ratings:
    """Ratings from a CSV, TSV, JSONL, JSON, Parquet or XLSX file with columns item, annotator,
    label. Raises `ContainerError` (with file, line and field) for a file that cannot be used.

    ``keep_text``: in containers that carry types (all but CSV and TSV), labels written as text stay
    text even when they parse as numbers (``"1"`` stays ``"1"``, for output that keeps the file's
    types); by default text that parses as a number is numeric, as it is in CSV."""
    items: list[Any] = []
    annotators: list[Any] = []
    labels: list[Any] = []
    numbers: list[int] = []
    with open_source(path, container) as source:
        shown = source.path
        typed_container = source.container not in ("csv", "tsv")
        if source.columns is not None:
            absent = [c for c in COLUMNS if c not in source.columns]
            if absent:
                raise ContainerError(
                    shown,
                    f"missing column{'s' if len(absent) > 1 else ''} {', '.join(map(repr, absent))} "
                    f"(long format needs item, annotator, label; found {', '.join(map(repr, source.columns))})",
                    number=1 if source.location == "line" else None,
                )
        add_item, add_annotator, add_label, add_number = items.append, annotators.append, labels.append, numbers.append
        for record in source:
            data = record.data
            if data is None:
                raise ContainerError(shown, record.error or "unreadable record", number=record.number, field=record.field)
            add_item(data.get("item"))
            add_annotator(data.get("annotator"))
            add_label(data.get("label"))
            add_number(record.number)
    if not items:
        raise ContainerError(shown, "no ratings: the file has no rows")
    item_arr = _ids(items, numbers, shown, "item")
    annotator_arr = _ids(annotators, numbers, shown, "annotator")
    label_arr, present = _labels(labels, numbers, shown)
    if not present.all():
        item_arr, annotator_arr, label_arr = item_arr[present], annotator_arr[present], label_arr[present]
    if not len(label_arr):
        raise ContainerError(shown, "no ratings: every label is empty")
    numeric = False if keep_text and typed_container and label_arr.dtype.kind in "US" else None
    try:
        ratings = Ratings(item_arr, annotator_arr, label_arr, categories=categories, numeric=numeric,
                          duplicates=duplicates)
    except RatingsError as e:
        raise ContainerError(shown, str(e)) from None
    ratings.n_missing = int(len(present) - present.sum())
    return ratings


def _objects(values: list[Any]) -> npt.NDArray[Any]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _typed(values: list[Any]) -> npt.NDArray[Any] | None:
    """The values as a str or number array (mixed ids such as 1 and "a" become text), or None
    when some value is None, a list or an object."""
    try:
        arr = np.asarray(values)
    except ValueError:  # nested lists of different lengths
        return None
    return arr if arr.dtype.kind in "USiufb" and arr.ndim == 1 else None


def _blank_text(arr: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if arr.dtype.kind in "US":
        return np.asarray(np.char.str_len(np.char.strip(arr)) == 0)
    return np.zeros(len(arr), dtype=bool)


def _ids(values: list[Any], numbers: list[int], path: Path, field: str) -> npt.NDArray[Any]:
    arr = _typed(values)
    if arr is not None:
        blank = _blank_text(arr)
        if not blank.any():
            return arr
        index = int(np.flatnonzero(blank)[0])
        raise ContainerError(path, "is empty", number=numbers[index], field=field)
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ContainerError(path, "is missing or empty", number=numbers[index], field=field)
        if not isinstance(value, str | int | float):
            raise ContainerError(path, f"an {field} id must be a string or a number",
                                 number=numbers[index], field=field)
    return _objects(values)  # valid but untypeable as one array, e.g. integers beyond 64 bits


def _labels(values: list[Any], numbers: list[int], path: Path) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """(labels, present): a missing (null) or empty label marks its row absent."""
    arr = _typed(values)
    if arr is not None:
        present = ~_blank_text(arr)
        return arr, present
    present = np.ones(len(values), dtype=bool)
    for index, value in enumerate(values):
        if value is None or (isinstance(value, str) and not value.strip()):
            present[index] = False
        elif not isinstance(value, str | int | float):
            raise ContainerError(path, "a label must be a string or a number", number=numbers[index], field="label")
    kept = [value for value, keep in zip(values, present, strict=True) if keep]
    typed = _typed(kept) if kept else None
    if typed is None:
        typed = _objects(kept)
    out = np.empty(len(values), dtype=typed.dtype)
    out[present] = typed
    return out, present
