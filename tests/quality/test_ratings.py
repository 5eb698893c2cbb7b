"""The long-format container: encoding, label types and order, missing rows, duplicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.quality import Ratings, RatingsError, krippendorff_alpha


def test_codes_and_item_slices() -> None:
    r = Ratings(["b", "a", "a", "c"], ["x", "y", "x", "x"], ["no", "yes", "no", "yes"])
    assert r.items.tolist() == ["a", "b", "c"]
    assert r.annotators.tolist() == ["x", "y"]
    assert r.categories.tolist() == ["no", "yes"]
    assert not r.numeric
    assert r.raters_per_item().tolist() == [2, 1, 1]
    # Rows sorted by (item, annotator): item a by x (no), by y (yes); b by x (no); c by x (yes).
    assert r.item.tolist() == [0, 0, 1, 2]
    assert r.annotator.tolist() == [0, 1, 0, 0]
    assert r.label.tolist() == [0, 1, 0, 1]
    assert r.counts().tolist() == [[1, 1], [1, 0], [0, 1]]
    assert r.counts(1, 3).tolist() == [[1, 0], [0, 1]]
    assert (r.n_items, r.n_annotators, r.n_categories, r.n_ratings) == (3, 2, 2, 4)


def test_numeric_labels_sort_numerically_even_as_text() -> None:
    r = Ratings([1, 2, 3, 4], ["a"] * 4, ["10", "9", "2.5", "9"])
    assert r.numeric
    assert r.categories.tolist() == [2.5, 9.0, 10.0]
    assert r.scores.tolist() == [2.5, 9.0, 10.0]


def test_string_labels_sort_lexicographically_and_score_by_position() -> None:
    r = Ratings([1, 2, 3], ["a"] * 3, ["b", "a", "10x"])
    assert r.categories.tolist() == ["10x", "a", "b"]
    assert r.scores.tolist() == [1.0, 2.0, 3.0]


def test_explicit_category_order_keeps_unused_categories() -> None:
    r = Ratings([1, 1, 2, 2], ["a", "b", "a", "b"], ["low", "high", "low", "low"],
                categories=["low", "mid", "high"])
    assert r.categories.tolist() == ["low", "mid", "high"]
    assert r.counts().tolist() == [[1, 0, 1], [2, 0, 0]]
    with pytest.raises(RatingsError, match="not among the given categories"):
        Ratings([1], ["a"], ["extreme"], categories=["low", "high"])
    with pytest.raises(RatingsError, match="increasing"):
        Ratings([1], ["a"], [1], categories=[3, 1, 2])


def test_mixed_numbers_and_text_are_strings() -> None:
    r = Ratings([1, 2], ["a", "a"], np.array([1, "yes"], dtype=object))
    assert not r.numeric
    assert r.categories.tolist() == ["1", "yes"]


def test_missing_labels_drop_their_rows() -> None:
    r = Ratings([1, 1, 2, 2, 3], ["a", "b", "a", "b", "a"], np.array([1.0, np.nan, 2.0, 2.0, np.nan]))
    assert r.n_ratings == 3 and r.n_missing == 2
    assert r.items.tolist() == [1, 2]
    r = Ratings([1, 1, 2], ["a", "b", "a"], np.array(["x", None, " "], dtype=object))
    assert r.n_ratings == 1 and r.n_missing == 2
    with pytest.raises(RatingsError, match="no ratings"):
        Ratings([1], ["a"], [None])


def test_duplicates_keep_the_last_row_or_raise() -> None:
    items, annotators, labels = [1, 1, 2, 1], ["a", "b", "a", "a"], ["x", "y", "x", "z"]
    r = Ratings(items, annotators, labels)
    assert r.n_duplicates == 1 and r.n_ratings == 3
    # Item 1 by annotator a: "x" then later "z"; the later one counts.
    assert r.categories[r.label[(r.item == 0) & (r.annotator == 0)]].tolist() == ["z"]
    with pytest.raises(RatingsError, match="duplicate"):
        Ratings(items, annotators, labels, duplicates="raise")


def test_missing_ids_and_bad_shapes_are_errors() -> None:
    with pytest.raises(RatingsError, match="item"):
        Ratings(np.array([1, None], dtype=object), ["a", "b"], [1, 2])
    with pytest.raises(RatingsError, match="length"):
        Ratings([1, 2], ["a"], [1, 2])
    with pytest.raises(RatingsError, match="dimension"):
        Ratings([[1, 2]], [["a", "b"]], [[1, 2]])


def test_mixed_type_ids_compare_as_text() -> None:
    r = Ratings(np.array([1, "1", "x"], dtype=object), ["a", "b", "a"], [1, 1, 2])
    assert r.items.tolist() == ["1", "x"]


def test_from_frame_and_from_records_agree() -> None:
    frame = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "annotator": ["a", "b"] * 3,
                          "label": [1, 1, 2, 3, 3, np.nan]})
    a = Ratings.from_frame(frame)
    b = Ratings.from_records(frame.to_dict("records"))
    assert a.n_ratings == b.n_ratings == 5
    assert krippendorff_alpha(a, level="interval") == krippendorff_alpha(b, level="interval")
    with pytest.raises(RatingsError, match="missing column"):
        Ratings.from_frame(frame.rename(columns={"label": "value"}))


def test_subset_keeps_codes() -> None:
    r = Ratings([1, 1, 2, 3, 3], ["a", "b", "a", "a", "b"], ["x", "y", "x", "y", "y"])
    s = r.subset(r.raters_per_item() >= 2)
    assert s.items.tolist() == [1, 3]
    assert s.categories.tolist() == r.categories.tolist()
    assert s.counts().tolist() == [[1, 1], [0, 2]]


def test_large_integer_ids_take_the_sorting_path() -> None:
    r = Ratings(np.array([10**12, 5, 10**12]), [1, 1, 2], [0, 1, 1])
    assert r.items.tolist() == [5, 10**12]
    assert r.raters_per_item().tolist() == [1, 2]
