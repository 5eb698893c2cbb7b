"""`assay formats` and `assay convert`."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from assay.cli import app
from assay.formats import FORMATS

GOLDEN = Path(__file__).parents[1] / "formats" / "golden"
runner = CliRunner()


def test_formats_lists_every_schema_and_shows_one() -> None:
    result = runner.invoke(app, ["formats"], terminal_width=400)
    assert result.exit_code == 0, result.output
    for name in FORMATS:
        assert name in result.output
    one = runner.invoke(app, ["formats", "openai-dpo"])
    assert one.exit_code == 0 and '"preferred_output"' in one.output
    assert runner.invoke(app, ["formats", "nope"]).exit_code == 2


def test_convert_hh_to_dpo(tmp_path: Path) -> None:
    out = tmp_path / "dpo.jsonl"
    result = runner.invoke(app, ["convert", str(GOLDEN / "hh-rlhf.jsonl"), str(out), "--to", "openai-dpo"])
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert rows[0]["preferred_output"] == [{"role": "assistant", "content": "They can hurt people."}]


def test_convert_is_all_or_nothing_and_skip_invalid_writes_rejects(tmp_path: Path) -> None:
    src = tmp_path / "kto.jsonl"
    src.write_bytes(b'{"prompt": "q", "completion": "a", "label": true}\n{"prompt": "q", "completion": "a", "label": "maybe"}\n')
    out = tmp_path / "out.parquet"
    result = runner.invoke(app, ["convert", str(src), str(out)])
    assert result.exit_code == 1
    assert "kto.jsonl:line 2: field 'label'" in result.output and not out.exists()
    result = runner.invoke(app, ["convert", str(src), str(out), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    (reject,) = [orjson.loads(x) for x in (tmp_path / "kto.jsonl.rejects.jsonl").read_bytes().splitlines()]
    assert (reject["line"], reject["field"]) == (2, "label")
    assert out.exists()


def test_convert_refuses_other_kinds_and_standard_form_it_cannot_hold(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(GOLDEN / "hh-rlhf.jsonl"), str(tmp_path / "x.jsonl"), "--to", "openai-chat"])
    assert result.exit_code == 2 and "same kind" in result.output
    out = tmp_path / "hf_dir"
    result = runner.invoke(app, ["convert", str(GOLDEN / "hh-rlhf.jsonl"), str(out), "--to", "trl-preference",
                                 "--form", "standard"])
    assert result.exit_code == 1 and "field 'prompt'" in result.output and not out.exists()
    result = runner.invoke(app, ["convert", str(GOLDEN / "hh-rlhf.jsonl"), str(out), "--to", "trl-preference"])
    assert result.exit_code == 0 and (out / "state.json").exists()
