"""XLSX reader and writer: no formulas from data, no truncation, exact round trips of odd text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from assay.io.containers import ContainerError, SourceRecord, open_source, open_writer


def write(path: Path, records: list[dict[str, Any]], **kwargs: Any) -> Path:
    with open_writer(path, **kwargs) as w:
        w.write_many(records)
    return path


def read(path: Path, **kwargs: Any) -> list[SourceRecord]:
    with open_source(path, **kwargs) as source:
        return list(source)


DANGEROUS = [
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(1)",
    '=HYPERLINK("http://example.com","x")',
    "http://example.com/not-a-link",
    "0123",
    "1e5",
]


def test_formulas_are_never_created_from_data(tmp_path: Path) -> None:
    path = write(tmp_path / "f.xlsx", [{"v": v} for v in DANGEROUS])
    assert [r.data for r in read(path)] == [{"v": v} for v in DANGEROUS]
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"
    assert not sheet._hyperlinks


ODD_TEXT = [
    "\x0b vertical tab",
    "nul \x00 inside",
    "all controls \x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x1f",
    "_x000B_ looks like an escape",
    "_x005F_x000B_ overlapping escapes",
    "_x0041__x0042_",
    "<r>looks like rich text</r>",
    '<r><t>x</t></r></is></c><c r="B2"><f>1+1</f></c><c><is><r><t>y</t></r>',
    "cr\ronly",
    "crlf\r\nand lf\n",
    "\ttab first",
    "  spaces  ",
    "emoji 😀 and 中文 and \u2028",
    r"\frac{1}{2} \\ backslashes",
    "&amp; <tag> 'quotes' \"double\"",
]


def test_odd_text_round_trips_exactly(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.xlsx", [{"v": v} for v in ODD_TEXT])
    assert [r.data for r in read(path)] == [{"v": v} for v in ODD_TEXT]
    # The file is valid for other readers too (openpyxl does not decode _xHHHH_, so only load it).
    openpyxl.load_workbook(path)


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ud83d"])
def test_unstorable_characters_are_refused(tmp_path: Path, char: str) -> None:
    path = tmp_path / "u.xlsx"
    with pytest.raises(ContainerError) as info:
        write(path, [{"ok": "x", "v": "a" + char}])
    assert (info.value.number, info.value.field) == (1, "v")
    assert f"U+{ord(char):04X} cannot be stored in xlsx" in info.value.message
    assert not path.exists()


def test_long_text_is_refused_by_default(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(ContainerError) as info:
        write(path, [{"id": "a", "text": "short"}, {"id": "b", "text": "x" * 40_000}])
    error = info.value
    assert (error.number, error.field) == (2, "text")
    assert "40,000 characters" in error.message
    assert "32,767" in error.message
    assert "JSONL or Parquet" in error.message
    assert "xlsx_overflow='split'" in error.message
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["long.xlsx"]


def test_excel_counts_utf16_units(tmp_path: Path) -> None:
    # 20,000 emoji are 40,000 UTF-16 units: too long for a cell although len() says 20,000.
    with pytest.raises(ContainerError, match="40,000 characters"):
        write(tmp_path / "e.xlsx", [{"text": "😀" * 20_000}])
    write(tmp_path / "ok.xlsx", [{"text": "😀" * 16_383}])


def test_long_text_split_mode_round_trips(tmp_path: Path) -> None:
    long_ascii = "".join(chr(97 + i % 26) for i in range(100_000))
    long_mixed = ("中文😀\x0b_x000B_" * 9_000)[:70_001]
    records = [
        {"id": "1", "text": long_ascii, "other": "short"},
        {"id": "2", "text": "short", "other": long_mixed},
        {"id": "3", "text": "x" * 32_767, "other": ""},
    ]
    path = write(tmp_path / "split.xlsx", records, xlsx_overflow="split")
    assert [r.data for r in read(path)] == records
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["data", "assay_overflow"]
    for row in book.get_sheet_by_name("data").iter_rows():
        for cell in row:
            assert len(str(cell).encode("utf-16-le")) // 2 <= 32_767
    overflow = [tuple(row) for row in book.get_sheet_by_name("assay_overflow").iter_rows()]
    assert overflow[0] == ("row", "column", "part", "text")
    assert [row[:3] for row in overflow[1:]] == [
        (2.0, "text", 1.0),
        (2.0, "text", 2.0),
        (2.0, "text", 3.0),
        (3.0, "other", 1.0),
        (3.0, "other", 2.0),
    ]


def test_numbers_booleans_and_empties(tmp_path: Path) -> None:
    records: list[dict[str, Any]] = [
        {
            "int": 123,
            "float": 1.5,
            "whole_float": 2.0,
            "bool": True,
            "none": None,
            "big": 2**60,
            "text": "123",
        },
        {
            "int": -7,
            "float": float("nan"),
            "whole_float": 0.0,
            "bool": False,
            "none": None,
            "big": -(2**53),
            "text": "",
        },
    ]
    path = write(tmp_path / "n.xlsx", records)
    assert [r.data for r in read(path)] == [
        {
            "int": 123,
            "float": 1.5,
            "whole_float": 2,
            "bool": True,
            "none": "",
            "big": str(2**60),
            "text": "123",
        },
        {"int": -7, "float": "nan", "whole_float": 0, "bool": False, "none": "", "big": -(2**53), "text": ""},
    ]


def _workbook(path: Path, build: Any) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    build(book, sheet)
    book.close()
    return path


def test_dates_become_iso_strings(tmp_path: Path) -> None:
    def build(book: Any, sheet: Any) -> None:
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write_row(0, 0, ["date", "datetime"])
        sheet.write_datetime(1, 0, dt.date(2024, 2, 29), date_format)
        sheet.write_datetime(1, 1, dt.datetime(2024, 2, 29, 13, 45, 30), datetime_format)

    path = _workbook(tmp_path / "d.xlsx", build)
    assert [r.data for r in read(path)] == [{"date": "2024-02-29", "datetime": "2024-02-29T13:45:30"}]


def test_excel_row_numbers_and_skipped_rows(tmp_path: Path) -> None:
    def build(book: Any, sheet: Any) -> None:
        sheet.write_row(2, 0, ["a", "b"])  # header on Excel row 3, after two empty rows
        sheet.write_row(3, 0, ["x", 1])
        sheet.write_row(5, 0, ["y", 2])  # row 5 is empty
        sheet.write_row(6, 0, ["z", 0])
        sheet.write(7, 0, "")  # trailing empty row

    path = _workbook(tmp_path / "r.xlsx", build)
    with open_source(path) as source:
        assert source.columns == ["a", "b"]
        assert list(source) == [
            SourceRecord(4, {"a": "x", "b": 1}),
            SourceRecord(6, {"a": "y", "b": 2}),
            SourceRecord(7, {"a": "z", "b": 0}),
        ]


def test_value_without_header_is_an_error_record(tmp_path: Path) -> None:
    def build(book: Any, sheet: Any) -> None:
        sheet.write_row(0, 0, ["a", "b"])
        sheet.write_row(1, 0, ["1", "2"])
        sheet.write_row(2, 0, ["1", "2", "stray"])

    path = _workbook(tmp_path / "s.xlsx", build)
    assert read(path) == [
        SourceRecord(2, {"a": "1", "b": "2"}),
        SourceRecord(3, None, "row has a value in column C, which has no header"),
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["a", "b", "a"], "the header names column 'a' twice (columns A and C)"),
        (["a", "", "c"], "column B of the header has no name"),
    ],
)
def test_bad_headers(tmp_path: Path, header: list[str], message: str) -> None:
    def build(book: Any, sheet: Any) -> None:
        sheet.write_row(0, 0, header)
        sheet.write_row(1, 0, ["1", "2", "3"])

    path = _workbook(tmp_path / "h.xlsx", build)
    with pytest.raises(ContainerError) as info:
        open_source(path)
    assert info.value.message == message
    assert info.value.number == 1


def test_numeric_header_names(tmp_path: Path) -> None:
    def build(book: Any, sheet: Any) -> None:
        sheet.write_row(0, 0, [2024, 1.5, "x"])
        sheet.write_row(1, 0, [1, 2, 3])

    path = _workbook(tmp_path / "nh.xlsx", build)
    with open_source(path) as source:
        assert source.columns == ["2024", "1.5", "x"]


def test_sheet_selection(tmp_path: Path) -> None:
    def build(book: Any, sheet: Any) -> None:
        sheet.write_row(0, 0, ["first"])
        sheet.write_row(1, 0, ["1"])
        other = book.add_worksheet("Other")
        other.write_row(0, 0, ["second"])
        other.write_row(1, 0, ["2"])

    path = _workbook(tmp_path / "sheets.xlsx", build)
    assert [r.data for r in read(path)] == [{"first": "1"}]
    assert [r.data for r in read(path, sheet="Other")] == [{"second": "2"}]
    with pytest.raises(ContainerError, match="no sheet named 'Missing'; sheets: 'Sheet1', 'Other'"):
        open_source(path, sheet="Missing")


def test_workbook_written_by_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "o.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["prompt", "score", "ok"])
    sheet.append(["中文 😀", 4, True])
    sheet.append(["second", 2.5, None])
    book.save(path)
    assert [r.data for r in read(path)] == [
        {"prompt": "中文 😀", "score": 4, "ok": True},
        {"prompt": "second", "score": 2.5, "ok": ""},
    ]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"plain text")
    with pytest.raises(ContainerError, match="not a readable xlsx workbook"):
        open_source(path)


def test_empty_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "e.xlsx", lambda book, sheet: None)
    with pytest.raises(ContainerError, match="is empty; a header row is required"):
        open_source(path)


def test_too_long_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContainerError, match="longer than the 32,767"):
        write(tmp_path / "h.xlsx", [{"x" * 40_000: 1}], xlsx_overflow="split")


def test_overflow_sheet_can_be_read_raw(tmp_path: Path) -> None:
    path = write(tmp_path / "raw.xlsx", [{"text": "y" * 40_000}], xlsx_overflow="split")
    raw = read(path, sheet="assay_overflow")
    assert [r.data for r in raw] == [{"row": 2, "column": "text", "part": 1, "text": "y" * (40_000 - 32_767)}]
