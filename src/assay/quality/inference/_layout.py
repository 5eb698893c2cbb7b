"""Index arrays every truth-inference model reuses, built once per fit from `Ratings`.

Inside the models, per-item arrays are class-major — classes × items — so that reductions over
classes (normalising a posterior, taking its maximum) run along contiguous rows: with four
classes that is 20 times faster than reducing along the short axis of items × classes.
`Ratings` keeps rows sorted by item, so per-item sums are one ``np.add.reduceat`` over item
boundaries; gathers use ``np.take`` (several times faster than fancy indexing for rows of a
table); sums per (annotator, observed label, class) are one ``bincount`` into a table small
enough to stay in cache. No Python loop runs over rows, items or labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import RatingsError
from .._ratings import Ratings

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

EPS = 1e-10


class Layout:
    """Row codes of a `Ratings` plus the index arrays the models' E- and M-steps sum over."""

    __slots__ = ("_cell_index", "_hit_index", "annotator", "item", "item_starts", "key", "label", "n_annotators",
                 "n_classes", "n_items", "n_per_annotator", "n_rows")

    def __init__(self, ratings: Ratings) -> None:
        self.item = ratings.item
        self.annotator = ratings.annotator
        self.label = ratings.label
        self.n_items = ratings.n_items
        self.n_annotators = ratings.n_annotators
        self.n_classes = ratings.n_categories
        self.n_rows = ratings.n_ratings
        if np.any(np.diff(ratings.indptr) == 0):
            raise RatingsError("every item needs at least one rating")
        self.item_starts = ratings.indptr[:-1]
        self.n_per_annotator = np.bincount(self.annotator, minlength=self.n_annotators).astype(np.float64)
        self.key = self.annotator * self.n_classes + self.label  # (annotator, observed label) of each row
        self._hit_index = self.label * self.n_items + self.item
        self._cell_index: IntArray | None = None

    def per_item(self, values: FloatArray) -> FloatArray:
        """Sum per item of row values: (rows,) → (items,), or (classes × rows) → (classes × items)."""
        out: FloatArray = np.add.reduceat(values, self.item_starts, axis=-1)
        return out

    def scatter_item_label(self, weights: FloatArray | None = None) -> FloatArray:
        """(classes × items) sums of row weights (default 1) at (row's label, row's item)."""
        flat = np.bincount(self._hit_index, weights=weights, minlength=self.n_classes * self.n_items)
        out: FloatArray = flat.reshape(self.n_classes, self.n_items).astype(np.float64, copy=False)
        return out

    def hit(self, posterior: FloatArray) -> FloatArray:
        """Per row: the posterior probability (classes × items) of the label the row gives."""
        out: FloatArray = np.take(posterior.ravel(), self._hit_index)
        return out

    def per_annotator_label(self, posterior: FloatArray) -> FloatArray:
        """(annotators × observed label × true class): sums over rows of the item's posterior."""
        j, k = self.n_annotators, self.n_classes
        if self._cell_index is None:  # cell (annotator, label, class) of each class × row, class-major
            self._cell_index = (self.key[None, :] * k + np.arange(k)[:, None]).ravel()
        rows = np.take(posterior, self.item, axis=1)
        flat = np.bincount(self._cell_index, weights=rows.ravel(), minlength=j * k * k)
        out: FloatArray = flat.reshape(j, k, k).astype(np.float64, copy=False)
        return out

    def per_annotator(self, weights: FloatArray) -> FloatArray:
        out: FloatArray = np.bincount(self.annotator, weights=weights, minlength=self.n_annotators).astype(np.float64)
        return out


def vote_shares(layout: Layout) -> FloatArray:
    """Each item's label shares (classes × items): the soft majority vote EM models start from
    (Dawid & Skene's eq. 3.1)."""
    votes = layout.scatter_item_label()
    shares: FloatArray = votes / votes.sum(axis=0)
    return shares


def gold_codes(ratings: Ratings, gold: Mapping[Any, Any] | None) -> tuple[IntArray, IntArray] | None:
    """(item codes, label codes) of known labels, matched by value and then by text."""
    if not gold:
        return None
    item_code = _lookup(ratings.items)
    cats = ratings.categories
    label_code = _lookup(cats)
    items, labels = [], []
    for item, label in gold.items():
        i = _find(item_code, item)
        if i is None:
            raise RatingsError(f"gold item {item!r} has no ratings")
        c = _find(label_code, float(label) if ratings.numeric and _is_number(label) else label)
        if c is None:
            raise RatingsError(f"gold label {label!r} of item {item!r} is not among the labels {list(cats)}")
        items.append(i)
        labels.append(c)
    return np.asarray(items, dtype=np.int64), np.asarray(labels, dtype=np.int64)


def clamp(posterior: FloatArray, gold: tuple[IntArray, IntArray] | None) -> FloatArray:
    """Set gold items' posteriors (classes × items) to their known label, in place."""
    if gold is not None:
        posterior[:, gold[0]] = 0.0
        posterior[gold[1], gold[0]] = 1.0
    return posterior


def _lookup(values: npt.NDArray[Any]) -> dict[Any, int]:
    table: dict[Any, int] = {}
    for code, value in enumerate(values.tolist()):
        table.setdefault(value, code)
        table.setdefault(str(value), code)
    return table


def _find(table: dict[Any, int], value: Any) -> int | None:
    found = table.get(value)
    return table.get(str(value)) if found is None else found


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
