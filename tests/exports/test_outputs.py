"""Split files, Hugging Face DatasetDict directories, the manifest and all-or-nothing writing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from assay.exports import ExportError, ExportOptions, Split, export_dataset, load_manifest, verify_manifest
from assay.store import Database
from tests.exports.helpers import answer, item, jsonl, make_project, records

DOMAINS = ("STEM", "Humanities", "Reasoning")


@pytest.fixture
def slug(db: Database, tmp_path: Path) -> str:
    items = [item(f"o{i}", domain=DOMAINS[i % 3], language="zh" if i % 4 == 0 else "en") for i in range(30)]
    answers = [answer(f"o{i}", who, "overall", {"winner": "A" if (i + k) % 3 else "B", "strength": 1})
               for i in range(30) for k, who in enumerate(("ann1", "ann2"))]
    return make_project(db, tmp_path, items, answers)


def dpo(split: str | None = None, seed: int = 0, **options: Any) -> ExportOptions:
    return ExportOptions(kind="preference", record_schema=options.pop("schema", "openai-dpo"), per="judgement",
                         split=Split.parse(split, seed) if split else None, **options)


def test_split_files_keep_an_items_records_together(db: Database, slug: str, tmp_path: Path) -> None:
    out = tmp_path / "dpo.jsonl"
    report = export_dataset(db, slug, out, dpo("train=0.8,validation=0.1,test=0.1", seed=9))
    names = {f.split: f.path for f in report.files}
    assert names == {"train": "dpo-train.jsonl", "validation": "dpo-validation.jsonl", "test": "dpo-test.jsonl"}
    assert not out.exists()
    seen: dict[str, str] = {}
    for split, name in names.items():
        rows = jsonl(tmp_path / name)
        assert len(rows) == report.manifest.counts.per_split[split]
        for r in rows:
            assert seen.setdefault(r["id"], split) == split  # both annotators' pairs of an item in one split
        per_domain: dict[str, int] = {}
        for r in rows:
            per_domain[r["domain"]] = per_domain.get(r["domain"], 0) + 1
        assert per_domain == report.manifest.counts.per_split_domain[split]
    # Ten items per domain, split 8 / 1 / 1 in each: two records per item.
    assert report.manifest.counts.per_split == {"train": 48, "validation": 6, "test": 6}
    again = export_dataset(db, slug, tmp_path / "again.jsonl", dpo("train=0.8,validation=0.1,test=0.1", seed=9))
    assert [f.sha256 for f in again.files] == [f.sha256 for f in report.files]


def test_manifest_lineage_and_verify(db: Database, slug: str, tmp_path: Path) -> None:
    report = export_dataset(db, slug, tmp_path / "dpo.parquet", dpo("train=0.9,test=0.1"))
    m = load_manifest(tmp_path / "dpo.parquet.manifest.json")
    assert m == report.manifest
    assert (m.project.slug, m.project.spec_version, m.project.guidelines_version, m.project.casebook_version) == \
        (slug, 1, 1, 1)
    assert (m.annotators, m.judgements, m.counts.items, m.counts.records) == (2, 60, 30, 60)
    assert [(v.spec_version, v.guidelines_version, v.judgements) for v in m.judgement_versions] == [(1, 1, 60)]
    assert m.options.split is not None and m.options.split.ratios == {"train": 0.9, "test": 0.1}
    assert m.counts.per_language == {"en": 44, "zh": 16}
    sources = {Path(s.source).name: s for s in m.sources}
    assert set(sources) == {f"{slug}-items.jsonl", f"{slug}-answers.jsonl"}
    for name, source in sources.items():
        assert source.sha256 == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    for f in m.files:
        data = (tmp_path / f.path).read_bytes()
        assert (f.bytes, f.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert verify_manifest(tmp_path / "dpo.parquet.manifest.json").ok
    target = tmp_path / "dpo-test.parquet"
    target.write_bytes(target.read_bytes()[:-1] + b"\0")
    check = verify_manifest(tmp_path / "dpo.parquet.manifest.json")
    assert not check.ok and check.problems == [f"dpo-test.parquet: sha256 {hashlib.sha256(target.read_bytes()).hexdigest()}, "
                                               f"the manifest says {m.files[1].sha256}"]
    (tmp_path / "dpo-train.parquet").unlink()
    assert "dpo-train.parquet: missing" in verify_manifest(tmp_path / "dpo.parquet.manifest.json").problems


def test_hf_dataset_dict_loads_with_datasets(db: Database, slug: str, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "prefs"
    report = export_dataset(db, slug, out, dpo("train=0.9,test=0.1", schema="trl-preference"))
    assert json.loads((out / "dataset_dict.json").read_text()) == {"splits": ["train", "test"]}
    loaded = datasets.load_from_disk(str(out))
    assert set(loaded) == {"train", "test"}
    assert loaded["train"].num_rows + loaded["test"].num_rows == 60
    assert {"prompt", "chosen", "rejected"} <= set(loaded["train"].column_names)
    assert loaded["train"][0]["chosen"][0]["role"] == "assistant"
    assert verify_manifest(report.manifest_path).ok
    assert any(f.path == "prefs/train/data-00000-of-00001.arrow" and f.records == report.manifest.counts.per_split["train"]
               for f in report.manifest.files)
    # Exported again over itself: replaced whole, never merged.
    export_dataset(db, slug, out, dpo(schema="trl-preference"))
    assert not (out / "dataset_dict.json").exists() and (out / "state.json").exists()
    assert datasets.load_from_disk(str(out)).num_rows == 60


def test_a_record_the_schema_cannot_hold_leaves_nothing(db: Database, tmp_path: Path) -> None:
    items = [item(f"h{i}") for i in range(5)] + [item("h9", system="Answer in one word.")]
    answers = [answer(r["id"], "ann1", "overall", {"winner": "A", "strength": 1}) for r in items]
    slug = make_project(db, tmp_path, items, answers, slug="hh")
    old = tmp_path / "hh-train.jsonl"
    old.write_text("an earlier export\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ExportError, match=r"record 6 \(item h9, \w+\): field 'chosen\[0\].role': HH transcripts hold "
                                          r"Human and Assistant turns only, not system; nothing was written"):
        export_dataset(db, slug, tmp_path / "hh.jsonl", dpo("train=0.5,test=0.5", schema="hh-rlhf"))
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no partial files, no temporaries
    assert old.read_text() == "an earlier export\n"


def test_destinations_are_checked_before_any_work(db: Database, slug: str, tmp_path: Path) -> None:
    (tmp_path / "taken.jsonl").mkdir()
    with pytest.raises(ExportError, match="is a directory"):
        export_dataset(db, slug, tmp_path / "taken.jsonl", dpo())
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep me")
    with pytest.raises(ExportError, match="exists and is not a dataset directory"):
        export_dataset(db, slug, tmp_path / "notes", dpo())
    assert (tmp_path / "notes" / "mine.txt").read_text() == "keep me"
    with pytest.raises(ExportError, match="does not exist"):
        export_dataset(db, slug, tmp_path / "no" / "where.jsonl", dpo())


def test_every_container(db: Database, slug: str, tmp_path: Path) -> None:
    expected = records(_one(db, slug, tmp_path, "jsonl"))
    for container in ("json", "csv", "tsv", "parquet", "xlsx"):
        assert records(_one(db, slug, tmp_path, container)) == expected, container


def _one(db: Database, slug: str, tmp_path: Path, container: str) -> Path:
    path = tmp_path / f"all.{container}"
    export_dataset(db, slug, path, dpo())
    return path


def test_projects_with_interleaved_item_ids(db: Database, tmp_path: Path) -> None:
    """Texts are fetched by id range when a project's ids are dense, and by id lists when another
    project's items lie between them: both give the right prompts and answers."""
    from assay.io import import_file
    from tests.exports.helpers import write_jsonl

    a = make_project(db, tmp_path, [item("a0"), item("a1")], slug="proj-a")
    b = make_project(db, tmp_path, [item(f"b{i}") for i in range(30)], slug="proj-b")
    import_file(db, a, write_jsonl(tmp_path / "more-a.jsonl", [item("a2"), item("a3")]))
    for slug, refs in ((a, ["a0", "a1", "a2", "a3"]), (b, [f"b{i}" for i in range(0, 30, 7)])):
        rows = [answer(ref, "ann1", "overall", {"winner": "B", "strength": 1}) for ref in refs]
        import_file(db, slug, write_jsonl(tmp_path / f"{slug}-votes.jsonl", rows), schema="judgements")
        export_dataset(db, slug, tmp_path / f"{slug}.jsonl", dpo())
        got = [(r["input"]["messages"][0]["content"], r["preferred_output"][0]["content"])
               for r in jsonl(tmp_path / f"{slug}.jsonl")]
        assert got == [(f"Question {ref}?", f"Answer B to {ref}.") for ref in refs]
