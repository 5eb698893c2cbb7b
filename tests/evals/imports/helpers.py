"""Golden files and a project to import them into."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from assay.spec import parse_spec
from assay.store import Database, Item, JudgeVerdict, ModelRun, Response
from assay.store.projects import create_project

GOLDEN = Path(__file__).parent / "golden"
DATE = "2026-03-14T10-22-31.512345"
INSPECT_A = GOLDEN / "inspect_model_a.eval"
INSPECT_B = GOLDEN / "inspect_model_b.json"
LM_GSM8K = GOLDEN / f"samples_gsm8k_{DATE}.jsonl"
LM_ARC = GOLDEN / f"samples_arc_easy_{DATE}.jsonl"
LM_RESULTS = GOLDEN / f"results_{DATE}.json"
PROMPTFOO = GOLDEN / "promptfoo_results.json"
PROMPTFOO_JSONL = GOLDEN / "promptfoo_results.jsonl"
BATCH_OUT = GOLDEN / "openai_batch_output.jsonl"
BATCH_IN = GOLDEN / "openai_batch_input.jsonl"
INSPECT_RUN = "inspect: arithmetic_and_facts"

SPEC = """
slug: bench-evals
name: Benchmark results
questions:
  - {key: quality, kind: rating, title: Quality, per_response: true, scale: {min: 1, max: 5}}
"""


def make_project(db: Database) -> str:
    spec = parse_spec(SPEC)
    with db.write_session() as session:
        create_project(session, spec)
    return spec.slug


def counts(db: Database) -> tuple[int, int, int, int]:
    """(items, responses, verdicts, runs) in the database."""
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Item)) or 0,
                s.scalar(select(func.count()).select_from(Response)) or 0,
                s.scalar(select(func.count()).select_from(JudgeVerdict)) or 0,
                s.scalar(select(func.count()).select_from(ModelRun)) or 0)
