"""Benchmark decontamination: token n-gram overlap between a dataset and a benchmark.

As in GPT-3 (Brown et al. 2020, appendix C): a record is contaminated when it shares a 13-gram of
normalised words with a benchmark item. CJK text has no spaces, so its n-grams are over characters
(each CJK character is a token). Benchmark items shorter than n tokens are matched whole, unless
shorter than `min_tokens`, where a match says nothing (many texts contain "what is 2 + 2").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assay.prep._hashing import TokenStream, ngram_windows
from assay.prep._records import ProgressFn, RecordSet, TextPart
from assay.prep._text import token_spans


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class DecontamOptions(_Model):
    text: TextPart = "all"
    """Which text of the dataset records is checked."""
    bench_text: TextPart = "prompt"
    """Which text of the benchmark records is indexed (with a benchmark --field, that field)."""
    word_ngram: int = Field(13, ge=1, le=64)
    """n for text that is mostly not CJK (words)."""
    char_ngram: int = Field(13, ge=1, le=64)
    """n for benchmark text that is mostly CJK (characters)."""
    min_tokens: int = Field(8, ge=1)
    """Benchmark items with fewer tokens are ignored; items between this and n are matched whole."""
    min_matches: int = Field(1, ge=1)
    """Shared n-grams needed to report a pair."""


class ContaminationMatch(_Model):
    index: int
    """Position of the dataset record."""
    where: str
    id: str | None
    bench_index: int
    bench_where: str
    bench_id: str | None
    ngrams: int
    """n-grams the pair shares."""
    score: float
    """Share of the record's n-grams (of that size) found in the benchmark item."""
    bench_coverage: float
    """Share of the benchmark item's n-grams found in the record."""
    span: str
    """The longest overlapping passage, as it appears in the record."""
    span_start: int
    span_end: int


class DecontamReport(_Model):
    origin: str
    benchmark: str
    records: int
    bench_records: int
    bench_too_short: int
    """Benchmark items ignored for having fewer than min_tokens tokens."""
    contaminated: int
    """Dataset records with at least one match."""
    options: DecontamOptions
    matches: list[ContaminationMatch]

    def contaminated_indices(self) -> list[int]:
        return sorted({m.index for m in self.matches})


def decontaminate(records: RecordSet, benchmark: RecordSet, options: DecontamOptions | None = None, *,
                  progress: ProgressFn | None = None) -> DecontamReport:
    opts = options or DecontamOptions()
    bench_texts = benchmark.texts(opts.bench_text)
    bstream = TokenStream(bench_texts)
    nb = np.where(bstream.cjk_majority(), opts.char_ngram, opts.word_ngram).astype(np.int64)
    usable = bstream.lengths >= opts.min_tokens
    bh, bdoc, _ = ngram_windows(bstream, nb, short=True)
    keep = usable[bdoc]
    bh, bdoc = bh[keep], bdoc[keep]
    width_of_bench = np.minimum(nb, bstream.lengths)
    bench_ngrams = np.bincount(bdoc, minlength=len(bench_texts))
    order = np.argsort(bh, kind="stable")
    bh_sorted, bdoc_sorted = bh[order], bdoc[order]
    widths = sorted({int(w) for w in width_of_bench[usable]})
    if progress:
        progress(1, 3)
    texts = records.texts(opts.text)
    dstream = TokenStream(texts)
    hit_doc, hit_pos, hit_bench, hit_width, hit_hash = [], [], [], [], []
    windows_of: dict[int, np.ndarray] = {}
    for w in widths:
        dh, ddoc, dpos = ngram_windows(dstream, w, short=False)
        windows_of[w] = np.bincount(ddoc, minlength=len(texts))
        at = np.searchsorted(bh_sorted, dh)
        at[at == len(bh_sorted)] = 0
        found = (bh_sorted[at] == dh) if len(bh_sorted) else np.zeros(len(dh), bool)
        bench = bdoc_sorted[at[found]]
        same_width = width_of_bench[bench] == w  # the width is hashed in, so this only guards collisions
        sel = np.flatnonzero(found)[same_width]
        hit_doc.append(ddoc[sel])
        hit_pos.append(dpos[sel])
        hit_bench.append(bench[same_width])
        hit_width.append(np.full(len(sel), w, np.int64))
        hit_hash.append(dh[sel])
    if progress:
        progress(2, 3)
    matches = _pairs(records, benchmark, texts, opts, bench_ngrams, windows_of,
                     *(np.concatenate(a) if a else np.zeros(0, np.int64) for a in
                       (hit_doc, hit_pos, hit_bench, hit_width, hit_hash)))
    if progress:
        progress(3, 3)
    return DecontamReport(
        origin=records.origin, benchmark=benchmark.origin, records=len(records), bench_records=len(benchmark),
        bench_too_short=int((~usable).sum()), contaminated=len({m.index for m in matches}), options=opts,
        matches=matches,
    )


def _pairs(records: RecordSet, benchmark: RecordSet, texts: Sequence[str], opts: DecontamOptions,
           bench_ngrams: np.ndarray, windows_of: dict[int, np.ndarray], doc: np.ndarray, pos: np.ndarray,
           bench: np.ndarray, width: np.ndarray, hashes: np.ndarray) -> list[ContaminationMatch]:
    if len(doc) == 0:
        return []
    order = np.lexsort((pos, bench, doc))
    doc, pos, bench, width, hashes = doc[order], pos[order], bench[order], width[order], hashes[order]
    cut = np.flatnonzero(np.r_[True, (doc[1:] != doc[:-1]) | (bench[1:] != bench[:-1]), True])
    out: list[ContaminationMatch] = []
    for a, b in itertools.pairwise(cut):
        n = b - a
        if n < opts.min_matches:
            continue
        d, k, w = int(doc[a]), int(bench[a]), int(width[a])
        # the longest run of overlapping or touching windows is the passage shown
        best_lo, best_hi, lo, hi = int(pos[a]), int(pos[a]) + w, int(pos[a]), int(pos[a]) + w
        for p in pos[a + 1 : b]:
            p = int(p)
            if p <= hi:
                hi = max(hi, p + w)
            else:
                lo, hi = p, p + w
            if hi - lo > best_hi - best_lo:
                best_lo, best_hi = lo, hi
        spans = token_spans(texts[d])
        start = spans[best_lo][0] if best_lo < len(spans) else 0
        end = spans[min(best_hi, len(spans)) - 1][1] if spans else 0
        distinct = len(np.unique(hashes[a:b]))
        out.append(ContaminationMatch(
            index=d, where=records.where(d), id=records.records[d].id, bench_index=k,
            bench_where=benchmark.where(k), bench_id=benchmark.records[k].id, ngrams=int(n),
            score=round(n / max(1, int(windows_of[w][d])), 4),
            bench_coverage=round(min(1.0, distinct / max(1, int(bench_ngrams[k]))), 4),
            span=texts[d][start:end], span_start=start, span_end=end,
        ))
    return out
