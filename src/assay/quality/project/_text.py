"""Copy-paste among free-text answers: identical after normalisation, or near-identical.

Texts are normalised (NFKC, case-folded, punctuation and runs of spaces to one space). Identical
normalised texts are grouped by a dictionary, O(n). Near-identical ones are found with MinHash over
character 5-shingles and locality-sensitive hashing (64 permutations in 16 bands of 4 rows: a pair
at Jaccard 0.9 becomes a candidate with probability > 0.9999). A candidate pair whose MinHash
estimate is far above the threshold is near-identical; near the threshold the exact shingle
Jaccard similarity decides. Everything but those few checks is NumPy over one array of code
points: no loop over characters.
(datasketch/rensa do the same; neither is a dependency, and this is a few dozen lines.)

An answer counts as a copy when another answer on a *different item*, or by a *different person*,
matches it: one person writing the same rationale for both responses of an item does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._load import BoolArray, IntArray

U64 = npt.NDArray[np.uint64]
SHINGLE = 5
N_PERM = 64
BANDS = 16
NEIGHBOURS = 2
"""Per band, each text becomes a candidate with the next two texts of its LSH bucket."""
MAX_CHECKS = 5
"""Exact Jaccard checks per text for candidates whose MinHash estimate is near the threshold."""
_SPACE = re.compile(r"[\W_]+")
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def copied_answers(texts: Sequence[str | None], user: IntArray, item: IntArray, *,
                   threshold: float = 0.9, min_chars: int = 20, seed: int = 0) -> BoolArray:
    """Per answer: whether it is a copy (see the module docstring). Texts shorter than
    ``min_chars`` after normalisation never are."""
    out = np.zeros(len(texts), dtype=bool)
    groups: dict[str, int] = {}
    member_group = np.full(len(texts), -1, dtype=np.int64)
    for i, text in enumerate(texts):
        norm = normalise(text) if text else ""
        if len(norm) >= max(min_chars, SHINGLE):
            member_group[i] = groups.setdefault(norm, len(groups))
    if not groups:
        return out
    members = np.flatnonzero(member_group >= 0)
    g = member_group[members]
    n_groups = len(groups)
    # Identical texts: a group with two items or two people is all copies.
    spread = (_distinct(g, item[members], n_groups) > 1) | (_distinct(g, user[members], n_groups) > 1)
    copied = spread.copy()
    if threshold < 1.0 and n_groups > 1:
        # Near-identical texts: a group that is not spread has one item and one person, so a
        # similar group copies it when that group is spread or differs in item or person.
        group_item = np.zeros(n_groups, dtype=np.int64)
        group_user = np.zeros(n_groups, dtype=np.int64)
        group_item[g], group_user[g] = item[members], user[members]
        shingles, bounds = _shingles(list(groups))
        pairs = _similar_pairs(shingles, bounds, threshold, seed)
        if len(pairs):
            a, b = pairs[:, 0], pairs[:, 1]
            differ = (group_item[a] != group_item[b]) | (group_user[a] != group_user[b])
            copied[a[spread[b] | differ]] = True
            copied[b[spread[a] | differ]] = True
    out[members] = copied[g]
    return out


def _distinct(group: IntArray, values: IntArray, n_groups: int) -> IntArray:
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    first = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])]
    out: IntArray = np.bincount(g[first], minlength=n_groups)
    return out


def _mix(x: U64) -> U64:
    """splitmix64's finaliser: spreads the bits of a shingle's polynomial hash."""
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    out: U64 = x ^ (x >> np.uint64(31))
    return out


def _shingles(texts: list[str]) -> tuple[U64, IntArray]:
    """Shingle hashes of every text, concatenated, and each text's [start, end)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    size = max(len(points) - SHINGLE + 1, 0)
    hashes = np.zeros(size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):  # polynomial hash of each window, one pass per position
            hashes = hashes * np.uint64(1000003) + points[j:j + size]
        hashes = _mix(hashes)
    text_start = np.r_[0, np.cumsum(lengths)[:-1]]
    owner = np.repeat(np.arange(len(texts)), lengths)[: len(hashes)]
    inside = np.arange(len(hashes)) + SHINGLE <= (text_start + lengths)[owner]
    owner, hashes = owner[inside], hashes[inside]
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1))
    return hashes, bounds.astype(np.int64)


def _similar_pairs(shingles: U64, bounds: IntArray, threshold: float, seed: int) -> IntArray:
    """Pairs of texts (a < b) whose estimated shingle Jaccard similarity is at least ``threshold``."""
    rng = np.random.default_rng(seed)
    n = len(bounds) - 1
    multipliers = rng.integers(1, 2**63, size=N_PERM, dtype=np.uint64) | np.uint64(1)
    offsets = rng.integers(0, 2**63, size=N_PERM, dtype=np.uint64)
    signature = np.empty((n, N_PERM), dtype=np.uint64)
    rows = N_PERM // BANDS
    band_mix = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    found: list[IntArray] = []
    with np.errstate(over="ignore"):
        for p in range(N_PERM):
            signature[:, p] = np.minimum.reduceat(shingles * multipliers[p] + offsets[p], bounds[:-1])
        for band in range(BANDS):
            key = (signature[:, band * rows:(band + 1) * rows] * band_mix).sum(axis=1, dtype=np.uint64)
            found.append(_bucket_pairs(key))
    both = np.concatenate(found)
    codes = np.unique(both[:, 0] * n + both[:, 1])
    pairs = np.stack([codes // n, codes % n], axis=1)
    if not len(pairs):
        return pairs
    estimate = (signature[pairs[:, 0]] == signature[pairs[:, 1]]).mean(axis=1)
    # The estimate's sd is sqrt(J(1 - J)/64): 0.0375 at J = 0.9, below 0.04 above 0.85. Far above the
    # threshold it decides; near it the exact Jaccard does, for at most MAX_CHECKS candidates per
    # text, most similar first (a text needs one confirmed partner).
    sure = estimate >= threshold + 0.1
    near = np.flatnonzero(~sure & (estimate >= threshold - 0.1))
    near = near[np.argsort(-estimate[near], kind="stable")]
    matched = np.zeros(n, dtype=bool)
    matched[pairs[sure].ravel()] = True
    tries = np.zeros(n, dtype=np.int64)
    sets: dict[int, set[int]] = {}
    confirmed = sure.copy()
    for index, a, b in zip(near.tolist(), pairs[near, 0].tolist(), pairs[near, 1].tolist(), strict=True):
        if (matched[a] and matched[b]) or (tries[a] >= MAX_CHECKS and tries[b] >= MAX_CHECKS):
            continue
        tries[a] += 1
        tries[b] += 1
        sa = sets.get(a) or sets.setdefault(a, set(shingles[bounds[a]:bounds[a + 1]].tolist()))
        sb = sets.get(b) or sets.setdefault(b, set(shingles[bounds[b]:bounds[b + 1]].tolist()))
        common = len(sa & sb)
        if common >= threshold * (len(sa) + len(sb) - common):
            confirmed[index] = matched[a] = matched[b] = True
    out: IntArray = pairs[confirmed]
    return out


def _bucket_pairs(key: U64) -> IntArray:
    """Candidate pairs of one band: each text with the next ``NEIGHBOURS`` texts of its bucket
    (members sorted by key): every member of a bucket meets some others, at O(n) pairs."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    parts = []
    for step in range(1, NEIGHBOURS + 1):
        same = np.flatnonzero(sorted_key[step:] == sorted_key[:-step])
        parts.append(np.stack([order[same], order[same + step]], axis=1))
    pairs = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    out: IntArray = np.sort(pairs, axis=1).astype(np.int64)
    return out
