"""LaTeX to MathML on the server, and ``\\(…\\)`` / ``\\[…\\]`` delimiters for markdown-it.

``$…$`` and ``$$…$$`` come from ``mdit_py_plugins.dollarmath``. Its sibling ``texmath`` has a
"brackets" mode, but it registers render rules under the same token names and re-slices the source
for every candidate opener (quadratic on text full of unmatched ``\\(``), so the two bracket rules
are written here: linear, with a per-paragraph "no closer after here" memo.
"""

from __future__ import annotations

import re
from functools import lru_cache
from xml.etree.ElementTree import Element, SubElement, tostring

from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markupsafe import escape

#: Longer TeX is shown as source (latex2mathml is pure Python; ~0.3 ms for a short formula).
MAX_TEX_CHARS = 5_000

# latex2mathml stores symbols as character references ("&#x0003C;") in element text; after our own
# serialization (which escapes "&") they come back as "&amp;#x0003C;". A character reference can only
# ever decode to text, so restoring it is safe.
_ESCAPED_CHARREF = re.compile(r"&amp;(#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7});)")


_LENGTH = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*(em|ex|px|pt|pc|mm|cm|in|mu|%|width|height|depth)?")
_NAMED_SPACE = re.compile(r"(negative)?(very){0,2}(thin|medium|thick)mathspace")
_EM_PER_UNIT = {"em": 1.0, "ex": 0.5, "px": 1 / 16, "pt": 1 / 12, "pc": 1.0, "mm": 0.236, "cm": 2.36,
                "in": 6.0, "mu": 1 / 18, "": 1.0, "width": 1.0, "height": 1.0, "depth": 1.0}  # fmt: skip
_LENGTH_ATTRS = frozenset({"width", "height", "depth", "voffset", "lspace", "rspace", "minsize", "maxsize"})
_MAX_EM = {"mathsize": 3.0}  # \Huge is 2.49em
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}")


# Environments latex2mathml does not know, mapped to ones it does (aligned is everywhere in LLM output).
_ENVIRONMENT = re.compile(
    r"\\(begin|end)\{(aligned|alignedat|alignat\*?|gathered|gather\*?|multline\*?|equation\*?|eqnarray\*?)\}"
    r"(\{\d+\})?"
)


def _environment(match: re.Match[str]) -> str:
    begin, name = match.group(1) == "begin", match.group(2).rstrip("*")
    after = "" if begin else match.group(3) or ""  # only \begin{alignat}{n} takes an argument
    if name in ("aligned", "alignedat", "alignat"):
        return ("\\begin{align*}" if begin else "\\end{align*}") + after
    if name in ("gathered", "gather", "multline"):
        return ("\\begin{array}{c}" if begin else "\\end{array}") + after
    if name == "eqnarray":
        return ("\\begin{array}{rcl}" if begin else "\\end{array}") + after
    return after  # equation: just the maths


def _tidy(math: Element) -> None:
    """Keep TeX from using MathML to lay text over the page: clamp lengths (\\hspace{9999em},
    voffset) to ±20em and sizes to 3em; drop colours that are not a name or a hex value."""
    for element in math.iter():
        for name, value in list(element.attrib.items()):
            if name in _LENGTH_ATTRS or name == "mathsize":
                match = _LENGTH.fullmatch(value.strip())
                if match is None:
                    if not (_NAMED_SPACE.fullmatch(value) or value in ("small", "normal", "big")):
                        del element.attrib[name]
                    continue
                number, unit = float(match.group(1)), match.group(2) or ""
                if unit == "%":
                    number, unit = number / 100, "em"
                limit = _MAX_EM.get(name, 20.0)
                if abs(number * _EM_PER_UNIT[unit]) > limit:
                    element.attrib[name] = f"{limit if number > 0 else -limit:g}em"
            elif name in ("mathcolor", "mathbackground") and not _COLOR.fullmatch(value.strip()):
                del element.attrib[name]


@lru_cache(maxsize=4096)
def tex_to_html(tex: str, display: bool, delimiter: str = "$") -> str:
    """MathML for `tex`, or the escaped source in ``<code class="tex-error">`` when it does not convert.

    latex2mathml's own ``convert()`` un-escapes its output, so ``\\text{<b>}`` would come out as a
    real tag; we serialize its element tree ourselves to keep text as text.
    """
    tex = tex.strip()
    try:
        if not tex or len(tex) > MAX_TEX_CHARS:
            raise ValueError("empty or too long")
        source = _ENVIRONMENT.sub(_environment, tex) if "\\begin" in tex else tex
        math = convert_to_element(source, display="block" if display else "inline")
        math.attrib.pop("xmlns", None)
        _tidy(math)
        children = list(math)
        for child in children:
            math.remove(child)
        semantics = SubElement(math, "semantics")
        if len(children) == 1:
            semantics.append(children[0])
        else:
            SubElement(semantics, "mrow").extend(children)
        SubElement(semantics, "annotation", encoding="application/x-tex").text = tex
        html = tostring(math, encoding="unicode", short_empty_elements=False)
        return _ESCAPED_CHARREF.sub(r"&\1", html)
    except Exception:  # latex2mathml raises many kinds (and RecursionError on deep nesting)
        closing = {"\\(": "\\)", "\\[": "\\]"}.get(delimiter, delimiter)
        source = escape(f"{delimiter}{tex}{closing}")
        return f'<code class="tex-error" title="This TeX could not be converted">{source}</code>'


_CITATION = re.compile(r"[\d\s,;:-]*")


def _escaped(src: str, pos: int) -> bool:
    """True when the character at `pos` is preceded by an odd number of backslashes."""
    count = 0
    while pos > 0 and src[pos - 1] == "\\":
        count += 1
        pos -= 1
    return count % 2 == 1


def _find_closer(src: str, start: int, stop: int, closer: str) -> int:
    """Index of the first unescaped `closer` (a backslash sequence) in src[start:stop], or -1."""
    while True:
        i = src.find(closer, start, stop)
        if i < 0 or not _escaped(src, i):
            return i
        start = i + 1


def _bracket_inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= state.posMax or src[pos + 1] not in "([":
        return False
    opener = src[pos + 1]
    closer = "\\)" if opener == "(" else "\\]"
    # A failed search from `start` fails from any later start too: remember it per paragraph.
    memo: dict[tuple[str, int, str], int] = state.env.setdefault("_assay_tex_noclose", {})
    key = (closer, state.posMax, src)
    if pos + 2 >= memo.get(key, state.posMax + 1):
        return False
    end = _find_closer(src, pos + 2, state.posMax, closer)
    if end < 0:
        memo[key] = pos + 2
        return False
    content = src[pos + 2 : end]
    if not content.strip():
        return False
    if opener == "[" and (_CITATION.fullmatch(content) or (pos > 0 and src[pos - 1].isalnum())):
        return False  # markdown-escaped brackets ("see \\[1\\]", "a\\[0\\]"), not display maths
    if not silent:
        token = state.push("math_inline" if opener == "(" else "math_inline_double", "math", 0)
        token.content = content
        token.markup = "\\" + opener
    state.pos = end + 2
    return True


def _bracket_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if state.sCount[startLine] - state.blkIndent >= 4:
        return False  # indented code
    begin = state.bMarks[startLine] + state.tShift[startLine]
    src = state.src
    if not src.startswith("\\[", begin):
        return False
    first_end = state.eMarks[startLine]
    first = src[begin + 2 : first_end].rstrip()
    if first.endswith("\\]") and not _escaped(first, len(first) - 2):
        if _find_closer(first, 0, len(first) - 2, "\\]") >= 0:
            return False  # "\[a\] text \[b\]": leave it to the inline rule
        content, last = first[:-2], startLine
    elif _find_closer(first, 0, len(first), "\\]") >= 0:
        return False  # closes mid-line with text after it: inline display math
    else:
        # A scan from line P that met a stop at line S without a closer fails for any opener in
        # [P, S) as well: remember the last one, or text full of "\[" lines scans quadratically.
        memo: dict[tuple[int, int], tuple[int, int]] = state.env.setdefault("_assay_tex_block_fail", {})
        key = (endLine, state.blkIndent)
        failed_from, failed_at = memo.get(key, (-1, -1))
        if failed_from <= startLine < failed_at:
            return False
        last = startLine + 1
        while True:
            if last >= endLine or state.isEmpty(last) or state.sCount[last] < state.blkIndent:
                memo[key] = (startLine, last)
                return False  # TeX display math has no blank lines; no closer, no block
            line = src[state.bMarks[last] + state.tShift[last] : state.eMarks[last]].rstrip()
            if line.endswith("\\]") and not _escaped(line, len(line) - 2):
                break
            last += 1
        # Line by line, so the markers of an enclosing blockquote or list are not taken as TeX.
        middle = state.getLines(startLine + 1, last, state.sCount[startLine], True)
        content = f"{first}\n{middle}{line[:-2]}"
    if not content.strip():
        return False
    if silent:
        return True
    state.line = last + 1
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = "\\["
    token.map = [startLine, state.line]
    return True


def bracket_math_plugin(md: MarkdownIt) -> None:
    """Parse ``\\(…\\)`` (inline) and ``\\[…\\]`` (display) into dollarmath's token types."""
    md.inline.ruler.before("escape", "math_inline_brackets", _bracket_inline)
    md.block.ruler.before(
        "fence",
        "math_block_brackets",
        _bracket_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
