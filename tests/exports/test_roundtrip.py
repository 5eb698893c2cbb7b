"""Round trip: export from judgements, import the file into a new project, export its imported labels
again: the same records, for every schema of every kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.exports import ExportOptions, export_dataset
from assay.io import import_file
from assay.store import Database
from tests.exports.helpers import answer, give_review, item, make_project, records, set_consensus

CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("preference", "openai-dpo", {}),
    ("preference", "trl-preference", {}),
    ("preference", "trl-preference", {"from_ratings": "quality", "margin": 1}),
    ("preference", "hh-rlhf", {}),
    ("sft", "openai-chat", {"question": "answer"}),
    ("sft", "sharegpt", {"question": "answer"}),
    ("sft", "alpaca", {"question": "answer"}),
    ("sft", "trl-prompt-completion", {"question": "answer"}),
    ("sft", "trl-language-modeling", {"question": "answer"}),
    ("sft", "openai-chat", {"best_response": "quality"}),
    ("kto", "trl-kto", {"label_from": "verdict", "desirable": ("pass",)}),
    ("ratings", "ultrafeedback", {}),
    ("ratings", "helpsteer", {"criteria": ("helpfulness",)}),
]
EXTENSION = {"alpaca": "json"}


@pytest.fixture
def source(db: Database, tmp_path: Path) -> str:
    items = [item(f"r{i}", domain=("STEM", "Humanities")[i % 2], language=("en", "zh")[i % 3 == 0]) for i in range(8)]
    answers = []
    for i in range(8):
        ref = f"r{i}"
        answers.append(answer(ref, "ann1", "overall", {"winner": "AB"[i % 2], "strength": 1 + i % 3}))
        answers.append(answer(ref, "ann1", "answer", f"A careful answer to {ref}, in full."))
        for k, letter in enumerate("AB"):
            answers.append(answer(ref, "ann1", "quality", 1 + (i + 3 * k) % 5, letter))
            answers.append(answer(ref, "ann1", "helpfulness", (i + k) % 5, letter))
            answers.append(answer(ref, "ann1", "verdict", ("pass", "fail")[(i + k) % 2], letter))
            answers.append(answer(ref, "ann1", "why", f"Because {letter} on {ref}.", letter))
    slug = make_project(db, tmp_path, items, answers, slug="source")
    give_review(db, "r1", "ann1", "accept")
    for i in range(8):
        set_consensus(db, f"r{i}", "overall", {"winner": "AB"[i % 2], "strength": None}, 0.9)
        for letter in "AB":
            set_consensus(db, f"r{i}", "verdict", ("pass", "fail")[(i + "AB".index(letter)) % 2], 0.9, response=letter)
    return slug


@pytest.mark.parametrize(("kind", "schema", "options"), CASES, ids=[f"{c[1]}-{'-'.join(c[2]) or 'default'}" for c in CASES])
def test_import_of_an_export_exports_the_same_records(db: Database, source: str, tmp_path: Path, kind: str, schema: str,
                                                      options: dict[str, Any]) -> None:
    ext = EXTENSION.get(schema, "jsonl")
    first = tmp_path / f"first.{ext}"
    export_dataset(db, source, first, ExportOptions(kind=kind, record_schema=schema, **options))  # type: ignore[arg-type]
    copy = make_project(db, tmp_path, [], slug="copy")
    report = import_file(db, copy, first, schema=schema)
    assert report.rejected == 0 and report.items_added > 0
    again = tmp_path / f"again.{ext}"
    export_dataset(db, copy, again, ExportOptions(kind=kind, record_schema=schema, labels="imported"))  # type: ignore[arg-type]
    before, after = records(first, schema), records(again, schema)
    assert len(before) >= 4
    assert after == before
    assert again.read_bytes() == first.read_bytes()
