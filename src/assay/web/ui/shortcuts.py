"""Keyboard shortcuts of the task page: the actions, their default keys, and a user's remapping.

Keys are written as the browser's `KeyboardEvent.key` with optional `Ctrl+`, `Alt+` and `Shift+`
prefixes, e.g. `a`, `ArrowDown`, `Ctrl+Enter`. Number keys 1-9 always pick the n-th value or
option of the current question and are not remappable: they are what every annotation tool uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    default: str
    description: str
    """English; translated on the page."""


ACTIONS: tuple[Action, ...] = (
    Action("next_question", "j", "Next question"),
    Action("prev_question", "k", "Previous question"),
    Action("prefer_a", "a", "Compare: A is better"),
    Action("prefer_b", "b", "Compare: B is better"),
    Action("tie", "t", "Compare: tie"),
    Action("move_up", "u", "Rank: move the selected response up"),
    Action("move_down", "d", "Rank: move the selected response down"),
    Action("tie_above", "=", "Rank: tie the selected response with the one above"),
    Action("edit_text", "e", "Text: start writing (Escape leaves the box)"),
    Action("mark_span", "m", "Span: mark the selected text, or find text to mark"),
    Action("delete_span", "x", "Span: delete the last span of this response"),
    Action("submit", "Ctrl+Enter", "Submit"),
    Action("skip", "Alt+s", "Skip with a reason"),
    Action("guidelines", "g", "Show or hide the guidelines and casebook"),
    Action("help", "?", "Show or hide the shortcuts"),
)
DEFAULTS = {a.name: a.default for a in ACTIONS}
_KEY = re.compile(r"^((Ctrl|Alt|Shift)\+){0,3}([!-~]|Enter|Escape|Tab|Backspace|Delete|Home|End|PageUp|PageDown|"
                  r"Arrow(Up|Down|Left|Right)|F([1-9]|1[0-2]))$")
_RESERVED = {str(n) for n in range(1, 10)}


def parse_shortcuts(form: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The user's overrides (only keys that differ from the defaults) and any errors."""
    chosen: dict[str, str] = {}
    errors: list[str] = []
    for action in ACTIONS:
        key = form.get(action.name, "").strip() or action.default
        if not _KEY.match(key):
            errors.append(f"{action.description}: {key!r} is not a key name (examples: a, ArrowDown, Ctrl+Enter)")
        elif key in _RESERVED:
            errors.append(f"{action.description}: the number keys pick answers and cannot be remapped")
        chosen[action.name] = key
    seen: dict[str, str] = {}
    for name, key in chosen.items():
        if key in seen:
            errors.append(f"{key!r} is given to both {seen[key]!r} and {name!r}")
        seen[key] = name
    return {k: v for k, v in chosen.items() if v != DEFAULTS[k]}, errors


def effective(overrides: dict[str, str] | None) -> dict[str, str]:
    return {**DEFAULTS, **(overrides or {})}
