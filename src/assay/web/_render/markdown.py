"""Markdown to sanitized HTML: markdown-it-py with raw HTML off, our render rules, then nh3."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import escape
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from assay.web._render.code import clean_lang, highlight_code, mark_bidi_controls
from assay.web._render.mathml import bracket_math_plugin, tex_to_html
from assay.web._render.policy import is_safe_url, sanitize

#: Above this many characters the text is shown as plain text (markdown-it-py runs at roughly
#: 0.5-2 MB/s depending on structure; this keeps one render well under a second).
MAX_MARKDOWN_CHARS = 500_000

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _MarkdownIt(MarkdownIt):
    """markdown-it that parses every link destination, so links are judged in one place (_link_open).

    markdown-it's own validateLink, on rejecting ``[x](javascript:…)``, leaves the whole construct
    as literal source text; we would rather keep the link text and drop the link.
    """

    def validateLink(self, url: str) -> bool:
        return True


#: A markdown-it render rule: a plain function that add_render_rule binds to the renderer.
RenderRule = Callable[[RendererHTML, Sequence[Token], int, OptionsDict, EnvType], str]


def _math_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    return tex_to_html(token.content, False, token.markup or "$")


def _math_display_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    return tex_to_html(token.content, True, token.markup or "$$")


def _math_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    math = tex_to_html(token.content, True, token.markup or "$$")
    label = f'<span class="math-label">({escape(token.info)})</span>' if token.info else ""
    return f'<div class="math-block">{math}{label}</div>\n'


def _fence(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    lang = clean_lang(unescapeAll(token.info).strip())
    if lang.lower() == "math":  # ```math, as on GitHub and GitLab
        return f'<div class="math-block">{tex_to_html(token.content, True, "$$")}</div>\n'
    return highlight_code(token.content, lang)


def _code_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return highlight_code(tokens[idx].content)


def _code_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<code>{mark_bidi_controls(str(escape(tokens[idx].content)))}</code>"


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    stack: list[bool] = env.setdefault("_assay_links", [])
    if not is_safe_url(href):
        stack.append(False)
        title = "Link removed (only http, https and mailto links are kept)"
        title += f": {href[:200]}" if href else ""
        return f'<span class="link-blocked" title="{escape(title)}">'
    stack.append(True)
    if not href.startswith("#"):
        token.attrSet("target", "_blank")  # rel="noopener noreferrer nofollow" is added by nh3
    return self.renderToken(tokens, idx, options, env)


def _link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    stack: list[bool] = env.get("_assay_links") or [True]
    return "</a>" if stack.pop() else "</span>"


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # Never an <img>: loading it would let the content's author see who reads it, and when.
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children, options, env).strip()
    src = str(token.attrGet("src") or "").strip()
    out = f'<span class="image-blocked" title="Images are not loaded">[image: {escape(alt)}]'
    inside_link = bool(env.get("_assay_links"))
    if src and is_safe_url(src) and not src.startswith("#") and not inside_link:
        out += f' <a href="{escape(src)}" target="_blank">{escape(src)}</a>'
    return out + "</span>"


_RULES: dict[str, RenderRule] = {
    "math_inline": _math_inline,
    "math_inline_double": _math_display_inline,
    "math_block": _math_block,
    "math_block_label": _math_block,
    "fence": _fence,
    "code_block": _code_block,
    "code_inline": _code_inline,
    "link_open": _link_open,
    "link_close": _link_close,
    "image": _image,
}

_WARM_UP = """# h\n\n> q\n\n- a\n1. b\n\n| a | b |\n|:-|-:|\n| `c` | ~~d~~ |\n\n```py\nx\n```\n
$x$ $$y$$ \\(z\\)\n\n$$\nw\n$$\n\n\\[\nv\n\\]\n\n[l](https://e.org) ![i](https://e.org/i.png) x[^1]\n\n[^1]: f\n"""


def build_markdown() -> MarkdownIt:
    """A fully configured parser (one per thread: see _parser)."""
    md = _MarkdownIt(
        "commonmark",
        # breaks: a newline in model output is meant as one (as in chat UIs and GitHub comments).
        {"html": False, "linkify": False, "typographer": False, "breaks": True},
    )
    md.enable(["table", "strikethrough"])
    # Pandoc's rules for $: no space inside the delimiters, no digit after the closing one,
    # so "it costs $5 and $10" stays text.
    md.use(
        dollarmath_plugin, allow_space=False, allow_digits=False, allow_blank_lines=False, double_inline=True
    )
    md.use(bracket_math_plugin)
    md.use(footnote_plugin)
    for name, rule in _RULES.items():
        md.add_render_rule(name, rule)
    # markdown-it compiles its rule chains lazily on first use, filling a dict in place: not safe for
    # two threads at once, hence one instance per thread; warming up here also keeps that cost (and
    # Pygments' lexer setup) out of the first real render.
    md.render(_WARM_UP, {})
    return md


_local = threading.local()


def _parser() -> MarkdownIt:
    md: MarkdownIt | None = getattr(_local, "md", None)
    if md is None:
        md = _local.md = build_markdown()
    return md


def clean_text(text: str) -> str:
    """`text` with lone surrogates (which nh3 and UTF-8 cannot carry) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def markdown_to_html(text: str) -> str:
    """Rendered and sanitized HTML for `text`, uncached (render_markdown caches it)."""
    text = clean_text(text)
    # Footnote ids become fn-<hash>-1 / fnref-<hash>-1: distinct for two responses on one page.
    env: dict[str, Any] = {"docId": hashlib.blake2b(text.encode(), digest_size=4).hexdigest()}
    return sanitize(_parser().render(text, env))


#: Rendered results are kept for texts up to this long (128 of them: a few tens of MB at worst),
#: so re-opening a task or a side-by-side comparison does not render twice.
CACHE_MAX_CHARS = 32_000


@lru_cache(maxsize=128)
def _cached(text: str) -> str:
    return markdown_to_html(text)


def markdown_to_html_cached(text: str) -> str:
    return _cached(text) if len(text) <= CACHE_MAX_CHARS else markdown_to_html(text)
