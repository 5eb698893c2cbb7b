"""XLSX reader on python-calamine (Rust): loads one sheet, then yields its rows as records.

Excel stores every number as a double, so integral values come back as ints; dates become ISO
strings; empty cells are "". Text longer than a cell can hold was split by our writer into the
``assay_overflow`` sheet, and is joined back here so the round trip is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import python_calamine as calamine

from ._errors import ContainerError
from ._record import RecordSource, SourceRecord

OVERFLOW_SHEET = "assay_overflow"
OVERFLOW_COLUMNS = ("row", "column", "part", "text")
CELL_LIMIT = 32_767  # Excel's maximum characters in one cell (UTF-16 code units)
_EXACT_INT = 1 << 53
_PROGRESS_EVERY = 1024


def cell_value(value: Any) -> Any:
    t = type(value)
    if t is str or t is bool or t is int:
        return value
    if t is float:
        return int(value) if value.is_integer() and -_EXACT_INT <= value <= _EXACT_INT else value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def column_letter(index: int) -> str:
    """Excel's name for the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class XlsxSource(RecordSource):
    def __init__(self, path: Path, sheet: str | None = None) -> None:
        try:
            book = calamine.CalamineWorkbook.from_path(str(path))
        except Exception as e:  # calamine raises several unrelated types for a bad file
            raise ContainerError(path, f"not a readable xlsx workbook: {e}") from e
        try:
            names = list(book.sheet_names)
            chosen = self._choose(path, names, sheet)
            self._sheet = book.get_sheet_by_name(chosen)
            # Our writer puts the records in the first sheet and their continuations in OVERFLOW_SHEET.
            ours = OVERFLOW_SHEET in names and chosen == self._choose(path, names, None)
            self._overflow = self._read_overflow(path, book) if ours else {}
        except ContainerError:
            raise
        except Exception as e:
            raise ContainerError(path, f"cannot read sheet: {e}") from e
        finally:
            book.close()
        self.sheet = chosen
        end = self._sheet.end
        super().__init__(path, "xlsx", location="row", total=0 if end is None else end[0] + 1)
        self._rows = iter(self._sheet.iter_rows())
        self._index = 0  # rows consumed from the sheet; Excel numbers them from 1
        self.columns = self._read_header()

    @staticmethod
    def _choose(path: Path, names: list[str], sheet: str | None) -> str:
        if sheet is not None:
            if sheet not in names:
                raise ContainerError(path, f"no sheet named {sheet!r}; sheets: {', '.join(map(repr, names))}")
            return sheet
        for name in names:
            if name != OVERFLOW_SHEET:
                return name
        raise ContainerError(path, "the workbook has no sheets")

    def _read_header(self) -> list[str]:
        for row in self._rows:
            self._index += 1
            if row.count("") == len(row):
                continue
            names = [str(cell_value(c)) for c in row]
            while names and not names[-1].strip():
                names.pop()
            for i, name in enumerate(names):
                if not name.strip():
                    raise ContainerError(
                        self.path, f"column {column_letter(i)} of the header has no name", number=self._index
                    )
            seen: dict[str, int] = {}
            for i, name in enumerate(names):
                if name in seen:
                    raise ContainerError(
                        self.path,
                        f"the header names column {name!r} twice (columns {column_letter(seen[name])} "
                        f"and {column_letter(i)})",
                        number=self._index,
                    )
                seen[name] = i
            return names
        raise ContainerError(self.path, f"sheet {self.sheet!r} is empty; a header row is required")

    def _read_overflow(self, path: Path, book: calamine.CalamineWorkbook) -> dict[int, dict[str, str]]:
        rows = book.get_sheet_by_name(OVERFLOW_SHEET).iter_rows()
        header = next(rows, None)
        if header is None or tuple(header[:4]) != OVERFLOW_COLUMNS:
            raise ContainerError(
                path, f"sheet {OVERFLOW_SHEET!r} must start with the header {', '.join(OVERFLOW_COLUMNS)}"
            )
        parts: dict[tuple[int, str], list[tuple[int, str]]] = {}
        for excel_row, row in enumerate(rows, start=2):
            if row.count("") == len(row):
                continue
            try:
                target, column, part, text = int(row[0]), str(row[1]), int(row[2]), row[3]  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise ContainerError(
                    path, f"malformed row in sheet {OVERFLOW_SHEET!r}", number=excel_row
                ) from None
            parts.setdefault((target, column), []).append((part, str(text)))
        joined: dict[int, dict[str, str]] = {}
        for (target, column), pieces in parts.items():
            pieces.sort()
            joined.setdefault(target, {})[column] = "".join(text for _, text in pieces)
        return joined

    def _records(self) -> Iterator[SourceRecord]:
        assert self.columns is not None
        columns = self.columns
        width = len(columns)
        overflow = self._overflow
        record = SourceRecord
        for row in self._rows:
            self._index += 1
            number = self._index
            if not number % _PROGRESS_EVERY:
                self.progress = number
            if row.count("") == len(row):
                continue
            extra = row[width:]
            if extra.count("") != len(extra):
                column = next(i for i, c in enumerate(extra) if c != "") + width
                yield record(
                    number, None, f"row has a value in column {column_letter(column)}, which has no header"
                )
                continue
            data = {name: cell_value(value) for name, value in zip(columns, row, strict=False)}
            if number in overflow:
                for column_name, rest in overflow[number].items():
                    if column_name not in data:
                        yield record(
                            number, None, f"{OVERFLOW_SHEET!r} continues an unknown column", column_name
                        )
                        break
                    data[column_name] = str(data[column_name]) + rest
                else:
                    yield record(number, data)
                continue
            yield record(number, data)
        self.progress = self.total or self._index
