"""Text handling every prep step shares: normalisation, CJK-aware tokens, word counts and a token estimate.

CJK (Han and kana) characters count as one token each: Chinese and Japanese have no spaces, so a
"word" there is a character for counting, shingling and n-gram matching alike.
"""

from __future__ import annotations

import re
import unicodedata

# Han (with extension A and compatibility ideographs) and Japanese kana. Hangul is left out on purpose:
# Korean separates words with spaces, so it tokenises like Latin text.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{CJK_CHARS}]")
# One CJK character, or a run of word characters that are not CJK.
_TOKEN = re.compile(f"[{CJK_CHARS}]|[^\\W{CJK_CHARS}]+")
_SPACE = re.compile(r"\s+")
# Unicode punctuation and symbols (categories P* and S*), for the optional punctuation-blind hash.
_PUNCT = re.compile(r"[^\w\s]")


def normalise(text: str, *, strip_punctuation: bool = False) -> str:
    """NFKC, case-folded, whitespace collapsed to single spaces and trimmed; punctuation removed on request.

    NFKC folds full-width forms (common in Chinese text: "ＡＢＣ１２３", "，") into their ASCII
    equivalents, so the same sentence typed on two keyboards normalises to the same string.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if strip_punctuation:
        text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Normalised tokens: words, and CJK characters one by one. Punctuation is not a token."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets of the tokens of `text` as `tokens` finds them, in the original string.

    Only exact when NFKC does not change the string's length; callers use it to show a span, so a
    shifted span in text full of compatibility characters is a cosmetic, not a correctness, issue.
    """
    return [m.span() for m in _TOKEN.finditer(text)]


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def is_cjk(text: str) -> bool:
    """Whether CJK characters make up at least half of the text's tokens (then n-grams are per character)."""
    toks = _TOKEN.findall(text)
    if not toks:
        return False
    return sum(1 for t in toks if len(t) == 1 and _CJK.match(t)) * 2 >= len(toks)


def word_count(text: str) -> int:
    """Words, counting each CJK character as one word."""
    return len(_TOKEN.findall(text))


# Average characters per token of OpenAI's cl100k/o200k vocabularies on English prose is about 4
# (their own rule of thumb); common Han characters are mostly one token each in o200k and one or two
# in cl100k. The estimate below is therefore: non-CJK characters / 4, plus one per CJK character.
CHARS_PER_TOKEN = 4.0


def approx_tokens(text: str) -> int:
    """Approximate BPE token count: ceil(non-CJK characters / 4) + CJK characters (see CHARS_PER_TOKEN)."""
    if not text:
        return 0
    cjk = cjk_count(text)
    rest = len(text) - cjk
    return cjk + -(-rest // int(CHARS_PER_TOKEN))
