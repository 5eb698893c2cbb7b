"""`assay export --as` and `assay verify` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli import app
from assay.exports import load_manifest
from assay.store import Database
from tests.exports.helpers import answer, item, jsonl, make_project

runner = CliRunner()


@pytest.fixture
def env(make_db, tmp_path: Path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    db: Database = make_db("sqlite")
    items = [item(f"c{i}", domain=("STEM", "Humanities")[i % 2]) for i in range(10)]
    answers = [answer(f"c{i}", "ann1", "overall", {"winner": "AB"[i % 2], "strength": 2}) for i in range(10)]
    answers += [answer(f"c{i}", "ann1", "verdict", ("pass", "fail")[i % 3 == 0], "A") for i in range(10)]
    slug = make_project(db, tmp_path, items, answers)
    url = str(db.url)
    db.dispose()
    return url, slug


def run(env: tuple[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", env[0], *args])
    return result.exit_code, result.output


def test_export_with_split_and_verify(env: tuple[str, str], tmp_path: Path) -> None:
    out = tmp_path / "dpo.jsonl"
    code, output = run(env, "export", env[1], str(out), "--as", "preference", "--schema", "openai-dpo", "--per",
                       "judgement", "--split", "train=0.8,test=0.2", "--seed", "3", "--domain", "STEM,Humanities")
    assert code == 0, output
    assert "Wrote 10 preference records (10 items, 1 annotator; train 8, test 2)" in " ".join(output.split())
    manifest = tmp_path / "dpo.jsonl.manifest.json"
    m = load_manifest(manifest)
    assert m.options.split is not None and m.options.split.seed == 3
    assert m.options.filters.domains == ("STEM", "Humanities")
    assert len(jsonl(tmp_path / "dpo-train.jsonl")) == 8
    code, output = run(env, "verify", str(manifest))
    assert code == 0 and "all 2 files match" in output
    (tmp_path / "dpo-test.jsonl").write_text("{}\n")
    code, output = run(env, "verify", str(manifest))
    assert code == 1 and "dpo-test.jsonl: 3 bytes" in output and "1 of 2 files do not match" in " ".join(output.split())


def test_kto_with_comma_separated_values(env: tuple[str, str], tmp_path: Path) -> None:
    out = tmp_path / "kto.parquet"
    code, output = run(env, "export", env[1], str(out), "--as", "kto", "--schema", "trl-kto", "--label-from", "verdict",
                       "--desirable", "pass", "--per", "judgement", "--no-metadata")
    assert code == 0, output
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.column_names == ["prompt", "completion", "label"]
    assert table.column("label").to_pylist().count(False) == 4  # c0, c3, c6, c9 failed


def test_errors_are_one_clear_line(env: tuple[str, str], tmp_path: Path) -> None:
    out = str(tmp_path / "x.jsonl")
    cases = [
        (["--as", "preference"], 2, "--as preference needs --schema"),
        (["--as", "preference", "--schema", "openai-dpo", "--split", "train=0.5"], 2, "split shares must sum to 1"),
        (["--as", "preference", "--schema", "openai-dpo", "--question", "nope"], 1, "has no question 'nope'"),
        (["--as", "preference", "--schema", "openai-dpo"], 1, "has no consensus yet"),
        (["--as", "sft", "--schema", "openai-dpo"], 2, "schema openai-dpo holds preference records, not sft"),
        (["--as", "pairs", "--schema", "openai-dpo"], 2, "kind:"),
        (["--as", "preference", "--schema", "openai-dpo", "--since", "yesterday"], 2, "expected an ISO date"),
        (["--schema", "openai-dpo"], 2, "--schema and --split go with --as"),
        (["--as", "preference", "--schema", "openai-dpo", "--min-confidence", "2"], 2, "less than or equal to 1"),
    ]
    for args, code, message in cases:
        got, output = run(env, "export", env[1], out, *args)
        assert got == code and message in " ".join(output.split()), (args, output)
    assert not any(tmp_path.glob("x.jsonl*"))


def test_plain_exports_still_work(env: tuple[str, str], tmp_path: Path) -> None:
    code, output = run(env, "export", env[1], str(tmp_path / "long.csv"), "--form", "long")
    assert code == 0, output
    assert (tmp_path / "long.csv").read_text().startswith("item,assay_item_id,")
    code, output = run(env, "export", env[1], str(tmp_path / "wide.jsonl"), "--form", "tall")
    assert code == 2 and "--form must be wide or long" in output
