"""Shared vocabulary and helpers for the demo seed modules (internal to `assay.demo`).

Seed modules build records *without* ids; `assay.demo.content` numbers them per kind, so adding an
item at the end of a seed list never renumbers the items before it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal

Lang = Literal["en", "zh"]
Difficulty = Literal["easy", "medium", "hard"]
Record = dict[str, Any]
Message = dict[str, str]

SOURCE = "assay-demo"
SEED = 20261121
"""The one seed every generator derives its `random.Random` from (plus a per-kind offset)."""

ATLAS = "atlas-7b"
BOREALIS = "borealis-70b"
CIRRUS = "cirrus-mini"
MODELS: tuple[str, ...] = (ATLAS, BOREALIS, CIRRUS)

SUBDOMAINS: dict[str, tuple[str, ...]] = {
    "Reasoning": ("Logic", "Puzzles", "Planning"),
    "General Knowledge": ("Geography", "Culture", "Everyday Life"),
    "STEM": ("Mathematics", "Physics", "Chemistry", "Biology", "Computer Science", "Engineering"),
    "Humanities": ("History", "Philosophy", "Literature", "Law"),
}
DOMAIN_OF: dict[str, str] = {sub: dom for dom, subs in SUBDOMAINS.items() for sub in subs}

# Response quality labels planted in stem-rubric records (metadata["response_quality"]).
CORRECT = "correct"
SLOPPY = "sloppy_reasoning"
WRONG = "wrong_final_answer"
HALLUCINATED = "hallucinated_theorem"
QUALITIES: tuple[str, ...] = (CORRECT, SLOPPY, WRONG, HALLUCINATED)


def item(
    *,
    subdomain: str,
    language: Lang,
    difficulty: Difficulty,
    prompt: str | None = None,
    messages: Sequence[Message] | None = None,
    system: str | None = None,
    reference: str | None = None,
    responses: Sequence[tuple[str, str]] = (),
    **metadata: Any,
) -> Record:
    """One demo record (without its id), keys in the canonical order and unused keys left out.

    `responses` are `(model, content)` pairs; `metadata` extras are merged after `source` and `difficulty`.
    """
    if (prompt is None) == (messages is None):
        raise ValueError("exactly one of prompt and messages must be given")
    if messages is not None:
        if system is not None:
            raise ValueError("a chat prompt carries its system prompt as the first message")
        if not messages or messages[-1]["role"] != "user":
            raise ValueError("a chat prompt must end with a user turn")
    rec: Record = {}
    if prompt is not None:
        rec["prompt"] = prompt
    else:
        rec["messages"] = [dict(m) for m in messages or ()]
    if system is not None:
        rec["system"] = system
    if reference is not None:
        rec["reference"] = reference
    rec["domain"] = DOMAIN_OF[subdomain]
    rec["subdomain"] = subdomain
    rec["language"] = language
    rec["responses"] = [{"model": model, "content": content} for model, content in responses]
    rec["metadata"] = {"source": SOURCE, "difficulty": difficulty, **metadata}
    return rec


def chat(system: str | None, *turns: str) -> list[Message]:
    """A chat prompt: optional system message, then turns alternating user/assistant, ending with user."""
    if len(turns) % 2 != 1:
        raise ValueError("a chat prompt needs an odd number of turns (it ends with the user)")
    out: list[Message] = [{"role": "system", "content": system}] if system is not None else []
    for i, text in enumerate(turns):
        out.append({"role": "user" if i % 2 == 0 else "assistant", "content": text})
    return out


def pick(lang: Lang, en: str, zh: str) -> str:
    return en if lang == "en" else zh


def block(text: str) -> str:
    """Dedent an indented triple-quoted literal and trim the blank first/last lines."""
    return textwrap.dedent(text).strip()


# --- numbers in LaTeX -------------------------------------------------------------------------------------


def tex_num(x: Fraction | int) -> str:
    """`5`, `-3`, `\\frac{7}{3}`, `-\\frac{1}{2}` (no surrounding dollars)."""
    f = Fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    sign = "-" if f < 0 else ""
    return f"{sign}\\frac{{{abs(f.numerator)}}}{{{f.denominator}}}"


def ref_num(x: Fraction | int) -> str:
    """A reference answer: plain `42` for integers, `$\\frac{1}{3}$` for fractions."""
    f = Fraction(x)
    return str(f.numerator) if f.denominator == 1 else f"${tex_num(f)}$"


def dec(x: Fraction | float, places: int = 2) -> str:
    """A rounded decimal without trailing zeros: `20.41`, `1.5`, `3`."""
    text = f"{float(x):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def frac(num: object, den: object) -> str:
    """`\\frac{num}{den}` from already formatted parts (keeps f-strings free of doubled braces)."""
    return "\\frac{" + str(num) + "}{" + str(den) + "}"


def term(coef: Fraction | int, power: int, var: str = "x", *, first: bool) -> str:
    """One signed polynomial term: `3x^2`, ` - x`, ` + 7`, `\\frac{1}{3}x^3`; empty for a zero coefficient."""
    if coef == 0:
        return ""
    mag = abs(Fraction(coef))
    if power == 0:
        body = tex_num(mag)
    else:
        body = ("" if mag == 1 else tex_num(mag)) + var + (f"^{power}" if power > 1 else "")
    if first:
        return ("-" if coef < 0 else "") + body
    return (" - " if coef < 0 else " + ") + body


def poly(coefs: Sequence[Fraction | int], var: str = "x") -> str:
    """`poly([1, -3, 2])` -> `x^2 - 3x + 2` (coefficients from the highest power down)."""
    out = ""
    degree = len(coefs) - 1
    for i, c in enumerate(coefs):
        out += term(c, degree - i, var, first=not out)
    return out or "0"


def plus(x: Fraction | int) -> str:
    """A signed addend: ` + 3`, ` - 3`, ` + \\frac{1}{2}`."""
    f = Fraction(x)
    return (" - " if f < 0 else " + ") + tex_num(abs(f))


def paren(x: Fraction | int) -> str:
    """A number safe to multiply: `3`, `(-3)`."""
    f = Fraction(x)
    return f"({tex_num(f)})" if f < 0 else tex_num(f)
