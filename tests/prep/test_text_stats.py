"""Tokens, CJK-aware word counts, the token estimate, and length statistics per group."""

from __future__ import annotations

import numpy as np

from assay.prep import PrepRecord, RecordSet, approx_tokens, length_stats, normalise, tokens, word_count


def test_tokens_split_cjk_into_characters() -> None:
    assert tokens("Hello, 世界! ＡＢＣ１２３") == ["hello", "世", "界", "abc123"]
    assert tokens("カタカナ and 한국어") == ["カ", "タ", "カ", "ナ", "and", "한국어"]
    assert word_count("求解 x + 1 = 2") == 5  # 求, 解, x, 1, 2; "+" and "=" are not words
    assert normalise("  A\u3000b\t\tC ") == "a b c"


def test_word_count_counts_each_cjk_character() -> None:
    assert word_count("今天天气很好") == 6
    assert word_count("The cat sat.") == 3
    assert word_count("") == 0


def test_approx_tokens() -> None:
    assert approx_tokens("") == 0
    assert approx_tokens("abcd") == 1 and approx_tokens("abcde") == 2
    assert approx_tokens("今天天气很好") == 6
    assert approx_tokens("hi 你好") == 1 + 2  # "hi " is 3 non-CJK characters → 1; plus 2 CJK


def test_length_stats_per_group_match_numpy() -> None:
    rng = np.random.default_rng(0)
    recs = []
    for i in range(200):
        dom = ["STEM", "Humanities"][i % 2]
        lang = "zh" if i % 5 == 0 else "en"
        text = ("字" * int(rng.integers(1, 50))) if lang == "zh" else " ".join(["word"] * int(rng.integers(1, 80)))
        recs.append(PrepRecord(i + 1, text, domain=dom, language=lang))
    records = RecordSet("x", "line", recs)
    report = length_stats(records, by=["domain", "language"])
    assert report.overall.records == 200
    assert sum(g.records for g in report.groups) == 200
    for g in report.groups:
        members = [r for r in recs if r.domain == g.group["domain"] and r.language == g.group["language"]]
        chars = np.array([len(r.prompt) for r in members])
        assert g.chars.percentiles["p50"] == round(float(np.percentile(chars, 50)), 2)
        assert g.chars.max == chars.max() and g.chars.total == chars.sum()
        words = np.array([word_count(r.prompt) for r in members])
        assert g.words.mean == round(float(words.mean()), 2)
    missing = length_stats(RecordSet("x", "line", [PrepRecord(1, "a b")]), by=["difficulty"])
    assert missing.groups[0].group == {"difficulty": "(none)"}
