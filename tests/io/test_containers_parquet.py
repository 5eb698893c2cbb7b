"""Parquet reader and writer: batches, nested columns, non-JSON types, type inference rules."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assay.io.containers import ContainerError, SourceRecord, open_source, open_writer
from assay.io.containers import _parquet_writer as writer_module


def read(path: Path) -> list[SourceRecord]:
    with open_source(path) as source:
        return list(source)


def test_nested_columns_come_back_as_python(tmp_path: Path) -> None:
    path = tmp_path / "n.parquet"
    table = pa.table(
        {
            "messages": [[{"role": "user", "content": "中"}, {"role": "assistant", "content": "😀"}]],
            "tags": [["a", "b"]],
            "meta": [{"score": 0.5, "n": 3}],
            "m": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64())),
        }
    )
    pq.write_table(table, path)
    assert read(path) == [
        SourceRecord(
            1,
            {
                "messages": [{"role": "user", "content": "中"}, {"role": "assistant", "content": "😀"}],
                "tags": ["a", "b"],
                "meta": {"score": 0.5, "n": 3},
                "m": {"k": 1},
            },
        )
    ]


def test_non_json_types_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    table = pa.table(
        {
            "ts": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5)], pa.timestamp("us")),
            "tz": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)], pa.timestamp("ms", tz="UTC")),
            "d": pa.array([dt.date(2024, 1, 2)]),
            "dec": pa.array([decimal.Decimal("12345678901234567890.10")]),
            "bin": pa.array([b"text"]),
            "nested": pa.array([{"when": dt.date(2023, 5, 6), "list": [dt.date(2020, 1, 1)]}]),
            "dur": pa.array([dt.timedelta(seconds=90)]),
        }
    )
    pq.write_table(table, path)
    assert read(path)[0].data == {
        "ts": "2024-01-02T03:04:05",
        "tz": "2024-01-02T03:04:05+00:00",
        "d": "2024-01-02",
        "dec": "12345678901234567890.10",
        "bin": "text",
        "nested": {"when": "2023-05-06", "list": ["2020-01-01"]},
        "dur": 90.0,
    }


def test_binary_that_is_not_text_is_an_error_record(tmp_path: Path) -> None:
    path = tmp_path / "b.parquet"
    pq.write_table(pa.table({"id": [1, 2], "blob": [b"ok", b"\xff\xfe"]}), path)
    assert read(path) == [
        SourceRecord(1, {"id": 1, "blob": "ok"}),
        SourceRecord(2, None, "binary value is not UTF-8 text", "blob"),
    ]


def test_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(ContainerError, match="not a readable Parquet file"):
        open_source(path)


def test_batches_and_progress(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    n = 20_000
    pq.write_table(pa.table({"i": list(range(n))}), path, row_group_size=5000)
    with open_source(path) as source:
        assert (source.total, source.columns, source.location) == (n, ["i"], "row")
        progress = []
        numbers = []
        for record in source:
            numbers.append(record.number)
            progress.append(source.progress)
    assert numbers == list(range(1, n + 1))
    assert len(set(progress)) >= 3
    assert progress[-1] == n


def test_writer_infers_types_from_the_first_batch(tmp_path: Path) -> None:
    path = tmp_path / "w.parquet"
    records = [
        {"i": 1, "f": 1, "b": True, "s": "x", "mixed": 1, "none": None, "obj": {"a": 1}},
        {"i": 2, "f": 2.5, "b": False, "s": None, "mixed": "two", "none": None, "obj": [1]},
    ]
    with open_writer(path) as w:
        w.write_many(records)
    schema = pq.read_schema(path)
    assert [str(schema.field(n).type) for n in schema.names] == [
        "int64",
        "double",
        "bool",
        "string",
        "string",
        "string",
        "string",
    ]
    assert [r.data for r in read(path)] == [
        {"i": 1, "f": 1.0, "b": True, "s": "x", "mixed": "1", "none": None, "obj": '{"a":1}'},
        {"i": 2, "f": 2.5, "b": False, "s": None, "mixed": "two", "none": None, "obj": "[1]"},
    ]


def test_ints_too_big_for_int64_make_a_string_column(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    with open_writer(path) as w:
        w.write_many([{"n": 2**64}, {"n": 1}])
    assert [r.data for r in read(path)] == [{"n": str(2**64)}, {"n": "1"}]


@pytest.mark.parametrize(
    ("first", "later", "type_name"),
    [(1, 1.5, "int64"), (1, True, "int64"), (True, 1, "bool"), (1.5, "x", "double"), (1, 2**63, "int64")],
)
def test_later_values_that_do_not_fit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: Any, later: Any, type_name: str
) -> None:
    monkeypatch.setattr(writer_module, "BATCH_ROWS", 3)
    path = tmp_path / "t.parquet"
    with pytest.raises(ContainerError) as info, open_writer(path) as w:
        w.write_many([{"id": "a", "v": first}] * 3)
        w.write_many([{"id": "b", "v": first}, {"id": "c", "v": later}])
        w.write({"id": "d", "v": first})  # the batch is only written when full
    assert (info.value.number, info.value.field) == (5, "v")
    assert f"does not fit the column's type {type_name}" in info.value.message
    assert not path.exists()


def test_later_values_in_string_columns_are_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "BATCH_ROWS", 2)
    path = tmp_path / "s.parquet"
    with open_writer(path) as w:
        w.write_many([{"v": "a"}, {"v": "b"}, {"v": 3}, {"v": True}, {"v": [1]}, {"v": 2.5}])
    assert [r.data for r in read(path)] == [
        {"v": "a"},
        {"v": "b"},
        {"v": "3"},
        {"v": "true"},
        {"v": "[1]"},
        {"v": "2.5"},
    ]


def test_ints_in_float_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "BATCH_ROWS", 1)
    path = tmp_path / "f.parquet"
    with open_writer(path) as w:
        w.write_many([{"v": 0.5}, {"v": 2}, {"v": None}])
    assert [r.data for r in read(path)] == [{"v": 0.5}, {"v": 2.0}, {"v": None}]


def test_many_batches_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "m.parquet"
    records = [{"i": i, "t": f"行 {i}"} for i in range(25_000)]
    with open_writer(path) as w:
        w.write_many(records)
    assert pq.ParquetFile(path).metadata.num_row_groups >= 3
    assert [r.data for r in read(path)] == records


def test_empty_file_without_columns(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    with open_writer(path):
        pass
    with open_source(path) as source:
        assert source.columns == []
        assert list(source) == []
