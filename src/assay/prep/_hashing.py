"""Stable 64-bit hashes of tokens and of token n-grams, computed for many documents at once in NumPy.

ASCII text is split and hashed in bulk over its bytes; other text goes through a vocabulary (a dict,
C speed) so each distinct token is hashed once in Python. n-gram hashes are then combined from token
hashes with array arithmetic, never per n-gram in Python.
Hashes depend only on the text, not on the run or the dataset, so they can be compared across files.
"""

from __future__ import annotations

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


# Token hashes: a polynomial over the token's UTF-8 bytes, Σ b_k·R^k mod 2^64 with an odd R, plus the
# length times a constant, then SplitMix64's finaliser. A polynomial can be computed for every token
# of a long byte buffer at once (prefix sums of b_k·R^k, scaled back by R^-start, which exists because
# R is odd), so ASCII text is hashed without a Python call per token; the per-token path below
# computes the same value.
_R = 0x9E3779B97F4A7C15 | 1
_R_INV = pow(_R, -1, 1 << 64)
_LEN = 0xC2B2AE3D27D4EB4F
_M64 = (1 << 64) - 1


def _mix_int(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def stable_hash64(token: str | bytes) -> int:
    """The 64-bit hash of a token (its UTF-8 bytes); `TokenStream` computes the same in bulk."""
    data = token if isinstance(token, bytes) else token.encode("utf-8", "surrogatepass")
    acc, power = 0, 1
    for byte in data:
        acc = (acc + byte * power) & _M64
        power = (power * _R) & _M64
    return _mix_int((acc + len(data) * _LEN) & _M64)


_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def _power_tables(size: int) -> tuple[U64, U64]:
    """R^k and R^-k (mod 2^64) for k < size, grown on demand and kept."""
    global _powers, _inverse_powers
    if len(_powers) < size:
        size = max(size, 2 * len(_powers))
        _powers = np.cumprod(np.r_[np.uint64(1), np.full(size - 1, _R, dtype=np.uint64)], dtype=np.uint64)
        _inverse_powers = np.cumprod(np.r_[np.uint64(1), np.full(size - 1, _R_INV, dtype=np.uint64)], dtype=np.uint64)
    return _powers, _inverse_powers


def _ascii_batch(buf: bytes, docs: int) -> tuple[U64, I64]:
    """Token hashes and per-document token counts of translated ASCII text in which each document
    is followed by a NUL byte."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    word = (arr != 32) & (arr != 0)
    edge = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edge == 1)
    ends = np.flatnonzero(edge == -1)
    powers, inverse = _power_tables(len(arr) + 1)
    prefix = np.zeros(len(arr) + 1, dtype=np.uint64)
    np.cumsum(arr.astype(np.uint64) * powers[: len(arr)], out=prefix[1:])
    poly = (prefix[ends] - prefix[starts]) * inverse[starts]
    poly += (ends - starts).astype(np.uint64) * np.uint64(_LEN)
    doc = np.searchsorted(np.flatnonzero(arr == 0), starts)
    return mix64(poly), np.bincount(doc, minlength=docs).astype(np.int64)


# ASCII text takes a fast path: bytes.translate maps everything but [a-z0-9_] to a space (and A-Z to
# a-z), then split. It yields exactly the tokens `tokens` finds in ASCII text (NFKC leaves ASCII
# unchanged; case-folding ASCII is lower-casing). Runs of ASCII texts are joined with a NUL token
# between them and split in one call, so the per-text Python work is gone as well; NUL (which the
# table otherwise maps to a space) stays itself to mark the boundaries.
_ASCII_TABLE = bytes(
    c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c == 95 or c == 0) else 32
    for c in range(256)
)
_SEP = "\x00"
_BATCH = 4096


class TokenStream:
    """The tokens of many documents, flattened: `hashes[offsets[i]:offsets[i+1]]` are document i's."""

    def __init__(self, texts: Iterable[str]) -> None:
        # One vocabulary for both paths: bytes tokens (ASCII texts) and str tokens never compare
        # equal as keys, but both hash through their UTF-8 bytes, so the same word hashes the same.
        vocab: defaultdict[str | bytes, int] = defaultdict()
        vocab.default_factory = vocab.__len__  # a new token gets the next id, at C speed
        lookup = vocab.__getitem__
        # parts in document order: (token hashes, or vocabulary ids to look up, and token counts)
        parts: list[tuple[U64 | None, I64 | None, I64]] = []
        items = texts if isinstance(texts, list) else list(texts)
        for lo in range(0, len(items), _BATCH):
            chunk = items[lo : lo + _BATCH]
            joined = f" {_SEP} ".join(chunk) + f" {_SEP}"
            if joined.isascii() and joined.count(_SEP) == len(chunk):
                hashes, counts = _ascii_batch(joined.encode("ascii").translate(_ASCII_TABLE), len(chunk))
                parts.append((hashes, None, counts))
                continue
            ids_list: list[int] = []
            lengths: list[int] = []
            for text in chunk:
                toks: list[str] | list[bytes] = (
                    text.encode("ascii").translate(_ASCII_TABLE).split() if text.isascii() and _SEP not in text
                    else tokens(text)
                )
                ids_list.extend(map(lookup, toks))
                lengths.append(len(toks))
            parts.append((None, np.asarray(ids_list, dtype=np.int64), np.asarray(lengths, dtype=np.int64)))
        table = np.fromiter((stable_hash64(t) for t in vocab), dtype=np.uint64, count=len(vocab))
        cjk_table = np.fromiter((isinstance(t, str) and len(t) == 1 and _CJK.match(t) is not None for t in vocab),
                                dtype=bool, count=len(vocab))
        hash_parts = [h if h is not None else table[ids] for h, ids, _ in parts if h is not None or ids is not None]
        cjk_parts = [np.zeros(len(h), bool) if h is not None else cjk_table[ids] for h, ids, _ in parts
                     if h is not None or ids is not None]
        self.hashes: U64 = np.concatenate(hash_parts) if hash_parts else np.zeros(0, np.uint64)
        self.cjk: npt.NDArray[np.bool_] = np.concatenate(cjk_parts) if cjk_parts else np.zeros(0, bool)
        """Whether each token is a CJK character."""
        self.lengths: I64 = np.concatenate([c for _, _, c in parts]) if parts else np.zeros(0, np.int64)
        self.offsets: I64 = np.zeros(len(self.lengths) + 1, dtype=np.int64)
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
    hashes, doc, _ = ngram_windows(stream, n, short=short, positions=False)
    return hashes, doc


def _rolling(hashes: U64, width: int) -> U64:
    """For every flat token position t: Σ_j hashes[t+j]·P_j over j < width, plus the width's own
    constant (so a 2-token text never equals a 3-gram by accident). Positions whose window runs past
    the end hold partial sums; callers keep only valid starts. Contiguous slices, no gathers."""
    acc = np.full(len(hashes), np.uint64(width * 0xD6E8FEB86659FD93 & 0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    for j in range(width):
        if j >= len(hashes):
            break
        acc[: len(hashes) - j] += hashes[j:] * _POSITION[j]
    return acc


# Tokens per step of `ngram_windows`: its dozen passes then run over arrays that stay in cache, which
# measured 5× faster per token at 13M tokens than one pass over everything on a busy machine.
_WINDOW_BLOCK = 1 << 19


def ngram_windows(stream: TokenStream, n: int | I64, *, short: bool = True,
                  positions: bool = True) -> tuple[U64, I64, I64]:
    """`_ngram_windows` over blocks of whole documents of about _WINDOW_BLOCK tokens."""
    docs = len(stream.lengths)
    n_doc = np.broadcast_to(np.asarray(n, dtype=np.int64), (docs,))
    if docs == 0 or stream.offsets[-1] <= _WINDOW_BLOCK:
        return _ngram_windows(stream, n_doc, short=short, positions=positions, lo=0, hi=docs)
    parts = []
    lo = 0
    while lo < docs:
        hi = int(np.searchsorted(stream.offsets, stream.offsets[lo] + _WINDOW_BLOCK, side="right")) - 1
        hi = min(max(hi, lo + 1), docs)
        h, d, p = _ngram_windows(stream, n_doc, short=short, positions=positions, lo=lo, hi=hi)
        parts.append((h, d + lo, p))
        lo = hi
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(3))  # type: ignore[return-value]


def _ngram_windows(stream: TokenStream, n_all: I64, *, short: bool, positions: bool, lo: int,
                   hi: int) -> tuple[U64, I64, I64]:
    """The hash of every token n-gram of every document, the document each belongs to and (when
    `positions`) its start token within the document.

    `n` is one size for all documents or one per document. A document shorter than its `n` gives
    one n-gram of all its tokens when `short` (so short texts still have a fingerprint), none otherwise.
    Sorted by document and position.
    """
    lengths = stream.lengths[lo:hi]
    docs = hi - lo
    base = int(stream.offsets[lo])
    offsets = stream.offsets[lo : hi + 1] - base
    token_hashes = stream.hashes[base : int(stream.offsets[hi])]
    total_tokens = len(token_hashes)
    n_doc = n_all[lo:hi]
    full = lengths >= n_doc
    has_short = short & (lengths > 0) & ~full
    windows = np.where(full, lengths - n_doc + 1, has_short).astype(np.int64)
    total = int(windows.sum())
    if total == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    # width of the window starting at each flat position, per document: n, or the whole short text
    width_doc = np.where(full, n_doc, lengths)
    widths = np.unique(width_doc[windows > 0])
    flat = np.zeros(total_tokens, dtype=np.uint64)
    if len(widths) == 1:
        flat = _rolling(token_hashes, int(widths[0]))
    else:
        tok_width = np.repeat(width_doc, lengths)
        for w in widths:
            sel = tok_width == w
            flat[sel] = _rolling(token_hashes, int(w))[sel]
    # valid starts: every token but the last width-1 of each document (for a short document, width is
    # its length, which leaves its first token). Marked per tail offset: O(documents × n), not O(tokens).
    valid = np.ones(total_tokens, dtype=bool)
    ends = offsets[1:]
    tail = np.where(windows > 0, width_doc - 1, lengths)  # a document without windows: all its tokens
    for k in range(1, int(tail.max()) + 1 if docs else 0):
        hit = tail >= k
        valid[ends[hit] - k] = False
    starts = np.flatnonzero(valid)
    doc = np.repeat(np.arange(docs, dtype=np.int64), windows)
    pos = starts - offsets[:-1][doc] if positions else np.zeros(0, np.int64)
    return mix64(flat[starts]), doc, pos
