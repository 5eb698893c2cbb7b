"""Stable 64-bit hashes of tokens and of token n-grams, computed for many documents at once in NumPy.

Tokens go through a vocabulary (a dict, C speed) so each distinct token is hashed once with BLAKE2b;
n-gram hashes are then combined from token hashes with array arithmetic, never per n-gram in Python.
Hashes depend only on the text, not on the run or the dataset, so they can be compared across files.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from assay.prep._text import _CJK, tokens

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Odd 64-bit multipliers for the n-gram positions (from SplitMix64's golden-ratio sequence): a
# different multiplier per position makes "a b" and "b a" hash differently.
_POSITION = np.array(
    [(0x9E3779B97F4A7C15 * (2 * i + 1)) & 0xFFFFFFFFFFFFFFFF | 1 for i in range(64)], dtype=np.uint64
)


def mix64(x: U64) -> U64:
    """SplitMix64's finaliser: every input bit affects every output bit (in place on a copy)."""
    z = x.copy()
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def stable_hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class TokenStream:
    """The tokens of many documents, flattened: `hashes[offsets[i]:offsets[i+1]]` are document i's."""

    def __init__(self, texts: Iterable[str]) -> None:
        vocab: defaultdict[str, int] = defaultdict()
        vocab.default_factory = vocab.__len__  # a new token gets the next id, at C speed
        lookup = vocab.__getitem__
        ids: list[int] = []
        lengths: list[int] = []
        for text in texts:
            toks = tokens(text)
            ids.extend(map(lookup, toks))
            lengths.append(len(toks))
        table = np.fromiter((stable_hash64(t) for t in vocab), dtype=np.uint64, count=len(vocab))
        cjk = np.fromiter((len(t) == 1 and _CJK.match(t) is not None for t in vocab), dtype=bool, count=len(vocab))
        id_array = np.asarray(ids, dtype=np.int64)
        self.hashes: U64 = table[id_array] if ids else np.zeros(0, np.uint64)
        self.cjk: npt.NDArray[np.bool_] = cjk[id_array] if ids else np.zeros(0, bool)
        """Whether each token is a CJK character."""
        self.lengths: I64 = np.asarray(lengths, dtype=np.int64)
        self.offsets: I64 = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.offsets[1:])

    def __len__(self) -> int:
        return len(self.lengths)

    def cjk_majority(self) -> npt.NDArray[np.bool_]:
        """Per document: at least half of its tokens are CJK characters."""
        doc_of = np.repeat(np.arange(len(self.lengths)), self.lengths)
        cjk = np.bincount(doc_of, weights=self.cjk, minlength=len(self.lengths))
        return (cjk * 2 >= self.lengths) & (self.lengths > 0)


def ngram_hashes(stream: TokenStream, n: int | I64, *, short: bool = True) -> tuple[U64, I64]:
    """`ngram_windows` without the positions."""
    hashes, doc, _ = ngram_windows(stream, n, short=short)
    return hashes, doc


def ngram_windows(stream: TokenStream, n: int | I64, *, short: bool = True) -> tuple[U64, I64, I64]:
    """The hash of every token n-gram of every document, and the document each belongs to.

    `n` is one size for all documents or one per document. A document shorter than its `n` gives
    one n-gram of all its tokens when `short` (so short texts still have a fingerprint), none otherwise.
    Returns (hashes, doc, start token position within the doc), sorted by document and position.
    """
    lengths = stream.lengths
    docs = len(lengths)
    n_doc = np.broadcast_to(np.asarray(n, dtype=np.int64), (docs,))
    total = int(stream.offsets[-1])
    if total == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    doc_of = np.repeat(np.arange(docs, dtype=np.int64), lengths)
    pos = np.arange(total, dtype=np.int64) - stream.offsets[:-1][doc_of]  # position within its document
    n_at = n_doc[doc_of]
    len_at = lengths[doc_of]
    width = np.minimum(n_at, len_at) if short else n_at  # tokens in the n-gram starting here
    valid = pos + width <= len_at
    if short:
        valid &= (len_at >= n_at) | (pos == 0)
    starts = np.flatnonzero(valid)
    width = width[starts]
    acc = np.zeros(len(starts), dtype=np.uint64)
    for j in range(int(width.max()) if len(width) else 0):
        take = width > j
        idx = starts[take] + j
        acc[take] += stream.hashes[idx] * _POSITION[j]
    # The width goes into the hash too, so a 2-token text never equals a 3-gram by accident.
    acc += width.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93)
    return mix64(acc), doc_of[starts], pos[starts]
