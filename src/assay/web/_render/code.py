"""Code blocks highlighted on the server with Pygments."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from markupsafe import escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.util import ClassNotFound

#: Longer blocks are shown escaped but not highlighted (Pygments runs at roughly 0.5–1 MB/s).
MAX_HIGHLIGHT_CHARS = 200_000
PYGMENTS_STYLE = "default"

_LANG = re.compile(r"[\w+#.-]{1,32}")
# Embedding, override and isolate controls: the "Trojan Source" characters. LRM/RLM stay as they are.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

_local = threading.local()


def mark_bidi_controls(escaped: str) -> str:
    """Replace bidi control characters in already-escaped text by a visible ``U+XXXX`` marker."""
    return _BIDI_CONTROLS.sub(
        lambda m: f'<span class="bidi-ctl" title="bidirectional control">U+{ord(m.group()):04X}</span>',
        escaped,
    )


def clean_lang(info: str) -> str:
    """The language word of a fence info string, or "" when it is not a plausible language name."""
    word = info.split(maxsplit=1)[0] if info.strip() else ""
    return word if _LANG.fullmatch(word) else ""


@lru_cache(maxsize=1)
def _builtin_aliases() -> frozenset[str]:
    return frozenset(alias for _, aliases, _, _ in get_all_lexers(plugins=False) for alias in aliases)


@lru_cache(maxsize=256)
def _lexer(lang: str) -> Lexer | None:
    # By name only: guess_lexer() is slow on long text and guesses wrong on short text. Built-in
    # lexers only: an unknown name would otherwise make Pygments scan every installed package's
    # entry points (~0.4 s).
    if lang not in _builtin_aliases():
        return None
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


def _formatter() -> HtmlFormatter[str]:
    formatter: HtmlFormatter[str] | None = getattr(_local, "formatter", None)
    if formatter is None:
        formatter = _local.formatter = HtmlFormatter(nowrap=True, style=PYGMENTS_STYLE)
    return formatter


def highlight_code(code: str, lang: str = "") -> str:
    """``<div class="highlight"><pre><code>…`` for `code`; plain escaped text for unknown languages."""
    lang = clean_lang(lang)
    lexer = _lexer(lang.lower()) if lang else None
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS:
        body = str(escape(code))
    else:
        body = highlight(code, lexer, _formatter())
    attr = f' data-lang="{escape(lang)}"' if lang else ""
    return f'<div class="highlight"{attr}><pre><code>{mark_bidi_controls(body)}</code></pre></div>\n'


@lru_cache(maxsize=1)
def pygments_css() -> str:
    """The Pygments stylesheet (light theme) with every rule scoped to ``.highlight``."""
    css = HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs(".highlight")
    # Pygments also emits a few unscoped rules (``pre { line-height }``, line-number cells); keep them
    # from styling the rest of the page.
    lines = [line for line in css.splitlines() if line.startswith(".highlight")]
    return "\n".join(lines) + "\n"
