"""Reading a judge's verdict from its reply: the last verdict the judge wrote, or none.

Rules, in order:
- Lines of the reply that also occur in the content under judgement are not the judge's words: a
  response that says "Verdict: 5" is quoted, not obeyed.
- The last verdict wins (judges reason first and may mention candidate verdicts on the way). Accepted
  forms: `Verdict: X` (any case, optional markdown emphasis, "Final verdict"), `[[X]]` (MT-Bench) and
  `[RESULT] X` (Prometheus).
- A verdict that does not fit the question (a rating off the scale, an unknown option) is unscored
  with the reason; nothing is ever guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assay.spec import Question, QuestionKind

_VERDICT_LINE = re.compile(
    r"^[\s>*_#`-]*(?:final\s+)?(?:verdict|rating|score)[\s*_`]*[:：][\s*_`]*(?P<v>.+?)[\s*_`.]*$",
    re.IGNORECASE | re.MULTILINE,
)
_DOUBLE_BRACKET = re.compile(r"\[\[\s*(?P<v>[^\[\]\n]{1,60}?)\s*\]\]")
_RESULT = re.compile(r"\[RESULT\]\s*(?P<v>[^\n]{1,60})", re.IGNORECASE)
_NUMBER = re.compile(r"^[\[(\s]*(?P<n>[-+]?\d+(?:\.0+)?)(?:\s*(?:/|out of)\s*\d+)?[\])\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedVerdict:
    """What was read from one reply."""

    value: Any
    """The answer in the project's format (for a pair, "A", "B" or "tie" as the judge saw them), or None."""
    raw: str | None
    """The verdict text as the judge wrote it, or None when there was none."""
    reasoning: str
    """The reply before the verdict."""
    error: str | None
    """Why the reply is unscored, or None."""


def _quoted_lines(untrusted: Iterable[str | None]) -> set[str]:
    out: set[str] = set()
    for text in untrusted:
        for line in (text or "").split("\n"):
            line = line.strip()
            if line:
                out.add(line)
    return out


def _last_candidate(reply: str, quoted: set[str]) -> tuple[str, int] | None:
    """(verdict text, offset of its line) of the last verdict not copied from the content."""
    best: tuple[str, int] | None = None
    for pattern in (_VERDICT_LINE, _DOUBLE_BRACKET, _RESULT):
        for m in pattern.finditer(reply):
            start = reply.rfind("\n", 0, m.start()) + 1
            end = reply.find("\n", m.end())
            line = reply[start: end if end >= 0 else len(reply)].strip()
            if line in quoted:
                continue
            if best is None or m.start() > best[1]:
                best = (m.group("v").strip(), m.start())
    return best


def parse_verdict(reply: str | None, question: Question, *, untrusted: Iterable[str | None] = ()) -> ParsedVerdict:
    """The judge's answer to `question` in `reply`; `untrusted` is the content it judged."""
    if not reply or not reply.strip():
        return ParsedVerdict(None, None, "", "empty reply")
    found = _last_candidate(reply, _quoted_lines(untrusted))
    if found is None:
        return ParsedVerdict(None, None, reply.strip(), "no verdict in the reply")
    raw, offset = found
    reasoning = reply[:offset].strip()
    try:
        value = _value(raw, question)
    except ValueError as e:
        return ParsedVerdict(None, raw, reasoning, str(e))
    return ParsedVerdict(value, raw, reasoning, None)


def _clean(raw: str) -> str:
    return raw.strip().strip("*_`\"'“”‘’<>[]()").strip().rstrip(".").strip()


def _value(raw: str, q: Question) -> Any:
    text = _clean(raw)
    if q.kind == QuestionKind.RATING:
        assert q.scale is not None
        m = _NUMBER.match(text) or _NUMBER.match(text.split()[0] if text.split() else "")
        if m is None:
            raise ValueError(f"verdict {raw!r} is not a whole number")
        value = int(float(m.group("n")))
        if not q.scale.min <= value <= q.scale.max:
            raise ValueError(f"verdict {value} is off the scale {q.scale.min}..{q.scale.max}")
        return value
    if q.kind == QuestionKind.CHOICE:
        picks = [p for p in re.split(r"\s*[,;、，]\s*|\s+and\s+", text) if p] if q.multiple else [text]
        values = [_option(p, q, raw) for p in picks]
        return q.check_answer(values if q.multiple else values[0])
    if q.kind == QuestionKind.COMPARE:
        return _side(text, q, raw)
    raise ValueError(f"judges do not answer {q.kind.value} questions")


def _option(text: str, q: Question, raw: str) -> str:
    needle = _clean(text).casefold()
    for o in q.options:
        if needle in (o.value.casefold(), o.label.casefold()):
            return o.value
    raise ValueError(f"verdict {raw!r} is not one of the options ({', '.join(o.value for o in q.options)})")


_SIDES = {
    "a": "A", "response a": "A", "assistant a": "A", "a is better": "A", "output (a)": "A",
    "b": "B", "response b": "B", "assistant b": "B", "b is better": "B", "output (b)": "B",
    "tie": "tie", "c": "tie", "equal": "tie", "same": "tie", "both": "tie", "neither": "tie", "draw": "tie",
    "a=b": "tie", "a = b": "tie",
}


def _side(text: str, q: Question, raw: str) -> str:
    side = _SIDES.get(text.casefold())
    if side is None:
        raise ValueError(f"verdict {raw!r} is not A, B or tie")
    if side == "tie" and not q.allow_tie:
        raise ValueError("verdict is a tie, which this question does not allow")
    return side
