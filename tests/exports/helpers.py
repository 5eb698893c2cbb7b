"""A small project with every source of training data, built through the import paths people use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from assay.formats import BadRecord, read_records
from assay.io import import_file
from assay.spec import parse_spec
from assay.store import Consensus, Database, Item, Judgement, Response, User
from assay.store.projects import create_project
from assay.work import add_user
from assay.work.review import review

SPEC = """
slug: {slug}
name: Export test
languages: [en, zh]
layout: {{fields: [prompt], responses: {responses}}}
questions:{compare}
  - {{key: order, kind: rank, title: Rank them, allow_ties: true, required: false}}
  - {{key: quality, kind: rating, title: Quality, per_response: true, scale: {{min: 1, max: 5}}, required: false}}
  - {{key: helpfulness, kind: rating, title: Helpfulness, per_response: true, scale: {{min: 0, max: 4}}, required: false}}
  - {{key: verdict, kind: choice, title: Verdict, per_response: true, options: [pass, fail], required: false}}
  - {{key: issues, kind: span, title: Problems, required: false}}
  - {{key: answer, kind: text, purpose: response, title: Write the answer, required: false}}
  - {{key: rewrite, kind: text, purpose: rewrite, per_response: true, title: Rewrite it, required: false}}
  - {{key: why, kind: text, purpose: rationale, per_response: true, title: "Why", required: false}}
  - {{key: note, kind: text, title: Note, required: false}}
"""
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


COMPARE = '\n  - {key: overall, kind: compare, title: "Which is better", strength: {min: 1, max: 3}, required: false}'


def spec_text(slug: str = "exp", responses: int = 2) -> str:
    """The test spec; compare questions need exactly two responses, so three leave it out."""
    return SPEC.format(slug=slug, responses=responses, compare=COMPARE if responses == 2 else "")


def item(ref: str, *, domain: str = "STEM", language: str = "en", n: int = 2, prompt: str | None = None,
         **extra: Any) -> dict[str, Any]:
    return {"id": ref, "prompt": prompt or f"Question {ref}?", "domain": domain, "language": language,
            "responses": [{"model": f"m-{chr(97 + k)}", "content": f"Answer {chr(65 + k)} to {ref}."} for k in range(n)],
            **extra}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def make_project(db: Database, tmp_path: Path, items: list[dict[str, Any]], answers: list[dict[str, Any]] | None = None,
                 *, slug: str = "exp", spec: str | None = None, responses: int = 2) -> str:
    """Create the project, import ``items`` and the long-format ``answers``
    ({item, annotator, question, value[, response, submitted_at]})."""
    parsed = parse_spec(spec or spec_text(slug, responses))
    with db.write_session() as s:
        create_project(s, parsed)
    if items:
        import_file(db, parsed.slug, write_jsonl(tmp_path / f"{parsed.slug}-items.jsonl", items))
    if answers:
        import_file(db, parsed.slug, write_jsonl(tmp_path / f"{parsed.slug}-answers.jsonl", answers), schema="judgements")
    return parsed.slug


def answer(ref: str, who: str, question: str, value: Any, response: str | None = None,
           day: int = 0) -> dict[str, Any]:
    row: dict[str, Any] = {"item": ref, "annotator": who, "question": question, "value": value,
                           "submitted_at": T0.replace(day=T0.day + day).isoformat()}
    if response is not None:
        row["response"] = response
    return row


def judgement_id(db: Database, ref: str, who: str) -> int:
    with db.session() as s:
        jid = s.scalar(select(Judgement.id).join(Item, Item.id == Judgement.item_id).join(User, User.id == Judgement.user_id)
                       .where(Item.external_id == ref, User.username == who))
        assert jid is not None, (ref, who)
        return jid


def reviewer(db: Database, name: str = "rev") -> int:
    with db.write_session() as s:
        existing = s.scalar(select(User.id).where(User.username == name))
        if existing is not None:
            return existing
        return add_user(s, name, "reviewer", org="Lab").id


def give_review(db: Database, ref: str, who: str, verdict: str, *, corrected: dict[str, Any] | None = None,
                at: datetime | None = None) -> None:
    review(db, judgement_id(db, ref, who), reviewer(db), verdict, comment=None if verdict == "accept" else "see this",
           corrected=corrected, now=at)


def set_consensus(db: Database, ref: str, question: str, value: Any, confidence: float | None, *,
                  response: str | None = None, method: str = "majority") -> None:
    """A consensus row as `assay quality consensus` (or adjudication, method="adjudicated") stores it."""
    with db.write_session() as s:
        item_id, project_id = s.execute(select(Item.id, Item.project_id).where(Item.external_id == ref)).one()
        rid = 0
        if response is not None:
            rids = list(s.scalars(select(Response.id).where(Response.item_id == item_id).order_by(Response.position)))
            rid = rids[ord(response) - 65]
        s.add(Consensus(project_id=project_id, item_id=item_id, question=question, response_id=rid, value=value,
                        method=method, confidence=confidence, decided_at=T0))


def records(path: Path, schema: str | None = None) -> list[Any]:
    with read_records(path, schema) as reader:
        out = list(reader)
    bad = [r for r in out if isinstance(r, BadRecord)]
    assert not bad, bad[:3]
    return out


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().split(b"\n") if line]
