"""The Simplified Chinese catalogue covers every string the UI can show, and only those.

The strings are found, not listed: every literal passed to `_()` in the templates and in the UI
modules, the strings the task page's script asks for (`JS_STRINGS`), the shortcut descriptions, and
the values templates translate through a variable (roles, statuses, verdicts, review reasons, login
errors), which are listed in `DYNAMIC` below.
"""

from __future__ import annotations

import ast
import json
import re
import string
import typing
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Environment, nodes

import assay.web
import assay.work.sessions
from assay.store import JudgementStatus, ReviewVerdict, Role
from assay.web.api.review import QueueEntryOut
from assay.web.ui.shortcuts import ACTIONS
from assay.web.ui.task_view import JS_STRINGS

WEB = Path(assay.web.__file__).parent
TEMPLATES = WEB / "templates"
UI = WEB / "ui"
TASK_JS = WEB / "static" / "task.js"
CATALOGUE = UI / "locales" / "zh.json"
SESSIONS = Path(assay.work.sessions.__file__)

# Values that reach `_()` through a variable: `_(who.role.value)`, `_(j.status)`, `_(e.verdict)`,
# `_(e.reason)` (assay.work.review.review_queue), `_(error)` on the login page (LoginFailed).
# Why a judgement is in the review queue, as the API declares it (the page shows them translated).
REVIEW_REASONS: tuple[str, ...] = typing.get_args(QueueEntryOut.model_fields["reason"].annotation)
LOGIN_ERRORS = ("wrong username or password", "too many failed attempts; try again later")
DYNAMIC: tuple[str, ...] = (
    *(r.value for r in Role),
    *(s.value for s in JudgementStatus),
    *(v.value for v in ReviewVerdict),
    *REVIEW_REASONS,
    *LOGIN_ERRORS,
    # The spec's default labels, translated when a project keeps them (its own wording passes through).
    "Response", "A is better", "B is better", "Tie",
)

# The glossary: terms whose translation other pages, docs and training material rely on.
KEY_TERMS = {
    "Projects": "项目", "Review": "审核", "Adjudicate": "裁决", "Submit": "提交", "Skip": "跳过",
    "draft": "草稿", "Guidelines": "指南", "Casebook": "案例库", "Keyboard shortcuts": "快捷键",
    "Gold items": "黄金题", "admin": "管理员", "manager": "项目经理", "reviewer": "审核员", "annotator": "标注员",
}

# `_("...")` or `_('...')`, not `foo_(` or `x._(`; backslash escapes inside the literal allowed.
_TEMPLATE_CALL = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""", re.S)
_JS_CALL = re.compile(r"""(?<![\w.$])S\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""", re.S)


def _unescape(literal: str) -> str:
    """A quoted literal's value, decoded the way Jinja's lexer decodes it."""
    if "\\" not in literal:
        return literal
    return literal.encode("ascii", "backslashreplace").decode("unicode-escape")


def _literals(pattern: re.Pattern[str], text: str) -> set[str]:
    return {_unescape(m.group(1) if m.group(1) is not None else m.group(2)) for m in pattern.finditer(text)}


def _templates() -> list[Path]:
    found = sorted(TEMPLATES.rglob("*.html"))
    assert found, f"no templates under {TEMPLATES}"
    return found


def template_strings() -> dict[str, set[str]]:
    """Literal first arguments of `_()` in the templates, by file name."""
    return {p.name: _literals(_TEMPLATE_CALL, p.read_text(encoding="utf-8")) for p in _templates()}


def template_strings_by_jinja() -> dict[str, set[str]]:
    """The same, found by Jinja's parser (a cross-check of the regular expression)."""
    env = Environment()
    out: dict[str, set[str]] = {}
    for p in _templates():
        tree = env.parse(p.read_text(encoding="utf-8"))
        out[p.name] = {
            call.args[0].value for call in tree.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args
            and isinstance(call.args[0], nodes.Const) and isinstance(call.args[0].value, str)
        }
    return out


def _string_calls(tree: ast.AST, function: str) -> set[str]:
    return {
        node.args[0].value for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function
        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    }


def python_strings() -> dict[str, set[str]]:
    """Literal first arguments of `_()` in the UI modules, by file name."""
    out: dict[str, set[str]] = {}
    for p in sorted(UI.rglob("*.py")):
        out[str(p.relative_to(UI))] = _string_calls(ast.parse(p.read_text(encoding="utf-8"), str(p)), "_")
    return out


def used_strings() -> dict[str, set[str]]:
    """Every string that may be looked up in the catalogue, with where it comes from."""
    where: dict[str, set[str]] = {}

    def add(source: str, strings: Iterable[str]) -> None:
        for s in strings:
            where.setdefault(s, set()).add(source)

    for name, strings in template_strings().items():
        add(f"templates/{name}", strings)
    for name, strings in python_strings().items():
        add(f"ui/{name}", strings)
    add("JS_STRINGS", JS_STRINGS)
    add("shortcuts.ACTIONS", (a.description for a in ACTIONS))
    add("DYNAMIC", DYNAMIC)
    return where


def load_catalogue() -> dict[str, str]:
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = Counter(k for k, _ in pairs)
        repeated = sorted(k for k, n in keys.items() if n > 1)
        assert not repeated, f"zh.json repeats keys: {repeated}"
        return dict(pairs)

    data: dict[str, str] = json.loads(CATALOGUE.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)
    assert isinstance(data, dict), "zh.json must be one JSON object"
    return data


def placeholders(text: str) -> list[str]:
    """The `{name}` fields of a format string, sorted (a name used twice counts twice)."""
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_catalogue_is_a_json_object_of_strings() -> None:
    data = load_catalogue()
    bad = {k: v for k, v in data.items() if not isinstance(k, str) or not isinstance(v, str)}
    assert not bad, f"entries that are not str -> str: {bad}"
    assert data, "the catalogue is empty"


def test_extraction_finds_strings() -> None:
    used = used_strings()
    # Anchors: one string from each source, so a broken extractor cannot pass by finding nothing.
    for s in ("Projects", "Log in", "Prompt", "Not a member", "Saved", "Submit", "annotator", "sample"):
        assert s in used, s


def test_template_regex_agrees_with_jinja_parser() -> None:
    by_regex, by_jinja = template_strings(), template_strings_by_jinja()
    missed = {name: sorted(by_jinja[name] - by_regex[name]) for name in by_jinja if by_jinja[name] - by_regex[name]}
    assert not missed, f"`_()` literals the regular expression did not find: {missed}"


def test_every_string_has_a_chinese_translation() -> None:
    zh = load_catalogue()
    missing = {s: sorted(where) for s, where in sorted(used_strings().items()) if not str(zh.get(s, "")).strip()}
    assert not missing, f"{len(missing)} strings have no Chinese translation in zh.json:\n" + "\n".join(
        f"  {s!r}  ({', '.join(where)})" for s, where in missing.items())


def test_placeholders_match() -> None:
    wrong: list[str] = []
    for en, zh in load_catalogue().items():
        try:
            want, got = placeholders(en), placeholders(zh)
        except ValueError as e:  # an unmatched brace
            wrong.append(f"{en!r} -> {zh!r}: {e}")
            continue
        if want != got:
            wrong.append(f"{en!r} has {want}, the translation {zh!r} has {got}")
        else:
            zh.format(**{name: "x" for name in got})  # fields like {0} or {a.b} would fail here
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_no_stale_entries() -> None:
    used = used_strings()
    stale = sorted(k for k in load_catalogue() if k not in used)
    assert not stale, f"{len(stale)} zh.json entries that nothing uses (remove them, or add the source):\n" + \
        "\n".join(f"  {s!r}" for s in stale)


def test_task_script_strings_are_sent_to_the_page() -> None:
    """`S("...")` in task.js looks the text up in `JS_STRINGS`; anything else stays English."""
    in_script = _literals(_JS_CALL, TASK_JS.read_text(encoding="utf-8"))
    assert in_script
    absent = sorted(in_script - set(JS_STRINGS))
    assert not absent, f"task.js asks for strings missing from task_view.JS_STRINGS: {absent}"


def test_login_errors_are_listed() -> None:
    """The login page shows `_(str(LoginFailed))`: every message raised must be in DYNAMIC."""
    raised = _string_calls(ast.parse(SESSIONS.read_text(encoding="utf-8")), "LoginFailed")
    assert raised
    assert raised <= set(LOGIN_ERRORS), sorted(raised - set(LOGIN_ERRORS))


def test_key_terms() -> None:
    zh = load_catalogue()
    for en, want in KEY_TERMS.items():
        assert zh.get(en) == want, (en, zh.get(en), want)
