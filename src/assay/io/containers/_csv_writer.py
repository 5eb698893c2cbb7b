"""CSV/TSV writer: header first, minimal quoting, every value as text."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from ._values import encode_error, to_text
from ._writer import RecordWriter

BUFFER_SIZE = 1 << 20


class CsvWriter(RecordWriter):
    def __init__(self, path: Path, container: str, columns: Sequence[str] | None) -> None:
        super().__init__(path, container, columns)
        self._file = open(self._temp, "w", encoding="utf-8", newline="", buffering=BUFFER_SIZE)  # noqa: SIM115
        # "\r\n" is RFC 4180, and it is also what makes QUOTE_MINIMAL quote cells holding a lone
        # "\r": the csv module only quotes the characters of its own line terminator.
        self._csv = csv.writer(
            self._file,
            delimiter="\t" if container == "tsv" else ",",
            quoting=csv.QUOTE_MINIMAL,
            lineterminator="\r\n",
        )
        self._header_written = False

    def _write_header(self, columns: list[str]) -> None:
        self._csv.writerow(columns)
        self._header_written = True

    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        writerow = self._csv.writerow
        n = self.count
        record: Mapping[str, Any] = {}
        try:
            for record in records:
                n += 1
                if not self._header_written:
                    self._write_header(self._columns_from(record))
                self._check_keys(record, n)
                get = record.get
                writerow([to_text(get(c)) for c in self.columns or ()])
                self.count = n
        except (TypeError, UnicodeEncodeError, orjson.JSONEncodeError) as e:
            raise encode_error(self.path, e, n, record) from e

    def _finish(self) -> None:
        if not self._header_written and self.columns:
            self._write_header(self.columns)
        self._file.close()

    def _abandon(self) -> None:
        self._file.close()
