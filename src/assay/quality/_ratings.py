"""`Ratings`: long-format judgements (item, annotator, label) encoded to integer codes once.

Every statistic in this package reads these codes as NumPy arrays. Rows are kept sorted by
(item, annotator), one row per pair unless ``duplicates="keep"``, so an item's ratings are one
contiguous slice (``indptr``) and per-item label counts come from a single ``bincount``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._errors import RatingsError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Duplicates = Literal["last", "raise", "keep"]


class Ratings:
    """Long-format ratings: one label per (item, annotator), encoded to integer codes.

    ``Ratings(items, annotators, labels)`` takes three equal-length array-likes. A missing label
    (``None``, NaN or an empty string) drops its row: a missing pair is simply absent. Labels are
    numeric when every label is a number or a string that parses as a finite number (so CSV text
    ``"1"``, ``"2"`` sorts as 1 < 2 < 10), otherwise strings. Category order, which ordinal and
    interval statistics and linear/quadratic weights depend on, is numeric for numbers,
    lexicographic for strings, or exactly ``categories`` when given (categories that nobody used
    still count, e.g. for Gwet's AC1 and Brennan–Prediger, whose chance term depends on how many
    categories there are).

    Duplicate (item, annotator) rows: ``duplicates="last"`` keeps the last row in input order
    (a re-submitted judgement replaces the earlier one; ``n_duplicates`` says how many were
    dropped); ``"raise"`` refuses them; ``"keep"`` keeps every row, each one observation, in input
    order within its pair (truth inference counts repeats, as in Dawid & Skene's data;
    ``n_duplicates`` then says how many rows repeat a pair). The agreement coefficients expect one
    label per pair: use ``"keep"`` only for truth inference.
    """

    __slots__ = (
        "_scores",
        "annotator",
        "annotators",
        "categories",
        "indptr",
        "item",
        "items",
        "label",
        "n_duplicates",
        "n_missing",
        "numeric",
    )

    items: npt.NDArray[Any]
    annotators: npt.NDArray[Any]
    categories: npt.NDArray[Any]
    numeric: bool
    item: IntArray
    annotator: IntArray
    label: IntArray
    indptr: IntArray
    n_duplicates: int
    n_missing: int
    _scores: FloatArray

    def __init__(
        self,
        items: Sequence[Any] | npt.ArrayLike,
        annotators: Sequence[Any] | npt.ArrayLike,
        labels: Sequence[Any] | npt.ArrayLike,
        *,
        categories: Sequence[Any] | None = None,
        numeric: bool | None = None,
        duplicates: Duplicates = "last",
    ) -> None:
        item_arr, annotator_arr, label_arr = (_one_dim(v, name) for v, name in
                                              ((items, "items"), (annotators, "annotators"), (labels, "labels")))
        if not len(item_arr) == len(annotator_arr) == len(label_arr):
            raise RatingsError(
                f"items, annotators and labels differ in length ({len(item_arr)}, {len(annotator_arr)}, {len(label_arr)})"
            )
        present = ~_missing(label_arr)
        n_missing = int(len(label_arr) - present.sum())
        if n_missing:
            item_arr, annotator_arr, label_arr = item_arr[present], annotator_arr[present], label_arr[present]
        if not len(label_arr):
            raise RatingsError("no ratings: every label is missing or there are no rows")
        item_ids, item_codes = _encode_ids(item_arr, "item")
        annotator_ids, annotator_codes = _encode_ids(annotator_arr, "annotator")
        cats, is_numeric, label_codes = _encode_labels(label_arr, categories, numeric)

        key = item_codes * len(annotator_ids) + annotator_codes
        # A stable sort keeps input order among equal keys, so the last row of each run is the
        # last occurrence: that is the one "last" keeps, and the result comes out sorted.
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        is_last = np.empty(len(order), dtype=bool)
        is_last[:-1] = sorted_key[1:] != sorted_key[:-1]
        is_last[-1] = True
        n_duplicates = int(len(order) - is_last.sum())
        if duplicates not in ("last", "raise", "keep"):
            raise RatingsError(f"duplicates must be 'last', 'raise' or 'keep', not {duplicates!r}")
        if n_duplicates and duplicates == "raise":
            first = order[np.flatnonzero(~is_last)[0]]
            raise RatingsError(
                f"{n_duplicates} duplicate (item, annotator) rows, e.g. item {_plain(item_ids[item_codes[first]])!r} "
                f"by annotator {_plain(annotator_ids[annotator_codes[first]])!r}"
            )
        keep = order if duplicates == "keep" else order[is_last]
        self._set(
            item_ids, annotator_ids, cats, is_numeric,
            item_codes[keep], annotator_codes[keep], label_codes[keep],
            n_duplicates=n_duplicates, n_missing=n_missing,
        )

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        *,
        item: str = "item",
        annotator: str = "annotator",
        label: str = "label",
        categories: Sequence[Any] | None = None,
        numeric: bool | None = None,
        duplicates: Duplicates = "last",
    ) -> Ratings:
        """From a pandas (or any column-indexable) data frame with item, annotator and label columns."""
        columns = list(getattr(frame, "columns", []))
        absent = [name for name in (item, annotator, label) if name not in columns]
        if absent:
            raise RatingsError(f"missing column(s) {', '.join(map(repr, absent))}; found {columns}")
        return cls(
            _column(frame[item]), _column(frame[annotator]), _column(frame[label]),
            categories=categories, numeric=numeric, duplicates=duplicates,
        )

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        categories: Sequence[Any] | None = None,
        numeric: bool | None = None,
        duplicates: Duplicates = "last",
    ) -> Ratings:
        """From mappings with keys ``item``, ``annotator`` and ``label``."""
        items: list[Any] = []
        annotators: list[Any] = []
        labels: list[Any] = []
        for index, record in enumerate(records):
            try:
                items.append(record["item"])
                annotators.append(record["annotator"])
                labels.append(record.get("label"))
            except KeyError as e:
                raise RatingsError(f"record {index}: missing key {e.args[0]!r}") from None
        return cls(_objects(items), _objects(annotators), _objects(labels),
                   categories=categories, numeric=numeric, duplicates=duplicates)

    def _set(
        self,
        items: npt.NDArray[Any],
        annotators: npt.NDArray[Any],
        categories: npt.NDArray[Any],
        numeric: bool,
        item: IntArray,
        annotator: IntArray,
        label: IntArray,
        *,
        n_duplicates: int,
        n_missing: int,
    ) -> None:
        self.items = items
        self.annotators = annotators
        self.categories = categories
        self.numeric = numeric
        self.item = item
        self.annotator = annotator
        self.label = label
        self.indptr = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum(np.bincount(item, minlength=len(items)), out=self.indptr[1:])
        self.n_duplicates = n_duplicates
        self.n_missing = n_missing
        self._scores = (categories.astype(np.float64) if numeric
                        else np.arange(1, len(categories) + 1, dtype=np.float64))

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_annotators(self) -> int:
        return len(self.annotators)

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    @property
    def n_ratings(self) -> int:
        return len(self.label)

    def __len__(self) -> int:
        return len(self.label)

    @property
    def scores(self) -> FloatArray:
        """The number each category stands for: its value when labels are numeric, else its
        1-based position in category order (what linear/quadratic weights measure distance on)."""
        return self._scores

    def raters_per_item(self) -> IntArray:
        return np.diff(self.indptr)

    def counts(self, lo: int = 0, hi: int | None = None) -> FloatArray:
        """Per-item label counts for items ``lo``..``hi``-1: a (items × categories) matrix."""
        hi = self.n_items if hi is None else hi
        start, stop = self.indptr[lo], self.indptr[hi]
        k = self.n_categories
        flat = (self.item[start:stop] - lo) * k + self.label[start:stop]
        return np.bincount(flat, minlength=(hi - lo) * k).reshape(hi - lo, k).astype(np.float64)

    def subset(self, keep_items: npt.NDArray[np.bool_]) -> Ratings:
        """The ratings of the items where ``keep_items`` is true; categories and annotators keep
        their codes so results stay comparable with the whole."""
        rows = keep_items[self.item]
        new_code = np.cumsum(keep_items) - 1
        out = object.__new__(Ratings)
        out._set(
            self.items[keep_items], self.annotators, self.categories, self.numeric,
            new_code[self.item[rows]], self.annotator[rows], self.label[rows],
            n_duplicates=self.n_duplicates, n_missing=self.n_missing,
        )
        return out

    def __repr__(self) -> str:
        kind = "numeric" if self.numeric else "string"
        return (f"<Ratings {self.n_ratings} labels: {self.n_items} items × {self.n_annotators} annotators, "
                f"{self.n_categories} {kind} categories>")


def _objects(values: list[Any]) -> npt.NDArray[Any]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _column(values: Any) -> npt.NDArray[Any]:
    to_numpy = getattr(values, "to_numpy", None)
    return np.asarray(to_numpy() if to_numpy is not None else values)


def _one_dim(values: Any, name: str) -> npt.NDArray[Any]:
    try:
        arr = values if isinstance(values, np.ndarray) else np.asarray(values)
    except ValueError as e:
        raise RatingsError(f"{name}: expected a flat sequence of values ({e})") from None
    if arr.ndim != 1:
        raise RatingsError(f"{name}: expected one dimension, got shape {arr.shape}")
    return arr


def _missing(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    kind = values.dtype.kind
    if kind == "f":
        return np.isnan(values)
    if kind in "US":
        return np.char.str_len(np.char.strip(values)) == 0 if len(values) else np.zeros(0, dtype=bool)
    if kind == "O":
        # Mixed-type input only (lists from JSON, object columns); typed arrays take the paths above.
        return np.frompyfunc(_is_blank, 1, 1)(values).astype(bool)
    return np.zeros(len(values), dtype=bool)


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str):
        return not value.strip()
    return False


def _encode_ids(values: npt.NDArray[Any], name: str) -> tuple[npt.NDArray[Any], IntArray]:
    if _missing(values).any():
        raise RatingsError(f"{name}: some rows have no {name} id")
    if values.dtype.kind == "O":
        try:
            uniques, codes = np.unique(values, return_inverse=True)
        except TypeError:  # ids of mixed types (1 and "a") cannot be ordered: compare their text
            uniques, codes = np.unique(values.astype(str), return_inverse=True)
    else:
        uniques, codes = _unique(values)
    return uniques, codes.astype(np.int64, copy=False).reshape(-1)


def _unique(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """np.unique(return_inverse=True), without its sort for integers in a compact range
    (the usual shape of database ids): a presence table and a running count, O(n)."""
    if values.dtype.kind in "iu" and len(values):
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= 4 * len(values):
            shifted = (values - lo).astype(np.int64, copy=False)
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[shifted] = True
            code_of = np.cumsum(present) - 1
            return (np.flatnonzero(present) + lo).astype(values.dtype), code_of[shifted]
    return np.unique(values, return_inverse=True)


def _as_numbers(values: npt.NDArray[Any]) -> npt.NDArray[np.float64] | None:
    """The labels as finite floats, or None when any is not a number (booleans count as 0/1)."""
    kind = values.dtype.kind
    if kind in "iufb":
        out = values.astype(np.float64)
    elif kind in "USO":
        try:
            out = values.astype(np.float64)
        except (TypeError, ValueError):
            return None
    else:
        return None
    return out if np.isfinite(out).all() else None


def _encode_labels(
    values: npt.NDArray[Any], categories: Sequence[Any] | None, numeric: bool | None
) -> tuple[npt.NDArray[Any], bool, IntArray]:
    numbers = None if numeric is False else _as_numbers(values)
    if numeric and numbers is None:
        raise RatingsError("numeric=True but some labels are not finite numbers")
    if categories is None:
        if numbers is not None:
            cats, codes = np.unique(numbers, return_inverse=True)
            return cats, True, codes.astype(np.int64).reshape(-1)
        cats, codes = np.unique(values.astype(str), return_inverse=True)
        return cats.astype(object), False, codes.astype(np.int64).reshape(-1)
    return _encode_against(values, numbers, list(categories), numeric)


def _encode_against(
    values: npt.NDArray[Any], numbers: FloatArray | None, categories: list[Any], numeric: bool | None
) -> tuple[npt.NDArray[Any], bool, IntArray]:
    if not categories:
        raise RatingsError("categories is empty")
    cat_arr = np.asarray(categories)
    cat_numbers = None if numeric is False else _as_numbers(cat_arr)
    if cat_numbers is not None and numbers is not None:
        if np.any(np.diff(cat_numbers) <= 0):
            raise RatingsError("numeric categories must be given in increasing order, without repeats")
        cats: npt.NDArray[Any] = cat_numbers
        observed, codes = np.unique(numbers, return_inverse=True)
        position = np.searchsorted(cat_numbers, observed)
        position = np.minimum(position, len(cat_numbers) - 1)
        unknown = observed[cat_numbers[position] != observed]
        is_numeric = True
    else:
        names = [str(c) for c in categories]
        if len(set(names)) != len(names):
            raise RatingsError("categories has repeats")
        lookup = {name: i for i, name in enumerate(names)}
        observed, codes = np.unique(values.astype(str), return_inverse=True)
        position = np.array([lookup.get(str(v), -1) for v in observed], dtype=np.int64)
        unknown = observed[position < 0]
        cats = np.asarray(names, dtype=object)
        is_numeric = False
    if len(unknown):
        shown = ", ".join(repr(_plain(v)) for v in unknown[:5])
        raise RatingsError(f"labels not among the given categories: {shown}" + (" ..." if len(unknown) > 5 else ""))
    return cats, is_numeric, position[codes.reshape(-1)].astype(np.int64)


def _plain(value: Any) -> Any:
    if isinstance(value, np.floating) and float(value).is_integer():
        return int(value)
    return value.item() if isinstance(value, np.generic) else value
