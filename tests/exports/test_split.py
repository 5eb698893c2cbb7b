"""Seeded train/validation/test splits: exact per domain when stratified, stable under additions when not."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.exports import ExportError, Split, assign_splits
from assay.exports._load import ItemInfo
from assay.exports._split import quotas

RATIOS = {"train": 0.9, "validation": 0.05, "test": 0.05}


def infos(n: int, domains: tuple[str | None, ...] = ("STEM", "Humanities", None), start: int = 0) -> list[ItemInfo]:
    return [ItemInfo(start + i, f"ref-{start + i}", domains[i % len(domains)], None, "en", False, None)
            for i in range(n)]


def test_parse_shares_and_percentages() -> None:
    assert Split.parse("train=0.9,validation=0.05,test=0.05").ratios == RATIOS
    assert Split.parse("train=80, test=20", seed=3).ratios == {"train": 0.8, "test": 0.2}
    for text, message in (("train=0.9,dev=0.1", "unknown split 'dev'"), ("train=0.5,test=0.4", "sum to 1"),
                          ("train", "expected NAME=SHARE"), ("train=x,test=1", "'x' is not a number"),
                          ("train=0.5,train=0.5", "train is given twice")):
        with pytest.raises(ExportError, match=message):
            Split.parse(text)


def test_quotas_by_largest_remainder() -> None:
    assert quotas(10, RATIOS) == {"train": 9, "validation": 1, "test": 0}
    assert quotas(20, RATIOS) == {"train": 18, "validation": 1, "test": 1}
    assert quotas(3, {"train": 0.5, "test": 0.5}) == {"train": 2, "test": 1}
    assert quotas(0, RATIOS) == {"train": 0, "validation": 0, "test": 0}


@given(st.integers(0, 500), st.lists(st.integers(1, 20), min_size=1, max_size=3))
def test_quotas_sum_to_n_and_round_each_share(n: int, weights: list[int]) -> None:
    names = ["train", "validation", "test"][: len(weights)]
    ratios = {name: w / sum(weights) for name, w in zip(names, weights, strict=True)}
    counts = quotas(n, ratios)
    assert sum(counts.values()) == n
    for name in names:
        assert abs(counts[name] - n * ratios[name]) < 1 + 1e-9


def test_stratified_split_is_exact_per_domain_and_order_free() -> None:
    items = infos(300)
    split = Split(ratios=RATIOS, seed=11)
    got = assign_splits(items, split)
    for domain in ("STEM", "Humanities", None):
        members = [i.id for i in items if i.domain == domain]
        counts = {name: sum(1 for m in members if got[m] == name) for name in RATIOS}
        assert counts == quotas(len(members), RATIOS) == {"train": 90, "validation": 5, "test": 5}
    shuffled = items[:]
    random.Random(5).shuffle(shuffled)
    assert assign_splits(shuffled, split) == got
    # The split follows the item's id, not the database row: the same items under other row ids agree.
    moved = [ItemInfo(i.id + 1000, i.ref, i.domain, None, "en", False, None) for i in items]
    assert {k - 1000: v for k, v in assign_splits(moved, split).items()} == got
    other = assign_splits(items, Split(ratios=RATIOS, seed=12))
    assert other != got and sorted(other.values()) == sorted(got.values())


def test_unstratified_split_never_moves_an_item() -> None:
    split = Split(ratios=RATIOS, seed=4, stratify=False)
    small = assign_splits(infos(2000), split)
    large = assign_splits(infos(2000) + infos(3000, start=2000), split)
    assert all(large[k] == v for k, v in small.items())
    # Shares hold on average: within four standard deviations of a binomial.
    n = len(large)
    for name, share in RATIOS.items():
        count = sum(1 for v in large.values() if v == name)
        assert abs(count - n * share) < 4 * math.sqrt(n * share * (1 - share)), (name, count)


def test_stratified_split_of_a_grown_domain_keeps_most_items() -> None:
    split = Split(ratios=RATIOS, seed=4)
    before = assign_splits(infos(1000, domains=("STEM",)), split)
    after = assign_splits(infos(1100, domains=("STEM",)), split)
    moved = sum(1 for k, v in before.items() if after[k] != v)
    assert moved < 30  # only items at the boundaries between shares move
