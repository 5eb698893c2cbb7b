"""Helpers for spec tests: parse YAML and collect the issues as (path, line, message)."""

from __future__ import annotations

import textwrap

import pytest

from assay.spec import SpecError, parse_spec

MINIMAL = """\
slug: demo
name: Demo
questions:
  - key: ok
    kind: rating
    title: OK?
    scale: {min: 1, max: 5}
"""


def spec_text(text: str) -> str:
    return textwrap.dedent(text)


def issues(text: str) -> list[tuple[str, int | None, str]]:
    """Every issue of a spec that must fail, as (path, line, message)."""
    with pytest.raises(SpecError) as info:
        parse_spec(spec_text(text), source="project.yaml")
    return [(i.path, i.line, i.message) for i in info.value.issues]


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `marker` in the dedented text."""
    hits = [n for n, line in enumerate(spec_text(text).split("\n"), start=1) if marker in line]
    return hits[nth - 1]


def only_issue(text: str) -> tuple[str, int | None, str]:
    found = issues(text)
    assert len(found) == 1, found
    return found[0]
