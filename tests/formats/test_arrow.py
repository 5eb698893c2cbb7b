"""Native Arrow containers: exact or refused, never coerced; directories published whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.formats import StepwiseExample, _arrow, write_records
from assay.io.containers import ContainerError
from tests.formats.helpers import canonical


def test_a_later_value_that_does_not_fit_the_column_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_arrow, "BATCH_ROWS", 2)
    records = [StepwiseExample(prompt="p", completions=["a"], labels=[True]) for _ in range(2)]
    records.append(StepwiseExample(prompt="p", completions=["a"], labels=[True], metadata={}))
    out = tmp_path / "s.parquet"
    write_records(records, out, "trl-stepwise")  # uniform: fine
    assert canonical(out, "trl-stepwise") == records
    rows = [{"prompt": "p", "completions": ["a"], "labels": [True]}] * 2 + [{"prompt": "p", "completions": [1], "labels": [True]}]
    writer = _arrow.ParquetRecordWriter(tmp_path / "bad.parquet", ["prompt", "completions", "labels"], set())
    with pytest.raises(ContainerError) as exc:
        writer.write_many(rows)
        writer.close()
    assert exc.value.number == 3 and exc.value.field == "completions"
    assert not (tmp_path / "bad.parquet").exists()


def test_mixed_columns_fall_back_to_json_text(tmp_path: Path) -> None:
    writer = _arrow.ParquetRecordWriter(tmp_path / "m.parquet", ["v"], set())
    writer.write_many([{"v": {"a": 1}}, {"v": [1, 2]}])
    writer.close()
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "m.parquet").column("v").to_pylist() == ['{"a":1}', "[1,2]"]


def test_hf_directory_is_replaced_whole_and_never_written_over_other_things(tmp_path: Path) -> None:
    records = canonical(Path(__file__).parent / "golden" / "trl-kto.jsonl", "trl-kto")
    out = tmp_path / "kto"
    write_records(records, out, "trl-kto")
    write_records(records[:1], out, "trl-kto")
    assert len(canonical(out, "trl-kto")) == 1
    assert sorted(p.name for p in out.iterdir()) == ["data-00000-of-00001.arrow", "dataset_info.json", "state.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["kto"]  # no temp or old directories left
    other = tmp_path / "src"
    other.mkdir()
    (other / "code.py").write_text("x = 1\n")
    with pytest.raises(ContainerError, match="not a dataset directory"):
        write_records(records, other, "trl-kto", "hf")
    assert (other / "code.py").exists()
