"""Style features of a response text, as Chatbot Arena's style control counts them (LMSYS,
"Does style matter? Disentangling style and substance in Chatbot Arena", 2024;
FastChat's ``add_markdown_info.py``).

Fenced code blocks (```…```) are removed first, so code does not count as markdown. Then:

- ``length``: characters (Chatbot Arena counts tokens; a tokenizer is model-specific and not a
  dependency here, and characters work for every language, Chinese included);
- ``headers``: lines starting with 1–6 ``#`` and a space;
- ``lists``: ordered (``1. ``) and unordered (``- ``, ``* ``, ``+ ``) list items, indented or not;
- ``bold``: ``**…**`` and ``__…__`` spans within a line.

Text is only counted, never rendered or executed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

STYLE_FEATURES: tuple[str, ...] = ("length", "headers", "lists", "bold")

_CODE = r"```[^`]*```"
_HEADER = r"(?m)^#{1,6}\s"
_ORDERED = r"(?m)^\s*\d+\.\s"
_UNORDERED = r"(?m)^\s*[-*+]\s"
_BOLD_STARS = r"\*\*[^*\n]+\*\*"
_BOLD_UNDERSCORES = r"__[^_\n]+__"


def style_features(texts: Sequence[str] | pd.Series) -> pd.DataFrame:
    """One row per text with the counts ``length``, ``headers``, ``lists``, ``bold`` (integers).
    A missing text (None/NaN) counts as empty."""
    series = pd.Series(texts, dtype=object).fillna("").astype(str)
    prose = series.str.replace(_CODE, "", regex=True)
    return pd.DataFrame({
        "length": series.str.len(),
        "headers": prose.str.count(_HEADER),
        "lists": prose.str.count(_ORDERED) + prose.str.count(_UNORDERED),
        "bold": prose.str.count(_BOLD_STARS) + prose.str.count(_BOLD_UNDERSCORES),
    }, index=series.index).astype("int64")
