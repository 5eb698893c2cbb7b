"""Planted test data for the prep tests."""

from __future__ import annotations

import numpy as np


def planted_corpus(n: int = 600, copies: int = 60, seed: int = 3) -> tuple[list[str], set[tuple[int, int]]]:
    """`n` unrelated 30-50-word texts from a 5,000-word vocabulary, then `copies` near duplicates of
    earlier texts with one word replaced (3-word-shingle Jaccard ≥ 0.8). Returns texts and the
    planted (original, copy) pairs."""
    rng = np.random.default_rng(seed)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    vocab = ["".join(rng.choice(letters, size=int(rng.integers(4, 9)))) for _ in range(5000)]
    texts = [" ".join(vocab[int(k)] for k in rng.integers(0, len(vocab), size=int(rng.integers(30, 51))))
             for _ in range(n)]
    planted = set()
    for _ in range(copies):
        j = int(rng.integers(0, n))
        words = texts[j].split()
        words[int(rng.integers(1, len(words) - 1))] = vocab[int(rng.integers(0, len(vocab)))]
        planted.add((j, len(texts)))
        texts.append(" ".join(words))
    return texts, planted


def shingles(text: str, n: int = 3) -> set[str]:
    from assay.prep import tokens

    toks = tokens(text)
    return {" ".join(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0
