"""Our files load in Hugging Face `datasets` (a test-only dependency) and theirs load in ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.formats import write_records
from tests.formats.helpers import GOLDEN, canonical

datasets = pytest.importorskip("datasets")


def test_load_from_disk_reads_our_directory(tmp_path: Path) -> None:
    pairs = canonical(GOLDEN / "trl-preference.jsonl", "trl-preference")
    write_records(pairs, tmp_path / "prefs", "trl-preference", "hf")
    ds = datasets.load_from_disk(str(tmp_path / "prefs"))
    assert {"prompt", "chosen", "rejected"} <= set(ds.column_names)
    assert len(ds) == 2
    assert ds[0]["chosen"][0]["content"] == "It is blue."
    assert ds[1]["prompt"][1]["content"].startswith("天空是什么颜色？")


def test_load_dataset_json_reads_our_jsonl_with_trl_columns(tmp_path: Path) -> None:
    pairs = canonical(GOLDEN / "openai-dpo.jsonl", "openai-dpo")
    write_records(pairs, tmp_path / "dpo.jsonl", "trl-preference")
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "dpo.jsonl"), split="train",
                               cache_dir=str(tmp_path / "cache"))
    assert {"prompt", "chosen", "rejected"} <= set(ds.column_names)
    assert ds[0]["rejected"][0] == {"role": "assistant", "content": "It is not particularly cold in San Francisco today."}


def test_we_read_what_save_to_disk_writes(tmp_path: Path) -> None:
    rows = [{"prompt": "The sky is", "completion": " blue.", "label": True}]
    datasets.Dataset.from_list(rows * 3).save_to_disk(str(tmp_path / "theirs"), num_shards=2)
    examples = canonical(tmp_path / "theirs", "trl-kto")
    assert len(examples) == 3 and examples[2].completion[0].content == " blue."
