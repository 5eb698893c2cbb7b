"""MinHash signatures and LSH banding, vectorised over many documents at once.

Permutations are Dietzfelbinger's multiply-add-shift hashes: for a 32-bit shingle value x,
h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32 with random 64-bit a_i (odd) and b_i. The family is
2-independent from 32-bit keys to 32-bit values (Dietzfelbinger 1996, "Universal hashing and
k-wise independent random variables via integer multiplication"), the property MinHash's Jaccard
estimate needs, and the mod 2^64 is free in NumPy's wrapping uint64 arithmetic, where datasketch's
(a·x + b) mod (2^61 − 1) needs a separate modulo pass. A whole block of shingles × permutations is
computed in one array expression, and the minimum per document with one `minimum.reduceat`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from assay.prep._hashing import _POSITION, I64, U64, mix64

U32 = npt.NDArray[np.uint32]
# Shingles per block: block × num_perm × 8 bytes of scratch (16 MB at 128 permutations). Measured on
# 1M shingles: 16K per block runs 2.5× faster than 64K (the scratch stays closer to the cache) and
# the permutation-major layout (permutations × shingles, reduced along the contiguous axis) 6× faster
# than shingle-major, whose row-wise `minimum.reduceat` NumPy does not vectorise.
BLOCK = 1 << 14
EMPTY = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false-positive and false-negative areas under the
    S-curve 1 − (1 − s^r)^b, as datasketch's MinHashLSH chooses them (same weights by default)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    lo = np.linspace(0.0, threshold, 2001)
    hi = np.linspace(threshold, 1.0, 2001)
    best, opt = float("inf"), (1, 1)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = _area(1 - (1 - lo**r) ** b, lo)
            fn = _area((1 - hi**r) ** b, hi)
            err = fp * fp_weight + fn * fn_weight
            if err < best:
                best, opt = float(err), (b, r)
    return opt


def _area(y: npt.NDArray[np.float64], x: npt.NDArray[np.float64]) -> float:
    """Trapezoid rule (np.trapezoid is NumPy 2 only)."""
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)


class MinHasher:
    """`num_perm` seeded permutations; the same seed gives the same signatures on every machine."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be at least 1")
        rng = np.random.Generator(np.random.PCG64(seed))
        self.num_perm = num_perm
        self.a: U64 = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.b: U64 = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2)

    def signatures(self, shingles: U64, doc: I64, docs: int) -> U32:
        """(docs × num_perm) signatures from 64-bit shingle hashes sorted by `doc`. A document
        without shingles gets all 0xFFFFFFFF (callers leave those out of LSH)."""
        out = np.full((docs, self.num_perm), EMPTY, dtype=np.uint32)
        for lo_doc, hi_doc, sig in self._blocks(shingles, doc, docs):
            out[lo_doc:hi_doc] = sig
        return out

    def band_keys(self, shingles: U64, doc: I64, docs: int, bands: int, rows: int) -> U64:
        """(docs × bands) 64-bit keys, one per LSH band: equal keys mean equal band signatures
        (up to 64-bit hash collisions). Signatures are built block by block and not kept."""
        if bands * rows > self.num_perm:
            raise ValueError(f"{bands} bands × {rows} rows need more than {self.num_perm} permutations")
        out = np.zeros((docs, bands), dtype=np.uint64)
        for lo_doc, hi_doc, sig in self._blocks(shingles, doc, docs):
            out[lo_doc:hi_doc] = _band_keys(sig, bands, rows)
        return out

    def _blocks(self, shingles: U64, doc: I64, docs: int):  # type: ignore[no-untyped-def]
        """Yield (first doc, end doc, signatures) for runs of whole documents of about BLOCK shingles."""
        x = (shingles >> np.uint64(32)).astype(np.uint64)  # 32-bit keys, as the hash family wants
        counts = np.bincount(doc, minlength=docs) if len(doc) else np.zeros(docs, np.int64)
        starts = np.zeros(docs + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        a, b = self.a[:, None], self.b[:, None]
        shift = np.uint64(32)
        # one scratch buffer for every block: a fresh 16 MB array per block costs page faults
        scratch = np.empty((self.num_perm, BLOCK), dtype=np.uint64)
        lo_doc = 0
        while lo_doc < docs:
            # the documents whose shingles fit in one block (always at least one document)
            hi_doc = int(np.searchsorted(starts, starts[lo_doc] + BLOCK, side="right")) - 1
            hi_doc = min(max(hi_doc, lo_doc + 1), docs)
            s0, s1 = int(starts[lo_doc]), int(starts[hi_doc])
            sig = np.full((hi_doc - lo_doc, self.num_perm), EMPTY, dtype=np.uint32)
            if s1 > s0:
                h = scratch[:, : s1 - s0] if s1 - s0 <= BLOCK else np.empty((self.num_perm, s1 - s0), np.uint64)
                np.multiply(a, x[None, s0:s1], out=h)
                h += b
                local = starts[lo_doc:hi_doc] - s0
                nonempty = counts[lo_doc:hi_doc] > 0
                # reduceat over non-empty documents only: an empty one would repeat its neighbour's row.
                # The shift comes after the minimum: x >> 32 is monotone, so min(h) >> 32 == min(h >> 32).
                low = np.minimum.reduceat(h, local[nonempty], axis=1)
                sig[nonempty] = (low >> shift).T.astype(np.uint32)
            yield lo_doc, hi_doc, sig
            lo_doc = hi_doc


def _band_keys(sig: U32, bands: int, rows: int) -> U64:
    keys = np.zeros((sig.shape[0], bands), dtype=np.uint64)
    for j in range(rows):
        keys += sig[:, j : bands * rows : rows].astype(np.uint64) * _POSITION[j]
    # columns j, j+rows, ... are row j of each band: band k is sig[:, k*rows:(k+1)*rows]
    return mix64(keys)


def jaccard_estimate(sig_a: U32, sig_b: U32) -> float:
    """Share of equal signature positions: the MinHash estimate of Jaccard similarity."""
    return float(np.mean(sig_a == sig_b))
