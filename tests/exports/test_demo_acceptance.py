"""Issue 6's acceptance: a DPO export from the demo project's compare judgements loads with
``datasets.load_dataset("json", …)`` and has the TRL columns; the manifest's checksums verify."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli import app
from assay.exports import load_manifest

runner = CliRunner()


@pytest.mark.slow
def test_dpo_from_the_demo_loads_with_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    built = runner.invoke(app, ["demo", "--dir", str(tmp_path / "demo"), "--no-serve"])
    assert built.exit_code == 0, built.output
    db = str(tmp_path / "demo" / "assay.db")

    def cli(*args: str) -> str:
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.output

    # Each person's comparison is a pair (no consensus needed): three annotators on forty items.
    trl = tmp_path / "dpo.jsonl"
    cli("export", "pairwise-preference", str(trl), "--as", "preference", "--schema", "trl-preference", "--per", "judgement")
    ds = datasets.load_dataset("json", data_files=str(trl), split="train")
    assert {"prompt", "chosen", "rejected"} <= set(ds.column_names)
    assert ds.num_rows == 120
    first = ds[0]
    assert first["prompt"][-1]["role"] == "user" and first["chosen"][0]["role"] == "assistant"
    assert first["chosen"][0]["content"] != first["rejected"][0]["content"]
    assert "all 1 files match" in cli("verify", str(tmp_path / "dpo.jsonl.manifest.json"))

    openai = tmp_path / "openai.jsonl"
    cli("export", "pairwise-preference", str(openai), "--as", "preference", "--schema", "openai-dpo", "--per", "judgement",
        "--no-metadata")
    ds = datasets.load_dataset("json", data_files=str(openai), split="train")
    assert set(ds.column_names) == {"input", "preferred_output", "non_preferred_output"}

    # With the consensus computed: one pair per confident item, split by domain.
    cli("quality", "consensus", "pairwise-preference")
    split = tmp_path / "consensus.jsonl"
    cli("export", "pairwise-preference", str(split), "--as", "preference", "--schema", "trl-preference",
        "--min-confidence", "0.9", "--split", "train=0.8,test=0.2", "--seed", "1")
    manifest = load_manifest(tmp_path / "consensus.jsonl.manifest.json")
    files = {f.split: str(tmp_path / f.path) for f in manifest.files}
    dd = datasets.load_dataset("json", data_files=files)
    assert {s: dd[s].num_rows for s in dd} == manifest.counts.per_split
    assert 0 < manifest.counts.records <= 40 and manifest.annotators == 3
    assert [Path(s.source).name for s in manifest.sources] == ["pairwise-preference.jsonl",
                                                              "pairwise-preference-judgements.jsonl"]
    assert "all 2 files match" in cli("verify", str(tmp_path / "consensus.jsonl.manifest.json"))
