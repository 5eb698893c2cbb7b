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


def stable_hash64(token: str | bytes) -> int:
    """BLAKE2b-64 of the token's UTF-8 bytes."""
    data = token if isinstance(token, bytes) else token.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


# ASCII text takes a fast path: bytes.translate maps everything but [a-z0-9_] to a space (and A-Z to
# a-z), then split. It yields exactly the tokens `tokens` finds in ASCII text (NFKC leaves ASCII
# unchanged; case-folding ASCII is lower-casing) at about twice the speed of the regex.
_ASCII_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c == 95) else 32 for c in range(256)
)


class TokenStream:
    """The tokens of many documents, flattened: `hashes[offsets[i]:offsets[i+1]]` are document i's."""

    def __init__(self, texts: Iterable[str]) -> None:
        # One vocabulary for both paths: bytes tokens (ASCII texts) and str tokens never compare
        # equal as keys, but both hash through their UTF-8 bytes, so the same word hashes the same.
        vocab: defaultdict[str | bytes, int] = defaultdict()
        vocab.default_factory = vocab.__len__  # a new token gets the next id, at C speed
        lookup = vocab.__getitem__
        ids: list[int] = []
        lengths: list[int] = []
        table = _ASCII_TABLE
        for text in texts:
            toks: list[str] | list[bytes] = (
                text.encode("ascii").translate(table).split() if text.isascii() else tokens(text)
            )
            ids.extend(map(lookup, toks))
            lengths.append(len(toks))
        hashes = np.fromiter((stable_hash64(t) for t in vocab), dtype=np.uint64, count=len(vocab))
        cjk = np.fromiter((isinstance(t, str) and len(t) == 1 and _CJK.match(t) is not None for t in vocab),
                          dtype=bool, count=len(vocab))
        id_array = np.asarray(ids, dtype=np.int64)
        self.hashes: U64 = hashes[id_array] if ids else np.zeros(0, np.uint64)
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
    full = lengths >= n_doc
    windows = np.where(full, lengths - n_doc + 1, (lengths > 0) & short).astype(np.int64)
    total = int(windows.sum())
    if total == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    doc = np.repeat(np.arange(docs, dtype=np.int64), windows)
    first = np.zeros(docs + 1, dtype=np.int64)
    np.cumsum(windows, out=first[1:])
    pos = np.arange(total, dtype=np.int64) - first[:-1][doc]
    start = stream.offsets[:-1][doc] + pos
    width_doc = np.where(full, n_doc, lengths)
    width = width_doc[doc]
    acc = np.zeros(total, dtype=np.uint64)
    present = np.unique(width_doc[windows > 0])
    for w in present:
        sel: slice | np.ndarray = np.flatnonzero(width == w) if len(present) > 1 else slice(None)
        s0 = start[sel]
        part = np.zeros(len(s0), dtype=np.uint64)
        for j in range(int(w)):
            part += stream.hashes[s0 + j] * _POSITION[j]
        # The width goes into the hash too, so a 2-token text never equals a 3-gram by accident.
        part += np.uint64(int(w) * 0xD6E8FEB86659FD93 & 0xFFFFFFFFFFFFFFFF)
        acc[sel] = part
    return mix64(acc), doc, pos
