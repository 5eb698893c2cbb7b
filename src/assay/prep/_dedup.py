"""Exact and near-duplicate detection, reported as clusters with one record kept per cluster.

Exact: BLAKE2b of the normalised text (NFKC, case-folded, whitespace collapsed, punctuation
optionally removed). Near: MinHash LSH over token n-gram shingles (word n-grams; character n-grams
for text that is mostly CJK), then every LSH candidate pair verified with its exact shingle Jaccard,
so a reported near-duplicate is never just a hash coincidence.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assay.prep._hashing import I64, TokenStream, ngram_hashes
from assay.prep._minhash import MinHasher, lsh_params
from assay.prep._records import ProgressFn, RecordSet, TextPart
from assay.prep._sets import SetTable, components, sorted_unique
from assay.prep._text import normalise


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class DedupOptions(_Model):
    text: TextPart = "prompt"
    """Which text is compared: the prompt, the responses, or both."""
    near: bool = True
    """Also find near duplicates (MinHash LSH); exact duplicates are always found."""
    threshold: float = Field(0.8, gt=0.0, lt=1.0)
    """Jaccard similarity of shingle sets at or above which two texts are near duplicates."""
    num_perm: int = Field(128, ge=8, le=1024)
    """MinHash permutations."""
    word_ngram: int = Field(3, ge=1, le=32)
    """Shingle size in words, for text that is not mostly CJK."""
    char_ngram: int = Field(5, ge=1, le=32)
    """Shingle size in characters, for text that is mostly CJK (Chinese has no spaces)."""
    strip_punctuation: bool = False
    """Ignore punctuation in the exact-duplicate hash."""
    keep: str = "first"
    """Which record of a cluster is kept: first, longest, or highest:FIELD (e.g. highest:quality)."""
    seed: int = 1
    """Seed of the MinHash permutations."""

    @field_validator("keep")
    @classmethod
    def _keep(cls, value: str) -> str:
        if value in ("first", "longest") or (value.startswith("highest:") and len(value) > len("highest:")):
            return value
        raise ValueError(f"keep must be first, longest or highest:FIELD, not {value!r}")


class DuplicateMember(_Model):
    index: int
    """Position of the record in the record set."""
    where: str
    """File and line (or project and item) of the record."""
    id: str | None
    """External id of the record, if any."""
    similarity: float
    """Jaccard similarity of its shingles to the kept record's (1.0 for the same normalised text)."""
    keep: bool
    """Whether this is the record the cluster keeps."""


class DuplicateCluster(_Model):
    cluster: int
    """Cluster number, from 1, in order of each cluster's first record."""
    kind: Literal["exact", "near"]
    """exact: every member has the same normalised text; near: at least one only looks alike."""
    kept: int
    """Index of the kept record."""
    members: list[DuplicateMember]


class DedupReport(_Model):
    origin: str
    """The file or project examined."""
    records: int
    """Records examined (empty texts are never duplicates and are counted here but not compared)."""
    options: DedupOptions
    bands: int
    """LSH bands used (0 when near duplicates were not searched)."""
    rows: int
    """Rows per LSH band."""
    exact_clusters: int
    near_clusters: int
    duplicates: int
    """Records that a keep policy would drop: cluster members that are not kept."""
    clusters: list[DuplicateCluster]

    def drop_indices(self) -> list[int]:
        return sorted(m.index for c in self.clusters for m in c.members if not m.keep)


def exact_key(text: str, *, strip_punctuation: bool = False) -> bytes:
    return hashlib.blake2b(normalise(text, strip_punctuation=strip_punctuation).encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


def shingle_sets(texts: Sequence[str], *, word_ngram: int = 3, char_ngram: int = 5) -> tuple[np.ndarray, I64]:
    """Shingle hashes of every text and the text each belongs to: word n-grams, or character n-grams
    for texts whose tokens are mostly CJK characters."""
    stream = TokenStream(texts)
    n = np.where(stream.cjk_majority(), char_ngram, word_ngram).astype(np.int64)
    return ngram_hashes(stream, n)


def near_duplicate_pairs(
    texts: Sequence[str],
    *,
    threshold: float = 0.8,
    num_perm: int = 128,
    word_ngram: int = 3,
    char_ngram: int = 5,
    seed: int = 1,
    verify: bool = True,
    progress: ProgressFn | None = None,
) -> tuple[I64, I64, np.ndarray]:
    """Pairs (i < j) of near-duplicate texts and their shingle Jaccard similarity.

    LSH with the (bands, rows) datasketch would choose for `threshold` and `num_perm`; each candidate
    pair is verified against the exact Jaccard when `verify` (unverified candidates keep similarity
    as computed, without the threshold cut). Within one LSH bucket, members are paired with the
    bucket's first text only: big buckets would otherwise make quadratically many pairs, and every
    band gives another chance to connect a member to the cluster.
    """
    u, v, sim, _, _ = _near(texts, threshold=threshold, num_perm=num_perm, word_ngram=word_ngram,
                            char_ngram=char_ngram, seed=seed, verify=verify, progress=progress)
    return u, v, sim


def _near(texts: Sequence[str], *, threshold: float, num_perm: int, word_ngram: int, char_ngram: int, seed: int,
          verify: bool, progress: ProgressFn | None) -> tuple[I64, I64, np.ndarray, np.ndarray, I64]:
    """`near_duplicate_pairs`, also returning the shingles and their documents for later use."""
    docs = len(texts)
    shingles, doc = shingle_sets(texts, word_ngram=word_ngram, char_ngram=char_ngram)
    if progress:
        progress(1, 4)
    bands, rows = lsh_params(threshold, num_perm)
    keys = MinHasher(num_perm, seed).band_keys(shingles, doc, docs, bands, rows)
    if progress:
        progress(2, 4)
    has = np.bincount(doc, minlength=docs) > 0 if len(doc) else np.zeros(docs, bool)
    us, vs = [], []
    live = np.flatnonzero(has)
    for band in range(bands):
        k = keys[live, band]
        order = np.argsort(k)  # SIMD sort; the bucket's smallest index is found below, not by stability
        sk = k[order]
        new = np.ones(len(sk), dtype=bool)
        new[1:] = sk[1:] != sk[:-1]
        heads = np.flatnonzero(new)
        group = np.cumsum(new) - 1
        first = np.minimum.reduceat(order, heads)[group] if len(heads) else order
        pair = first != order
        us.append(live[first[pair]])
        vs.append(live[order[pair]])
    u = np.concatenate(us) if us else np.zeros(0, np.int64)
    v = np.concatenate(vs) if vs else np.zeros(0, np.int64)
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    uniq = sorted_unique(lo * docs + hi)
    u, v = uniq // docs, uniq % docs
    if progress:
        progress(3, 4)
    involved = sorted_unique(np.concatenate([u, v]))
    table, ids = SetTable.for_documents(shingles, doc, involved)
    sim = table.jaccard(np.searchsorted(ids, u), np.searchsorted(ids, v))
    if verify:
        ok = sim >= threshold
        u, v, sim = u[ok], v[ok], sim[ok]
    if progress:
        progress(4, 4)
    return u.astype(np.int64), v.astype(np.int64), sim, shingles, doc


def find_duplicates(records: RecordSet, options: DedupOptions | None = None, *,
                    progress: ProgressFn | None = None) -> DedupReport:
    """Exact and near-duplicate clusters of `records`, each with the record its keep policy keeps."""
    opts = options or DedupOptions()
    texts = records.texts(opts.text)
    n = len(texts)
    first_of: dict[bytes, int] = {}
    rep = np.arange(n, dtype=np.int64)
    empty = np.zeros(n, dtype=bool)
    for i, t in enumerate(texts):
        if not t or t.isspace():
            empty[i] = True
            continue
        rep[i] = first_of.setdefault(exact_key(t, strip_punctuation=opts.strip_punctuation), i)
    reps = np.array(sorted(set(first_of.values())), dtype=np.int64)
    eu, ev = rep[rep != np.arange(n)], np.flatnonzero(rep != np.arange(n))
    bands = rows = 0
    nu = nv = np.zeros(0, np.int64)
    sh = dc = None
    if opts.near and len(reps) > 1:
        rep_texts = [texts[i] for i in reps]
        ru, rv, _, sh, dc = _near(rep_texts, threshold=opts.threshold, num_perm=opts.num_perm,
                                  word_ngram=opts.word_ngram, char_ngram=opts.char_ngram, seed=opts.seed,
                                  verify=True, progress=progress)
        nu, nv = reps[ru], reps[rv]
        bands, rows = lsh_params(opts.threshold, opts.num_perm)
    label = components(n, np.concatenate([eu, nu]), np.concatenate([ev, nv]))
    label[empty] = -1 - np.flatnonzero(empty)  # never grouped
    order = np.argsort(label, kind="stable")
    sl = label[order]
    cuts = np.flatnonzero(np.r_[True, sl[1:] != sl[:-1], True])
    groups = [order[a:b] for a, b in itertools.pairwise(cuts) if b - a > 1]
    groups.sort(key=lambda g: int(g[0]))
    keeps = [_choose(records, texts, g, opts.keep) for g in groups]
    # similarity of each member to its cluster's kept record, computed in one batch
    rep_pos = {int(r): k for k, r in enumerate(reps)}
    pu, pv, slots = [], [], []
    for gi, (g, kept) in enumerate(zip(groups, keeps, strict=True)):
        for m in g:
            if rep[m] != rep[kept]:
                pu.append(rep_pos[int(rep[kept])])
                pv.append(rep_pos[int(rep[m])])
                slots.append((gi, int(m)))
    sims: dict[tuple[int, int], float] = {}
    if pu and sh is not None and dc is not None:
        au, av = np.array(pu, np.int64), np.array(pv, np.int64)
        table, ids = SetTable.for_documents(sh, dc, sorted_unique(np.concatenate([au, av])))
        values = table.jaccard(np.searchsorted(ids, au), np.searchsorted(ids, av))
        sims = {s: float(x) for s, x in zip(slots, values, strict=True)}
    clusters: list[DuplicateCluster] = []
    exact = near = 0
    for gi, (g, kept) in enumerate(zip(groups, keeps, strict=True)):
        kind: Literal["exact", "near"] = "exact" if len({int(rep[m]) for m in g}) == 1 else "near"
        exact += kind == "exact"
        near += kind == "near"
        members = [
            DuplicateMember(index=int(m), where=records.where(int(m)), id=records.records[int(m)].id,
                            similarity=round(sims.get((gi, int(m)), 1.0), 4), keep=int(m) == kept)
            for m in g
        ]
        clusters.append(DuplicateCluster(cluster=gi + 1, kind=kind, kept=kept, members=members))
    return DedupReport(
        origin=records.origin, records=n, options=opts, bands=bands, rows=rows, exact_clusters=exact,
        near_clusters=near, duplicates=sum(len(g) - 1 for g in groups), clusters=clusters,
    )


def _choose(records: RecordSet, texts: Sequence[str], group: np.ndarray, policy: str) -> int:
    members = [int(m) for m in group]
    if policy == "first":
        return min(members)
    if policy == "longest":
        return max(members, key=lambda m: (len(texts[m]), -m))
    field = policy.split(":", 1)[1]

    def score(m: int) -> tuple[float, int]:
        value = records.records[m].get(field)
        try:
            number = float(value) if value is not None and not isinstance(value, bool) else float("-inf")
        except (TypeError, ValueError):
            number = float("-inf")
        return (number, -m)

    return max(members, key=score)
