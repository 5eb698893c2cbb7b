"""The HTML allow-list and the one sanitizer every rendered fragment passes through.

The renderer emits a small, known vocabulary of tags. Anything outside it (whatever produced it: a
markdown-it bug, a latex2mathml surprise, a plugin emitting raw HTML) is dropped here by nh3 (ammonia).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

import nh3
from pygments.token import STANDARD_TYPES

#: Schemes a link may use. Everything else (javascript:, data:, vbscript:, file:, blob:…) is dropped.
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

_SAFE_URL = re.compile(r"(?:https?|mailto):", re.IGNORECASE)

HTML_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "ul", "ol", "li", "pre", "code", "em", "strong", "s", "a", "sup",
        "table", "thead", "tbody", "tr", "th", "td",
        "div", "span", "section",
    }
)  # fmt: skip

#: MathML Core presentation elements (plus semantics/annotation). No maction (scripted behaviour),
#: no mglyph (has src), no annotation-xml (may hold HTML: a classic mutation-XSS vector).
MATHML_TAGS: frozenset[str] = frozenset(
    {
        "math", "mi", "mn", "mo", "ms", "mtext", "mrow", "msup", "msub", "msubsup", "mfrac",
        "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle",
        "mspace", "mpadded", "mphantom", "menclose", "merror", "mmultiscripts", "mprescripts",
        "semantics", "annotation",
    }
)  # fmt: skip

ALLOWED_TAGS: frozenset[str] = HTML_TAGS | MATHML_TAGS

#: Tags removed together with their content (never shown even as text).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset({"script", "style"})

_MATH_ATTRS: frozenset[str] = frozenset(
    {
        # token and layout attributes that latex2mathml emits, and their MathML Core relatives
        "mathvariant", "mathsize", "mathcolor", "mathbackground", "dir", "displaystyle", "scriptlevel",
        "stretchy", "fence", "separator", "symmetric", "largeop", "movablelimits", "form",
        "lspace", "rspace", "minsize", "maxsize", "accent", "accentunder",
        "linethickness", "bevelled", "numalign", "denomalign",
        "width", "height", "depth", "voffset", "notation",
        "columnalign", "rowalign", "columnlines", "rowlines", "columnspacing", "rowspacing",
        "frame", "framespacing", "equalrows", "equalcolumns", "columnspan", "rowspan",
    }
)  # fmt: skip

#: Attributes allowed per tag, whatever their value. No ``style``, no ``on*``, no ``href`` on MathML.
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "id"}),
    "li": frozenset({"id"}),
    "ol": frozenset({"start"}),
    "div": frozenset({"data-lang"}),
    "code": frozenset({"title"}),
    "span": frozenset({"title"}),
    **{tag: _MATH_ATTRS for tag in MATHML_TAGS - {"math", "annotation"}},
}

#: Attributes allowed only with one of a fixed set of values.
_ALIGN = {f"text-align:{side}" for side in ("left", "right", "center")}
ATTRIBUTE_VALUES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "a": {"target": frozenset({"_blank"})},
    "th": {"style": frozenset(_ALIGN)},  # markdown-it's table alignment, exactly as it emits it
    "td": {"style": frozenset(_ALIGN)},
    "math": {"display": frozenset({"inline", "block"})},
    "annotation": {"encoding": frozenset({"application/x-tex"})},
}

#: CSS classes allowed per tag (``class`` is not in ALLOWED_ATTRIBUTES, so nothing else survives).
_PYGMENTS_CLASSES = {cls for cls in STANDARD_TYPES.values() if cls}
ALLOWED_CLASSES: Mapping[str, frozenset[str]] = {
    "div": frozenset({"highlight", "math-block"}),
    "span": frozenset({"link-blocked", "image-blocked", "bidi-ctl", "math-label", *_PYGMENTS_CLASSES}),
    "code": frozenset({"tex-error"}),
    # footnotes (mdit_py_plugins.footnote)
    "sup": frozenset({"footnote-ref"}),
    "hr": frozenset({"footnotes-sep"}),
    "section": frozenset({"footnotes"}),
    "ol": frozenset({"footnotes-list"}),
    "li": frozenset({"footnote-item"}),
    "a": frozenset({"footnote-backref"}),
}

LINK_REL = "noopener noreferrer nofollow"
#: Every surviving ``id`` starts with this (footnote ids already do), so content cannot clobber DOM names.
ID_PREFIX = "fn"


def is_safe_url(url: str) -> bool:
    """True for http(s)/mailto URLs and same-page ``#anchors``; the one link policy of the renderer."""
    url = url.strip()
    return url.startswith("#") or _SAFE_URL.match(url) is not None


def _relative_url(url: str) -> str | None:
    # Only same-page anchors: a relative path would point into the app itself (/api/... from a click).
    return url if url.startswith("#") else None


def _new_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={
            tag: {attr: set(values) for attr, values in by_attr.items()}
            for tag, by_attr in ATTRIBUTE_VALUES.items()
        },
        allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative=_relative_url,
        link_rel=LINK_REL,
        strip_comments=True,
        id_prefix=ID_PREFIX,
    )


_local = threading.local()


def sanitize(html: str) -> str:
    """Clean `html` against the allow-list above (one nh3 Cleaner per thread)."""
    cleaner: nh3.Cleaner | None = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _new_cleaner()
    return cleaner.clean(html)
