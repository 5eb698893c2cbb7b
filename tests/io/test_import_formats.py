"""`assay import` reads every training format (through assay.formats) into items, responses and judgements."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assay.io import import_file
from assay.store import Item, Judgement, JudgementAnswer, Response, User
from tests.formats.helpers import CASES, GOLDEN, raw_records

from .helpers import counts, make_project

SPEC = """
slug: t-formats
name: Formats import test
languages: [en, zh]
layout: {fields: [prompt], responses: 2}
questions:
  - key: verdict
    kind: choice
    title: Verdict
    options: [right, wrong]
  - key: quality
    kind: rating
    title: Quality
    scale: {min: 1, max: 5}
  - key: notes
    kind: text
    title: Notes
    required: false
"""


@pytest.mark.parametrize("golden", sorted(CASES))
def test_every_training_format_imports(make_db, golden: str) -> None:
    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    schema, _ = CASES[golden]
    report = import_file(db, slug, GOLDEN / golden, schema=schema)
    rows = len(raw_records(GOLDEN / golden))
    assert report.records == rows and report.rejected == 0
    assert counts(db)["items"] >= 1
    assert import_file(db, slug, GOLDEN / golden, schema=schema).items_added == 0  # idempotent


def test_detection_picks_the_training_formats(make_db) -> None:
    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    for golden, expected in [("hh-rlhf.jsonl", "hh-rlhf"), ("openai-dpo.jsonl", "openai-dpo"),
                             ("ultrafeedback.jsonl", "ultrafeedback"), ("label-studio.json", "label-studio"),
                             ("argilla.jsonl", "argilla"), ("trl-kto.jsonl", "trl-kto"),
                             ("sharegpt.jsonl", "sharegpt"), ("openai-chat.jsonl", "openai_chat")]:
        assert import_file(db, slug, GOLDEN / golden, dry_run=True).schema == expected, golden


def test_preference_pairs_keep_which_side_was_chosen(make_db) -> None:
    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    import_file(db, slug, GOLDEN / "trl-preference.jsonl")
    with db.session() as s:
        item = s.scalars(select(Item).where(Item.prompt == "What colour is the sky?")).one()
        responses = s.scalars(select(Response).where(Response.item_id == item.id).order_by(Response.position)).all()
    assert [(r.content, r.meta) for r in responses] == [
        ("It is blue.", {"preference": "chosen", "score": 9.0}),
        ("It is green.", {"preference": "rejected", "score": 2.5}),
    ]


def test_label_studio_annotations_become_judgements(make_db) -> None:
    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    report = import_file(db, slug, GOLDEN / "label-studio.json")
    assert (report.items_added, report.responses_added) == (2, 2)
    with db.session() as s:
        rows = s.execute(
            select(Item.external_id, User.username, JudgementAnswer.question, JudgementAnswer.value)
            .join(Judgement, Judgement.item_id == Item.id).join(User, User.id == Judgement.user_id)
            .join(JudgementAnswer, JudgementAnswer.judgement_id == Judgement.id)
        ).all()
        predictions = s.scalars(select(Item.meta).where(Item.external_id == "1")).one()["predictions"]
    assert sorted(rows) == [("1", "ls-3", "quality", 1), ("1", "ls-3", "verdict", "wrong"),
                            ("2", "li.wei@example.org", "notes", "简洁\n正确"),
                            ("2", "li.wei@example.org", "verdict", "right")]
    assert predictions[0]["model_version"] == "judge-1"  # model output kept apart from human judgements
    again = import_file(db, slug, GOLDEN / "label-studio.json")
    assert (again.items_added, again.judgements_added, again.judgements_updated) == (0, 0, 0)


def test_argilla_submitted_responses_become_judgements(make_db) -> None:
    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    report = import_file(db, slug, GOLDEN / "argilla.jsonl")
    assert report.items_added == 2 and report.judgements_added == 1
    with db.session() as s:
        answers = sorted(s.execute(select(JudgementAnswer.question, JudgementAnswer.value)).all())
        item = s.scalars(select(Item).where(Item.external_id == "rec-1")).one()
    assert answers == [("quality", 1), ("verdict", "wrong")]  # the draft is not a judgement
    assert item.domain == "STEM" and item.meta["suggestions"]["verdict"]["agent"] == "judge-1"


def test_ratings_and_kto_labels_in_response_metadata(make_db, tmp_path: Path) -> None:
    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    import_file(db, slug, GOLDEN / "ultrafeedback.jsonl")
    import_file(db, slug, GOLDEN / "trl-kto.jsonl")
    with db.session() as s:
        metas = {r.content: r.meta for r in s.scalars(select(Response))}
    assert metas["9.8 is larger than 9.11."]["ratings"]["helpfulness"] == 4
    assert metas["9.8 is larger than 9.11."]["rationales"]["helpfulness"] == "Correct but brief."
    assert metas["It is blue."]["label"] is True


def test_a_hugging_face_directory_imports_like_a_file(make_db, tmp_path: Path) -> None:
    """`assay import PROJECT DIR` reads a `save_to_disk` directory (what `assay export` and
    `datasets` write); importing it again adds nothing."""
    from assay.formats import BadRecord, read_records, write_records

    db = make_db("sqlite")
    slug = make_project(db, SPEC)
    with read_records(GOLDEN / "trl-preference.jsonl") as reader:
        records = [r for r in reader if not isinstance(r, BadRecord)]
    out = tmp_path / "prefs_hf"
    write_records(records, out, "trl-preference", "hf")
    first = import_file(db, slug, out)
    assert first.container == "hf" and first.items_added == len(records) and first.responses_added == 2 * len(records)
    again = import_file(db, slug, out)
    assert again.items_added == 0 and again.responses_added == 0
