"""XLSX writer on xlsxwriter in constant-memory mode (rows stream to disk as they are written).

Data never becomes a formula, number or link: every string goes through write_string. Text longer
than a cell holds is refused, or with ``xlsx_overflow="split"`` continued in the ``assay_overflow``
sheet, which our reader joins back. Never truncated.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import orjson
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ._errors import ContainerError
from ._values import encode_error, to_text
from ._writer import RecordWriter
from ._xlsx import CELL_LIMIT, OVERFLOW_COLUMNS, OVERFLOW_SHEET

DATA_SHEET = "data"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_EXACT_INT = 1 << 53

_LITERAL_ESCAPE = re.compile(r"_(?=x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
# XML 1.0 cannot carry these at all, and Excel's _xHHHH_ escape for them is not read back.
_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def escape_cell_text(data: Any) -> Any:
    """Excel's _xHHHH_ escaping, done so that every string reads back exactly.

    xlsxwriter's own version escapes literal "_xHHHH_" text with a non-overlapping regex, so
    "_x005F_x000B_" comes back as "_x005F\\x0b"; and in constant-memory mode it writes any string
    that looks like "<r>...</r>" into the XML unescaped (it takes it for a rich string), which loses
    the text and lets data inject XML. Escaping the leading "<" as _x003C_ defuses that.
    """
    if not isinstance(data, str):
        return data
    if "_x" in data:
        data = _LITERAL_ESCAPE.sub("_x005F_", data)
    if _CONTROL.search(data):
        data = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", data)
    if data.startswith("<r>") and data.endswith("</r>"):
        data = "_x003C_" + data[1:]
    return data


class _SafeWorksheet(Worksheet):
    _escape_control_characters = staticmethod(escape_cell_text)


# The fix above overrides a private hook; if xlsxwriter ever renames it, refuse to write rather than
# write files that do not read back.
_HOOK_PRESENT = callable(getattr(Worksheet, "_escape_control_characters", None))


def utf16_units(text: str) -> int:
    """Length as Excel counts it: characters outside the BMP take two UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_for_cells(text: str, limit: int = CELL_LIMIT) -> list[str]:
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        while (excess := utf16_units(text[start:end]) - limit) > 0:
            end -= excess  # each character dropped frees at least one unit
        parts.append(text[start:end])
        start = end
    return parts


class XlsxWriter(RecordWriter):
    def __init__(
        self,
        path: Path,
        container: str,
        columns: Sequence[str] | None,
        overflow: Literal["error", "split"],
    ) -> None:
        if not _HOOK_PRESENT:
            raise ContainerError(path, f"xlsxwriter {xlsxwriter.__version__} is not supported for writing")
        super().__init__(path, container, columns)
        self._overflow_mode = overflow
        # xlsxwriter's row files go here so an aborted writer can remove them all at once.
        self._scratch = tempfile.mkdtemp(prefix="assay-xlsx-")
        weakref.finalize(self, shutil.rmtree, self._scratch, True)
        self._book = xlsxwriter.Workbook(
            str(self._temp),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "tmpdir": self._scratch,
            },
        )
        self._sheet = self._book.add_worksheet(DATA_SHEET, worksheet_class=_SafeWorksheet)
        self._overflow: Worksheet | None = None
        self._overflow_row = 1
        self._row = 0  # next 0-based sheet row; the header is row 0

    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        n = self.count
        record: Mapping[str, Any] = {}
        try:
            for record in records:
                n += 1
                columns = self._columns_from(record)
                if self._row == 0:
                    self._write_header(columns)
                self._check_keys(record, n)
                if self._row >= MAX_ROWS:
                    raise ContainerError(
                        self.path,
                        f"an xlsx sheet holds at most {MAX_ROWS - 1:,} records; write JSONL or Parquet instead",
                        number=n,
                    )
                get = record.get
                for col, name in enumerate(columns):
                    value = get(name)
                    if value is not None:
                        self._cell(col, value, name, n)
                self._row += 1
                self.count = n
        except (TypeError, orjson.JSONEncodeError) as e:
            raise encode_error(self.path, e, n, record) from e

    def _write_header(self, columns: list[str]) -> None:
        if len(columns) > MAX_COLUMNS:
            raise ContainerError(self.path, f"an xlsx sheet holds at most {MAX_COLUMNS:,} columns")
        for col, name in enumerate(columns):
            self._text(self._sheet, 0, col, name, name, None, allow_split=False)
        self._row = 1

    def _cell(self, col: int, value: Any, name: str, number: int) -> None:
        t = type(value)
        sheet = self._sheet
        if t is bool:
            sheet.write_boolean(self._row, col, value)
            return
        if t is int and -_EXACT_INT <= value <= _EXACT_INT:
            sheet.write_number(self._row, col, value)
            return
        if t is float and math.isfinite(value):
            sheet.write_number(self._row, col, value)
            return
        # Integers Excel's doubles cannot hold exactly, NaN/inf and everything else are written as text.
        text = value if t is str else to_text(value)
        self._text(sheet, self._row, col, text, name, number, allow_split=True)

    def _text(
        self,
        sheet: Worksheet,
        row: int,
        col: int,
        text: str,
        name: str,
        number: int | None,
        *,
        allow_split: bool,
    ) -> None:
        if not text.isascii() and (bad := _UNWRITABLE.search(text)):
            raise ContainerError(
                self.path,
                f"character U+{ord(bad.group()):04X} cannot be stored in xlsx; write JSONL or Parquet instead",
                number=number,
                field=name,
            )
        if len(text) > CELL_LIMIT // 2 and (units := utf16_units(text)) > CELL_LIMIT:
            if not allow_split or self._overflow_mode != "split":
                hint = (
                    ""
                    if not allow_split
                    else ", or pass xlsx_overflow='split' to continue it in another sheet"
                )
                raise ContainerError(
                    self.path,
                    f"text of {units:,} characters is longer than the {CELL_LIMIT:,} an xlsx cell can hold; "
                    f"write JSONL or Parquet instead{hint}",
                    number=number,
                    field=name,
                )
            first, *rest = split_for_cells(text)
            self._continue(row + 1, name, rest)
            text = first
        status = sheet.write_string(row, col, text)
        if status != 0:  # a safety net: xlsxwriter signals truncation or range errors this way
            raise ContainerError(
                self.path, f"xlsxwriter refused the cell (code {status})", number=number, field=name
            )

    def _continue(self, excel_row: int, name: str, parts: list[str]) -> None:
        if self._overflow is None:
            self._overflow = self._book.add_worksheet(OVERFLOW_SHEET, worksheet_class=_SafeWorksheet)
            for col, heading in enumerate(OVERFLOW_COLUMNS):
                self._overflow.write_string(0, col, heading)
        for index, part in enumerate(parts, start=1):
            if self._overflow_row >= MAX_ROWS:
                raise ContainerError(
                    self.path, f"the {OVERFLOW_SHEET!r} sheet is full; write JSONL or Parquet"
                )
            sheet = self._overflow
            sheet.write_number(self._overflow_row, 0, excel_row)
            sheet.write_string(self._overflow_row, 1, name)
            sheet.write_number(self._overflow_row, 2, index)
            sheet.write_string(self._overflow_row, 3, part)
            self._overflow_row += 1

    def _finish(self) -> None:
        try:
            if self._row == 0 and self.columns:
                self._write_header(self.columns)
            self._book.close()
        finally:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _abandon(self) -> None:
        for sheet in self._book.worksheets():
            handle = getattr(sheet, "row_data_fh", None)
            if handle is not None:
                handle.close()
        shutil.rmtree(self._scratch, ignore_errors=True)
