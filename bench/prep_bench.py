"""Near-duplicate benchmark: Assay's vectorised MinHash LSH against datasketch, in one run.

Generates N short documents (30-60 words from a 50,000-word Zipf vocabulary) of which 5% are planted
near duplicates: a copy of an earlier document with one word replaced (shingle Jaccard ≥ 0.8 with
3-word shingles). Both sides get the same texts, the same shingles (3-word shingles, as tokenised by
`assay.prep.tokens`), num_perm=128 and threshold=0.7, hence the same LSH (bands, rows).

  assay        `assay.prep.near_duplicate_pairs`: tokenise, shingle, MinHash, LSH buckets, and verify
               every candidate pair with its exact shingle Jaccard. All pairs in the dataset.
  datasketch   `MinHash.bulk` (shared permutations) + `MinHashLSH` insertion session + a query per
               document: what it takes to list all candidate pairs with datasketch.

Recall is the share of planted pairs found: for datasketch, the planted original is among the
query results of its copy; for Assay, the pair is reported (after verification), and also before
verification (LSH candidates) for a like-for-like comparison. Each case runs in its own child process
(the data is generated in the child) and reports the peak RSS of that child above what its data took.

datasketch at 1,000,000 documents takes long; by default it runs on the first `--ds-docs` (100,000)
documents and its time is extrapolated linearly to N, which the output says. `--ds-docs N` runs it
on everything.

Each case runs `--repeat` times (2), alternating with the other, and its fastest run counts.

Usage: python bench/prep_bench.py [--docs 1000000] [--ds-docs 100000] [--repeat 2] [--json bench/results-prep.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

THRESHOLD = 0.7
NUM_PERM = 128
NGRAM = 3
PLANTED_SHARE = 0.05


def make_docs(n: int, seed: int = 7) -> tuple[list[str], np.ndarray]:
    """Texts and the planted pairs (original index, copy index), copies always after their original."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(rng.choice(letters, size=rng.integers(3, 9))) for _ in range(50_000)])
    ranks = np.arange(1, len(vocab) + 1)
    p = 1.0 / ranks**1.1
    p /= p.sum()
    lengths = rng.integers(30, 61, size=n)
    words = rng.choice(len(vocab), size=int(lengths.sum()), p=p)
    starts = np.r_[0, np.cumsum(lengths)]
    is_copy = rng.random(n) < PLANTED_SHARE
    is_copy[:100] = False
    texts: list[str] = []
    pairs = []
    for i in range(n):
        ids = words[starts[i] : starts[i + 1]]
        if is_copy[i]:
            j = int(rng.integers(0, i))
            while is_copy[j]:
                j = int(rng.integers(0, i))
            ids = words[starts[j] : starts[j + 1]].copy()
            ids[rng.integers(0, len(ids))] = rng.integers(0, len(vocab))
            pairs.append((j, i))
        texts.append(" ".join(vocab[ids]))
    return texts, np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_assay(n: int) -> dict[str, Any]:
    from assay.prep import near_duplicate_pairs

    texts, planted = make_docs(n)
    base = _rss_mb()
    t0 = time.perf_counter()
    u, v, _ = near_duplicate_pairs(texts, threshold=THRESHOLD, num_perm=NUM_PERM, word_ngram=NGRAM)
    seconds = time.perf_counter() - t0
    found = set(zip(u.tolist(), v.tolist(), strict=True))
    recall = float(np.mean([(int(a), int(b)) in found for a, b in planted])) if len(planted) else 1.0
    # the LSH candidates alone, for a like-for-like comparison with datasketch's query results
    cu, cv, _ = near_duplicate_pairs(texts, threshold=THRESHOLD, num_perm=NUM_PERM, word_ngram=NGRAM, verify=False)
    cand = set(zip(cu.tolist(), cv.tolist(), strict=True))
    cand_recall = float(np.mean([(int(a), int(b)) in cand for a, b in planted])) if len(planted) else 1.0
    return {"case": "assay", "docs": n, "seconds": seconds, "peak_mb": _peak_mb() - base, "recall": recall,
            "candidate_recall": cand_recall, "pairs": len(found), "candidate_pairs": len(cand),
            "planted": len(planted)}


def run_datasketch(n: int, subset: int) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    from assay.prep import tokens

    texts, planted = make_docs(n)
    texts = texts[:subset]
    planted = planted[planted[:, 1] < subset]
    base = _rss_mb()
    t0 = time.perf_counter()
    shingles = []
    for t in texts:
        toks = tokens(t)
        grams = [" ".join(toks[k : k + NGRAM]).encode() for k in range(max(1, len(toks) - NGRAM + 1))]
        shingles.append(grams)
    sigs = MinHash.bulk(shingles, num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m, check_duplication=False)
    found: set[tuple[int, int]] = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                found.add((min(i, j), max(i, j)))
    seconds = time.perf_counter() - t0
    recall = float(np.mean([(int(a), int(b)) in found for a, b in planted])) if len(planted) else 1.0
    return {"case": "datasketch", "docs": subset, "seconds": seconds, "peak_mb": _peak_mb() - base, "recall": recall,
            "candidate_pairs": len(found), "planted": len(planted), "bands_rows": list(lsh.b_r if hasattr(lsh, "b_r") else (lsh.b, lsh.r))}


def _child(case: str, n: int, subset: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", case, "--docs", str(n), "--ds-docs", str(subset)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--ds-docs", type=int, default=100_000)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=2, help="Runs of each case, alternating; the fastest counts.")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    subset = min(args.ds_docs, args.docs)
    if args.child == "assay":
        print(json.dumps(run_assay(args.docs)))
        return
    if args.child == "datasketch":
        print(json.dumps(run_datasketch(args.docs, subset)))
        return
    from assay.prep import lsh_params

    bands, rows = lsh_params(THRESHOLD, NUM_PERM)
    print(f"{args.docs:,} documents, {PLANTED_SHARE:.0%} planted near duplicates, threshold {THRESHOLD}, "
          f"num_perm {NUM_PERM} ({bands} bands x {rows} rows), {NGRAM}-word shingles")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # Alternate the cases and keep each one's fastest run: other work on a shared machine then
    # slows both sides alike instead of whichever happened to run during it.
    runs: dict[str, list[dict[str, Any]]] = {"assay": [], "datasketch": []}
    for _ in range(max(1, args.repeat)):
        for case in ("assay", "datasketch"):
            runs[case].append(_child(case, args.docs, subset))
            print(f"  {case}: {runs[case][-1]['seconds']:.1f} s (load average {os.getloadavg()[0]:.2f})", flush=True)
    assay = min(runs["assay"], key=lambda r: r["seconds"])
    ds = min(runs["datasketch"], key=lambda r: r["seconds"])
    ds_full = ds["seconds"] * args.docs / ds["docs"]
    extrapolated = ds["docs"] < args.docs
    rows_out = [
        ("assay", assay["docs"], assay["seconds"], assay["peak_mb"], assay["recall"], assay["candidate_recall"]),
        ("datasketch" + (" (subset)" if extrapolated else ""), ds["docs"], ds["seconds"], ds["peak_mb"], ds["recall"],
         ds["recall"]),
    ]
    print(f"{'case':<22}{'docs':>11}{'seconds':>10}{'peak MB':>10}{'recall':>9}{'LSH recall':>12}")
    for name, docs, sec, mb, rec, crec in rows_out:
        print(f"{name:<22}{docs:>11,}{sec:>10.1f}{mb:>10.0f}{rec:>9.4f}{crec:>12.4f}")
    if extrapolated:
        print(f"datasketch at {args.docs:,} extrapolated linearly from {ds['docs']:,}: {ds_full:.1f} s")
    ratio = ds_full / assay["seconds"]
    print(f"speed-up: {ratio:.1f}x (target: 5x at equal recall)")
    print(f"assay pairs reported: {assay['pairs']:,} (candidates {assay['candidate_pairs']:,}); "
          f"planted: {assay['planted']:,}")
    if args.json:
        args.json.write_text(json.dumps({"assay": assay, "datasketch": ds, "runs": runs, "datasketch_seconds_at_docs": ds_full,
                                         "extrapolated": extrapolated, "ratio": ratio,
                                         "loadavg": os.getloadavg()}, indent=2))


if __name__ == "__main__":
    main()
