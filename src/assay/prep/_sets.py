"""Set operations on many small integer sets at once: exact Jaccard for many pairs, connected components."""

from __future__ import annotations

import itertools

import numpy as np

from assay.prep._hashing import I64, U64

# Set elements gathered per step of `jaccard_pairs`: bounds its scratch memory at ~100 MB.
_GATHER = 1 << 22
_SORT_BLOCK = 1 << 20
_DOC_BITS = 24
_VALUE_BITS = 64 - _DOC_BITS
_VALUE_MASK = np.uint64((1 << _VALUE_BITS) - 1)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique for integer keys, by sort and compare: NumPy 2.3's np.unique hashes instead, which
    measured 5× slower on 4M 64-bit keys. The default (SIMD quick)sort measured 9× faster than
    kind="stable" on 1M uint64 keys; stability means nothing for equal integers."""
    if len(values) == 0:
        return values
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


class SetTable:
    """One sorted, duplicate-free set of 64-bit values per document."""

    def __init__(self, values: U64, doc: I64, docs: int) -> None:
        if docs < 1 << _DOC_BITS:
            # one radix-sortable key per element: the document in the high bits, the value's top
            # 40 bits below (two shingles of one pair colliding in 40 bits: ~n²/2^41, negligible)
            key_all = (doc.astype(np.uint64) << np.uint64(_VALUE_BITS)) | (values >> np.uint64(_DOC_BITS))
            # `doc` is sorted, so sorting blocks of it separately sorts the whole (and stays in cache)
            cuts = list(range(0, len(key_all), _SORT_BLOCK))
            if cuts:
                cuts = [int(np.searchsorted(doc, doc[c], side="left")) for c in cuts]
            bounds = [*sorted(set(cuts)), len(key_all)]
            if len(doc) > 1 and not bool((doc[1:] >= doc[:-1]).all()):
                key = sorted_unique(key_all)
            elif len(bounds) > 1:
                key = np.concatenate([sorted_unique(key_all[a:b]) for a, b in itertools.pairwise(bounds)])
            else:
                key = key_all
            d = (key >> np.uint64(_VALUE_BITS)).astype(np.int64)
            self.values: U64 = key & _VALUE_MASK
        else:
            order = np.lexsort((values, doc))
            v, d = values[order], doc[order]
            keep = np.ones(len(v), dtype=bool)
            keep[1:] = (v[1:] != v[:-1]) | (d[1:] != d[:-1])
            self.values, d = v[keep], d[keep]
        self.sizes: I64 = np.bincount(d, minlength=docs).astype(np.int64)
        self.starts: I64 = np.zeros(docs + 1, dtype=np.int64)
        np.cumsum(self.sizes, out=self.starts[1:])

    @classmethod
    def for_documents(cls, values: U64, doc: I64, wanted: I64) -> tuple[SetTable, I64]:
        """A table of only the `wanted` documents' sets (sorted, distinct ids), and `wanted` itself for
        mapping ids to rows with `np.searchsorted`. Verification touches a few documents in ten, so
        sorting every document's shingles would be most of the work."""
        flag = np.zeros(int(doc.max()) + 1 if len(doc) else 0, dtype=bool)
        flag[wanted[wanted < len(flag)]] = True
        sel = flag[doc] if len(doc) else np.zeros(0, bool)
        return cls(values[sel], np.searchsorted(wanted, doc[sel]), len(wanted)), wanted

    def _gather(self, docs: I64) -> tuple[U64, I64]:
        """Elements of the given documents' sets, concatenated, and the position in `docs` of each."""
        sizes = self.sizes[docs]
        owner = np.repeat(np.arange(len(docs), dtype=np.int64), sizes)
        first = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(sizes, out=first[1:])
        idx = np.arange(int(first[-1]), dtype=np.int64) - first[:-1][owner] + self.starts[:-1][docs][owner]
        return self.values[idx], owner

    def jaccard(self, u: I64, v: I64) -> np.ndarray:
        """Exact |A∩B| / |A∪B| for each pair (u[k], v[k]); 0 when both sets are empty."""
        out = np.zeros(len(u), dtype=np.float64)
        per_pair = self.sizes[u] + self.sizes[v]
        lo = 0
        while lo < len(u):
            # as many pairs as fit in one gather
            hi = lo + max(1, int(np.searchsorted(np.cumsum(per_pair[lo:]), _GATHER, side="right")))
            hi = min(hi, len(u))
            vals_u, own_u = self._gather(u[lo:hi])
            vals_v, own_v = self._gather(v[lo:hi])
            vals = np.concatenate([vals_u, vals_v])
            owner = np.concatenate([own_u, own_v])
            if hi - lo < 1 << _DOC_BITS and bool((vals <= _VALUE_MASK).all()):
                key = np.sort((owner.astype(np.uint64) << np.uint64(_VALUE_BITS)) | vals)
                # sets are duplicate-free, so two adjacent equal keys are one shared element
                same = key[1:] == key[:-1]
                inter = np.bincount((key[1:][same] >> np.uint64(_VALUE_BITS)).astype(np.int64), minlength=hi - lo)
            else:
                order = np.lexsort((vals, owner))
                vals, owner = vals[order], owner[order]
                same = (vals[1:] == vals[:-1]) & (owner[1:] == owner[:-1])
                inter = np.bincount(owner[1:][same], minlength=hi - lo)
            union = per_pair[lo:hi] - inter
            out[lo:hi] = np.divide(inter, union, out=np.zeros(hi - lo), where=union > 0)
            lo = hi
        return out


def components(n: int, u: I64, v: I64) -> I64:
    """Connected components of the graph on 0..n-1 with edges (u[k], v[k]): the smallest node of each
    node's component. Hooks roots to the smaller root and jumps pointers until nothing changes."""
    parent = np.arange(n, dtype=np.int64)
    if len(u) == 0:
        return parent
    while True:
        pu, pv = parent[u], parent[v]
        lo, hi = np.minimum(pu, pv), np.maximum(pu, pv)
        moving = lo != hi
        if not moving.any():
            return parent
        np.minimum.at(parent, hi[moving], lo[moving])
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
