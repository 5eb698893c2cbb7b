"""Small helpers for import/export tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select

from assay.spec import parse_spec
from assay.store import Database, Item, Judgement, JudgementAnswer, JudgementHistory, Response
from assay.store.projects import create_project

SPEC = """
slug: t-import
name: Import test
languages: [en, zh]
layout: {fields: [prompt], responses: 2}
questions:
  - key: accuracy
    kind: rating
    title: Accuracy
    per_response: true
    scale: {min: 1, max: 5}
  - key: verdict
    kind: choice
    title: Verdict
    options: [good, bad]
  - key: pref
    kind: compare
    title: Which is better?
  - key: rationale
    kind: text
    title: Rationale
    required: false
"""


def make_project(db: Database, text: str = SPEC) -> str:
    spec = parse_spec(text)
    with db.write_session() as session:
        create_project(session, spec)
    return spec.slug


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {
            name: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in [
                ("items", Item),
                ("responses", Response),
                ("judgements", Judgement),
                ("answers", JudgementAnswer),
                ("history", JudgementHistory),
            ]
        }


def pair_records(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "id": f"it-{i}",
            "prompt": f"Question {i}: what is {i} + {i}?",
            "domain": "STEM",
            "language": "en",
            "responses": [
                {"model": "m-a", "content": f"It is {2 * i}."},
                {"model": "m-b", "content": f"Probably {2 * i + 1}."},
            ],
        }
        for i in range(start, start + n)
    ]
