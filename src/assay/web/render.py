"""Safe server-side rendering of untrusted content (prompts, model responses) for the web UI.

Model output is displayed, never executed. Markdown is parsed with raw HTML disabled, maths becomes
MathML and code is highlighted on the server (no JavaScript, no CDN), and every fragment is cleaned
by nh3 against an explicit allow-list before it reaches a template. See docs/design/rendering.md.

    render_markdown(text)            -> Markup   formatted view
    render_plain(text)               -> Markup   raw view (escaped, line breaks kept)
    render_transcript(messages, labels=None) -> Markup   OpenAI-style chat messages as turns
    render_metadata(meta)            -> Markup   item metadata as a key/value list (escaped)
    pygments_css()                   -> str      code-highlighting stylesheet, scoped to .highlight

The stylesheet for the rest is ``assay/web/static/render.css``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from markupsafe import Markup, escape

from assay.web._render.code import mark_bidi_controls, pygments_css
from assay.web._render.markdown import MAX_MARKDOWN_CHARS, clean_text, markdown_to_html_cached
from assay.web._render.policy import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    ATTRIBUTE_VALUES,
    URL_SCHEMES,
    is_safe_url,
    sanitize,
)
from assay.web._render.transcript import DEFAULT_LABELS, render_transcript_html, sanitize_role

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "ATTRIBUTE_VALUES",
    "DEFAULT_LABELS",
    "MAX_MARKDOWN_CHARS",
    "URL_SCHEMES",
    "is_safe_url",
    "pygments_css",
    "render_markdown",
    "render_metadata",
    "render_plain",
    "render_transcript",
    "sanitize",
    "sanitize_role",
]


def render_plain(text: str) -> Markup:
    """`text` escaped in ``<pre class="plain-text">``: every space and line break kept, bidi controls
    (U+202A–U+202E, U+2066–U+2069) shown as visible ``U+XXXX`` markers."""
    text = clean_text(text if isinstance(text, str) else str(text or ""))
    # The HTML parser drops one newline right after <pre>; add one back so a leading newline survives.
    lead = "\n" if text.startswith("\n") else ""
    return Markup(f'<pre class="plain-text">{lead}{mark_bidi_controls(str(escape(text)))}</pre>')


def render_markdown(text: str) -> Markup:
    """`text` (markdown with ``$``/``$$``/``\\(``/``\\[`` maths) as sanitized HTML in ``<div class="md">``.

    Never raises on content: TeX that does not convert is shown as source, unknown code languages as
    plain text, unsafe links and all images as text. Results are cached (LRU, 128 texts of up to
    32,000 characters). Text longer than MAX_MARKDOWN_CHARS is shown as plain text instead.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > MAX_MARKDOWN_CHARS:
        note = f"Too long to format ({len(text):,} characters): shown as plain text."
        return (
            Markup(f'<div class="md md-too-long"><p class="render-note">{escape(note)}</p>')
            + render_plain(text)
            + Markup("</div>")
        )
    return Markup(f'<div class="md" dir="auto">{markdown_to_html_cached(text)}</div>')


def render_metadata(meta: Mapping[str, Any]) -> Markup:
    """Item metadata as ``<dl class="meta">``: strings as they are, anything else as compact JSON,
    all escaped (metadata comes from imported files and is as untrusted as the responses)."""
    rows = []
    for key, value in meta.items():
        shown = value if isinstance(value, str) else orjson.dumps(value, default=str).decode()
        rows.append(f"<dt>{escape(clean_text(str(key)))}</dt><dd>{escape(clean_text(shown))}</dd>")
    return Markup('<dl class="meta">' + "".join(rows) + "</dl>")


def _markdown_str(text: str) -> str:
    return str(render_markdown(text))


def render_transcript(
    messages: Sequence[Mapping[str, Any]], labels: Mapping[str, str] | None = None
) -> Markup:
    """Chat `messages` (``{"role", "content", ...}``) as ``<div class="turn turn-{role}">`` blocks.

    `content` may be a string, a list of parts (``{"type": "text", "text": ...}``; images, audio and
    files become placeholders, nothing is loaded) or None. ``tool_calls`` / ``function_call`` are shown
    as JSON blocks, ``reasoning_content`` in a collapsed ``<details>``. Roles are reduced to
    ``[a-z_]``; `labels` overrides the role labels (see DEFAULT_LABELS for the keys).
    """
    return render_transcript_html(messages, _markdown_str, labels)
