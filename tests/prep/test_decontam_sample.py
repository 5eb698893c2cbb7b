"""Decontamination by n-gram overlap, and stratified sampling."""

from __future__ import annotations

from collections import Counter

import pytest

from assay.prep import DecontamOptions, PrepRecord, RecordSet, decontaminate, from_texts, stratified_sample

GSM = ("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
       "How many clips did Natalia sell altogether in April and May?")


def test_thirteen_gram_overlap_is_found_with_its_span() -> None:
    bench = from_texts([GSM, "What is the capital of France and when was the Eiffel tower built there?"],
                       origin="gsm8k.jsonl")
    leaked = "Practice problem: natalia SOLD clips to 48 of her friends in April, and then she sold half. Solve it."
    data = from_texts([leaked, "Natalia sold clips to friends.", "A completely different text " * 3])
    report = decontaminate(data, bench)
    assert report.contaminated == 1 and report.contaminated_indices() == [0]
    (m,) = report.matches
    assert m.bench_index == 0 and m.bench_where == "gsm8k.jsonl:record 1"
    # "natalia sold clips to 48 of her friends in april and then she sold half" is 15 tokens: 3 13-grams
    assert m.ngrams == 3
    assert m.span == "natalia SOLD clips to 48 of her friends in April, and then she sold half"
    assert leaked[m.span_start : m.span_end] == m.span
    assert 0 < m.score < 1 and 0 < m.bench_coverage < 1


def test_twelve_shared_words_are_not_enough() -> None:
    bench = from_texts([GSM])
    data = from_texts(["Natalia sold clips to 48 of her friends in April, and then"])  # 12 words
    assert decontaminate(data, bench).matches == []
    assert len(decontaminate(data, bench, DecontamOptions(word_ngram=8)).matches) == 1


def test_cjk_benchmarks_match_on_characters_and_short_items_whole() -> None:
    bench = from_texts(["小明有五个苹果，他给了小红两个，又买了三个，请问小明现在有几个苹果？",
                        "一加一等于几呢请回答",  # 10 characters: shorter than 13, matched whole
                        "太短了"])  # under min_tokens: ignored
    data = from_texts(["题目：小明有五个苹果，他给了小红两个，又买了三个。", "问：一加一等于几呢请回答。", "太短了吗"])
    report = decontaminate(data, bench)
    assert {(m.index, m.bench_index) for m in report.matches} == {(0, 0), (1, 1)}
    assert report.bench_too_short == 1
    assert next(m for m in report.matches if m.index == 1).span == "一加一等于几呢请回答"


def _records(n_per: dict[tuple[str, str], int]) -> RecordSet:
    recs = []
    for (dom, lang), n in n_per.items():
        for _ in range(n):
            recs.append(PrepRecord(len(recs) + 1, f"text {len(recs)}", domain=dom, language=lang))
    return RecordSet("f", "line", recs)


def test_proportional_allocation_by_largest_remainder() -> None:
    records = _records({("STEM", "en"): 50, ("STEM", "zh"): 30, ("Humanities", "en"): 20})
    result = stratified_sample(records, ["domain", "language"], size=10, seed=1)
    taken = {s.stratum: s.taken for s in result.strata}
    assert taken == {"Humanities/en": 2, "STEM/en": 5, "STEM/zh": 3}
    assert len(result.indices) == 10 and result.indices == sorted(result.indices)
    got = Counter(f"{records.records[i].domain}/{records.records[i].language}" for i in result.indices)
    assert dict(got) == taken
    # quotas 3.3 / 3.3 / 3.4 → floors 3,3,3 and the largest remainder (.4) takes the last one
    even = stratified_sample(_records({("a", "x"): 10, ("b", "x"): 10, ("c", "x"): 10}), ["domain"], size=10)
    assert sorted(s.taken for s in even.strata) == [3, 3, 4]


def test_capped_strata_give_their_share_to_the_others() -> None:
    records = _records({("STEM", "en"): 95, ("Rare", "en"): 2})
    result = stratified_sample(records, ["domain"], fraction=0.5, seed=0)
    # 97 × 0.5 rounds to 48; quotas 47.01 and 0.99: floors 47 and 0, the larger remainder takes the last
    assert {s.stratum: s.taken for s in result.strata} == {"Rare": 1, "STEM": 47}
    result = stratified_sample(records, ["domain"], targets={"Rare": 5, "STEM": 10}, seed=0)
    assert {s.stratum: (s.target, s.taken) for s in result.strata} == {"Rare": (5, 2), "STEM": (10, 10)}


def test_seed_makes_the_sample_reproducible() -> None:
    records = _records({("STEM", "en"): 200, ("Humanities", "zh"): 100})
    a = stratified_sample(records, ["domain"], size=30, seed=7).indices
    assert a == stratified_sample(records, ["domain"], size=30, seed=7).indices
    assert a != stratified_sample(records, ["domain"], size=30, seed=8).indices


def test_sampling_errors_are_clear() -> None:
    records = _records({("STEM", "en"): 5})
    with pytest.raises(ValueError, match="unknown strata"):
        stratified_sample(records, ["domain"], targets={"Maths": 1})
    with pytest.raises(ValueError, match="exactly one"):
        stratified_sample(records, ["domain"], size=1, fraction=0.5)
    with pytest.raises(ValueError, match="whole numbers"):
        stratified_sample(records, ["domain"], targets={"STEM": 1.5})  # type: ignore[dict-item]
