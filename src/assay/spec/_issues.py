"""Carrying several located issues out of a pydantic validator.

A validator can only raise one error at its own location. Cross-field checks find many problems at
many sub-paths, so they raise one custom error whose context carries `(relative path, message)` pairs;
the loader expands them into `SpecIssue`s with full YAML paths and lines.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import NoReturn

from pydantic_core import PydanticCustomError

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]

ISSUES_ERROR_TYPE = "assay_spec"


def raise_issues(issues: Sequence[Issue]) -> None:
    """Raise all `issues` as one validation error (no-op when empty)."""
    if not issues:
        return
    summary = "; ".join(f"{format_loc(loc)}: {msg}" if loc else msg for loc, msg in issues)
    raise PydanticCustomError(ISSUES_ERROR_TYPE, "{summary}", {"summary": summary, "issues": list(issues)})


def fail(loc: Loc, message: str) -> NoReturn:
    """Raise a single located issue."""
    summary = f"{format_loc(loc)}: {message}" if loc else message
    raise PydanticCustomError(ISSUES_ERROR_TYPE, "{summary}", {"summary": summary, "issues": [(loc, message)]})


def format_loc(loc: Iterable[str | int]) -> str:
    """`("questions", 2, "scale", "max")` -> `questions[2].scale.max`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when `word` is close to one of `choices`, else ''."""
    pool = list(choices)
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f" (did you mean '{close[0]}'?)" if close else ""
