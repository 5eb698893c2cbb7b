"""Exact and near duplicates: normalisation, MinHash, LSH parameters, verification, clusters and keep
policies, cross-checked against datasketch on planted data."""

from __future__ import annotations

import numpy as np
import pytest

from assay.prep import (
    DedupOptions,
    MinHasher,
    PrepRecord,
    RecordSet,
    exact_key,
    find_duplicates,
    from_texts,
    lsh_params,
    near_duplicate_pairs,
    shingle_sets,
)
from assay.prep._sets import SetTable, components
from tests.prep.helpers import jaccard, planted_corpus, shingles

datasketch = pytest.importorskip("datasketch")


def test_exact_key_normalises_unicode_case_and_whitespace() -> None:
    assert exact_key("Ｈｅｌｌｏ　Ｗｏｒｌｄ１２３") == exact_key("hello world123")  # full-width forms (NFKC)
    assert exact_key("  Straße\n\tIST  gut ") == exact_key("strasse ist gut")  # case-folding, whitespace
    assert exact_key("Hello, world!") != exact_key("hello world")
    assert exact_key("Hello, world!", strip_punctuation=True) == exact_key("hello world", strip_punctuation=True)
    assert exact_key("你好，世界", strip_punctuation=True) == exact_key("你好 世界", strip_punctuation=True)


def test_lsh_params_match_datasketch() -> None:
    from datasketch.lsh import _optimal_param

    for threshold in (0.5, 0.7, 0.8, 0.9):
        for num_perm in (64, 128, 256):
            assert lsh_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5), (threshold, num_perm)


def test_minhash_estimates_jaccard_like_datasketch() -> None:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(400)]
    base = [words[int(k)] for k in rng.integers(0, 400, 120)]
    texts, truth = [], []
    for keep in (120, 100, 80, 60, 30):
        other = base[:keep] + [f"x{i}" for i in range(120 - keep)]
        texts.append((" ".join(base), " ".join(other)))
    for a, b in texts:
        sh, doc = shingle_sets([a, b], word_ngram=1)
        sig = MinHasher(256, seed=5).signatures(sh, doc, 2)
        ours = float(np.mean(sig[0] == sig[1]))
        true = jaccard(shingles(a, 1), shingles(b, 1))
        m1, m2 = datasketch.MinHash(num_perm=256, seed=5), datasketch.MinHash(num_perm=256, seed=5)
        m1.update_batch([s.encode() for s in shingles(a, 1)])
        m2.update_batch([s.encode() for s in shingles(b, 1)])
        theirs = m1.jaccard(m2)
        # both estimators have standard error sqrt(J(1-J)/256) <= 0.031; allow 4 of them
        assert abs(ours - true) < 0.125 and abs(theirs - true) < 0.125, (ours, theirs, true)
    truth.append(0)


def test_signatures_are_seeded_and_empty_documents_are_marked() -> None:
    sh, doc = shingle_sets(["alpha beta gamma delta", "", "alpha beta gamma delta"], word_ngram=2)
    a = MinHasher(64, seed=9).signatures(sh, doc, 3)
    b = MinHasher(64, seed=9).signatures(sh, doc, 3)
    assert np.array_equal(a, b) and np.array_equal(a[0], a[2])
    assert (a[1] == 0xFFFFFFFF).all()
    assert not np.array_equal(a, MinHasher(64, seed=10).signatures(sh, doc, 3))


def test_set_table_jaccard_matches_python_sets() -> None:
    texts, _ = planted_corpus(60, 10)
    sh, doc = shingle_sets(texts, word_ngram=3)
    table = SetTable(sh, doc, len(texts))
    rng = np.random.default_rng(1)
    u = rng.integers(0, len(texts), 200)
    v = rng.integers(0, len(texts), 200)
    got = table.jaccard(u, v)
    want = [jaccard(shingles(texts[a]), shingles(texts[b])) for a, b in zip(u, v, strict=True)]
    assert np.allclose(got, want)


def test_components_are_connected_groups() -> None:
    labels = components(7, np.array([0, 2, 5, 3]), np.array([1, 3, 6, 4]))
    assert labels.tolist() == [0, 0, 2, 2, 2, 5, 5]


def test_near_pairs_find_planted_copies_and_nothing_else() -> None:
    texts, planted = planted_corpus()
    u, v, sim = near_duplicate_pairs(texts, threshold=0.7)
    found = set(zip(u.tolist(), v.tolist(), strict=True))
    assert all(s >= 0.7 for s in sim)
    # every reported pair really is that similar, and most planted pairs are found (LSH is probabilistic:
    # at J >= 0.8 with 14 bands x 9 rows each pair is found with probability >= 0.87)
    for a, b in found:
        assert jaccard(shingles(texts[a]), shingles(texts[b])) >= 0.7
    recall = len(found & planted) / len(planted)
    assert recall >= 0.85, recall
    assert found <= planted | {(a, b) for a, b in found if jaccard(shingles(texts[a]), shingles(texts[b])) >= 0.7}


def _datasketch_pairs(texts: list[str], threshold: float, num_perm: int) -> set[tuple[int, int]]:
    sigs = datasketch.MinHash.bulk([[s.encode() for s in shingles(t)] for t in texts], num_perm=num_perm)
    lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    return {(min(i, j), max(i, j)) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i}


def test_same_pairs_as_datasketch_on_planted_data() -> None:
    """Planted copies with Jaccard well above the threshold (one changed word in 40-50 and a 0.5
    threshold): both LSH implementations find every one, and nothing else."""
    texts, planted = planted_corpus(400, 40, seed=11)
    u, v, _ = near_duplicate_pairs(texts, threshold=0.5, num_perm=128)
    ours = set(zip(u.tolist(), v.tolist(), strict=True))
    theirs = _datasketch_pairs(texts, 0.5, 128)
    assert ours == planted
    assert theirs == planted


def test_cjk_texts_use_character_shingles() -> None:
    a = "今天天气很好我们一起去公园散步然后去图书馆看书"
    b = "今天天气很好我们一起去公园散步然后去图书馆读书"
    c = "完全不同的内容关于数学和物理的问题需要仔细思考"
    u, v, sim = near_duplicate_pairs([a, b, c], threshold=0.6)
    assert list(zip(u.tolist(), v.tolist(), strict=True)) == [(0, 1)]
    assert sim[0] == pytest.approx(jaccard(shingles(a, 5), shingles(b, 5)))


def _records(texts: list[str], **fields: list[object]) -> RecordSet:
    recs = [PrepRecord(i + 1, t, id=f"r{i + 1}") for i, t in enumerate(texts)]
    for name, values in fields.items():
        for rec, value in zip(recs, values, strict=True):
            rec.meta = {**(rec.meta or {}), name: value}
    return RecordSet("data.jsonl", "line", recs)


def test_clusters_combine_exact_and_near_and_apply_keep_policies() -> None:
    base = ("the committee will meet on tuesday to discuss the annual budget and the new hiring plan for next "
            "year and then it will review the reports from every department before the board votes on the "
            "final version of the plan in the spring")
    texts = [
        "an unrelated sentence about rivers mountains and the long history of trade in the region",
        base,
        base.upper() + "  ",  # exact duplicate after normalisation
        base.replace("tuesday", "wednesday afternoon"),  # near duplicate (Jaccard 0.85), and the longest
        "",  # never a duplicate
        "",
    ]
    recs = _records(texts, quality=[1, 2, 9, 5, None, None])
    report = find_duplicates(recs, DedupOptions(threshold=0.6))
    assert report.duplicates == 2 and report.near_clusters == 1 and report.exact_clusters == 0
    (cluster,) = report.clusters
    assert [m.index for m in cluster.members] == [1, 2, 3] and cluster.kept == 1
    sims = {m.index: m.similarity for m in cluster.members}
    assert sims[2] == 1.0 and 0.6 <= sims[3] < 1.0
    assert cluster.members[0].where == "data.jsonl:line 2"
    assert find_duplicates(recs, DedupOptions(threshold=0.6, keep="highest:quality")).clusters[0].kept == 2
    assert find_duplicates(recs, DedupOptions(threshold=0.6, keep="longest")).clusters[0].kept == 3
    exact_only = find_duplicates(recs, DedupOptions(near=False))
    assert exact_only.exact_clusters == 1 and exact_only.drop_indices() == [2]
    with pytest.raises(ValueError, match="keep must be"):
        DedupOptions(keep="random")


def test_big_buckets_stay_linear() -> None:
    """500 identical texts are one exact cluster, not 124,750 pairs."""
    report = find_duplicates(from_texts(["same text here for everyone"] * 500 + ["other words entirely here"]))
    assert len(report.clusters) == 1 and report.duplicates == 499


def test_token_hashes_are_the_same_on_the_batched_ascii_path_and_per_text() -> None:
    from assay.prep import tokens
    from assay.prep._hashing import TokenStream, stable_hash64

    texts = ["Hello, World_1!", "", "foo\tBAR baz", "nul\x00inside here"]
    batched = TokenStream(texts)  # all ASCII: one joined split, except the chunk with a NUL falls back
    mixed = TokenStream([*texts, "café 世界"])  # a non-ASCII text sends the chunk down the per-text path
    want = [stable_hash64(t) for text in texts for t in tokens(text)]
    assert batched.hashes.tolist() == want
    assert mixed.hashes.tolist()[: len(want)] == want
    assert batched.lengths.tolist() == [len(tokens(t)) for t in texts] == mixed.lengths.tolist()[:4]
    plain = TokenStream(texts[:3])
    assert plain.lengths.tolist() == [2, 0, 3] and plain.hashes.tolist() == want[:5]
