"""CSV/TSV reader and writer: header rules, physical line numbers, strings only, encodings."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assay.io.containers import ContainerError, SourceRecord, open_source, open_writer


def read_bytes(tmp_path: Path, content: bytes, name: str = "d.csv") -> list[SourceRecord]:
    path = tmp_path / name
    path.write_bytes(content)
    with open_source(path) as source:
        return list(source)


def test_multiline_cells_and_physical_line_numbers(tmp_path: Path) -> None:
    content = b'id,text\n1,"first\nsecond\nthird"\n2,plain\n\n3,"a ""quoted"" word"\n'
    assert read_bytes(tmp_path, content) == [
        SourceRecord(2, {"id": "1", "text": "first\nsecond\nthird"}),
        SourceRecord(5, {"id": "2", "text": "plain"}),
        SourceRecord(7, {"id": "3", "text": 'a "quoted" word'}),
    ]


def test_bom_and_crlf(tmp_path: Path) -> None:
    content = b'\xef\xbb\xbfprompt,answer\r\nhi,"x\r\ny"\r\n'
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    with open_source(path) as source:
        assert source.columns == ["prompt", "answer"]
        assert list(source) == [SourceRecord(2, {"prompt": "hi", "answer": "x\r\ny"})]


def test_old_mac_line_endings(tmp_path: Path) -> None:
    assert read_bytes(tmp_path, b"a,b\r1,2\r3,4\r") == [
        SourceRecord(2, {"a": "1", "b": "2"}),
        SourceRecord(3, {"a": "3", "b": "4"}),
    ]


def test_empty_cells_are_empty_strings(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'a,b,c\n,"",x\nNA,null,\n')
    assert [r.data for r in got] == [{"a": "", "b": "", "c": "x"}, {"a": "NA", "b": "null", "c": ""}]


def test_values_stay_strings(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b"n,f,b,d\n007,1e5,true,2024-01-01\n")
    assert got[0].data == {"n": "007", "f": "1e5", "b": "true", "d": "2024-01-01"}


def test_wrong_cell_count_is_an_error_record(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b"a,b,c,d\n1,2,3,4\n1,2,3,4,5\n1\n1,2,3,4\n")
    assert got == [
        SourceRecord(2, {"a": "1", "b": "2", "c": "3", "d": "4"}),
        SourceRecord(3, None, "row has 5 cells, header has 4"),
        SourceRecord(4, None, "row has 1 cell, header has 4"),
        SourceRecord(5, {"a": "1", "b": "2", "c": "3", "d": "4"}),
    ]


def test_blank_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b"a,b\n\n,\n  \n1,2\n,,\n")
    assert got == [SourceRecord(5, {"a": "1", "b": "2"})]


def test_malformed_quote_is_an_error_and_reading_goes_on(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'a,b\n"q"z,3\n4,5\n')
    assert got[0].number == 2 and got[0].data is None and "malformed CSV" in (got[0].error or "")
    assert got[1] == SourceRecord(3, {"a": "4", "b": "5"})


def test_unterminated_quote_at_end(tmp_path: Path) -> None:
    got = read_bytes(tmp_path, b'a,b\n1,2\n"open,3\n4,5\n')
    assert got[0] == SourceRecord(2, {"a": "1", "b": "2"})
    assert got[1].number == 3 and "unexpected end of data" in (got[1].error or "")


def test_big_cells(tmp_path: Path) -> None:
    big = "长文本" * 40_000  # 120k characters, well past the stdlib's 128 KiB default limit in bytes
    path = tmp_path / "big.csv"
    with open_writer(path) as w:
        w.write({"id": 1, "text": big})
    with open_source(path) as source:
        assert [r.data for r in source] == [{"id": "1", "text": big}]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"a,b,a\n", "the header names column 'a' twice (columns 1 and 3)"),
        (b"a,,c\n", "column 2 of the header has no name"),
        (b"a, ,c\n", "column 2 of the header has no name"),
    ],
)
def test_bad_headers(tmp_path: Path, header: bytes, message: str) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(header + b"1,2,3\n")
    with pytest.raises(ContainerError) as info:
        open_source(path)
    assert info.value.message == message
    assert str(info.value) == f"{path}:1: {message}"


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_header_is_required(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    with pytest.raises(ContainerError, match="header row is required"):
        open_source(path)


def test_header_after_blank_lines(tmp_path: Path) -> None:
    assert read_bytes(tmp_path, b"\n\na\nx\n") == [SourceRecord(4, {"a": "x"})]


def test_invalid_utf8_row_is_an_error_and_reading_goes_on(tmp_path: Path) -> None:
    rows = [b"id,text\n"] + [b"%d,fine\n" % i for i in range(3000)] + [b"bad,caf\xe9\n", b"after,ok\n"]
    got = read_bytes(tmp_path, b"".join(rows))
    assert len(got) == 3002
    bad = got[3000]
    assert bad == SourceRecord(
        3002, None, "invalid UTF-8: byte 0xe9 (the file must be saved as UTF-8)", "text"
    )
    assert got[3001] == SourceRecord(3003, {"id": "after", "text": "ok"})
    assert got[2999] == SourceRecord(3001, {"id": "2999", "text": "fine"})


def test_tsv(tmp_path: Path) -> None:
    content = 'a\tb\n1\t"has\ttab"\n2\t中文\n'.encode()
    got = read_bytes(tmp_path, content, "d.tsv")
    assert [r.data for r in got] == [{"a": "1", "b": "has\ttab"}, {"a": "2", "b": "中文"}]


@pytest.mark.parametrize("container", ["csv", "tsv"])
def test_writer_value_conversions(tmp_path: Path, container: str) -> None:
    path = tmp_path / f"w.{container}"
    records: list[dict[str, Any]] = [
        {"s": "x", "n": None, "t": True, "f": False, "i": 3, "x": 1.25, "d": {"k": [1, "中"]}},
        {"s": "only s"},
    ]
    with open_writer(path) as w:
        w.write_many(records)
    with open_source(path) as source:
        got = [r.data for r in source]
    assert got == [
        {"s": "x", "n": "", "t": "true", "f": "false", "i": "3", "x": "1.25", "d": '{"k":[1,"中"]}'},
        {"s": "only s", "n": "", "t": "", "f": "", "i": "", "x": "", "d": ""},
    ]


def test_writer_quotes_lone_carriage_returns(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    values = ["a\rb", "a\nb", "a\r\nb", "\r", 'q"', "a,b", " lead", "trail ", "\x00nul"]
    with open_writer(path) as w:
        w.write_many({"v": v} for v in values)
    with open_source(path) as source:
        assert [r.data for r in source] == [{"v": v} for v in values]


def test_written_csv_reads_in_pandas_and_stdlib(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    records = [{"text": "中文\nline", "n": ""}, {"text": "x,y", "n": "2"}]
    with open_writer(path) as w:
        w.write_many(records)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == records
    with open(path, newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == records


def test_writer_header_only_when_no_records(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    with open_writer(path, columns=["a", "b"]):
        pass
    assert path.read_bytes() == b"a,b\r\n"
