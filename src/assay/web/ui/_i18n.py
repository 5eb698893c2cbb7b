"""UI strings in English and Simplified Chinese.

Templates and scripts write the English text (`{{ _("Submit") }}`); the catalogue for another
language maps that text to its translation. English is the key so that a template reads naturally
and a missing translation shows English rather than a key. A test checks that every string used in
the templates and scripts has a Chinese entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

LOCALES: dict[str, str] = {"en": "English", "zh": "简体中文"}
DEFAULT_LOCALE = "en"

Translate = Callable[..., str]


@cache
def catalogue(locale: str) -> dict[str, str]:
    if locale == DEFAULT_LOCALE or locale not in LOCALES:
        return {}
    text = files("assay.web.ui").joinpath("locales", f"{locale}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def normalize_locale(value: str | None) -> str:
    """`zh-CN`, `zh-Hans`, `zh` -> zh; anything unknown -> en."""
    if not value:
        return DEFAULT_LOCALE
    base = value.split("-")[0].split("_")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


def translator(locale: str) -> Translate:
    """`_(text, **values)`: the translation of `text`, with `{name}` fields filled from `values`."""
    table = catalogue(locale)

    def _(text: str, **values: Any) -> str:
        out = table.get(text, text)
        return out.format(**values) if values else out

    return _
