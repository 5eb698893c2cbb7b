"""What readers yield (`SourceRecord`) and the shape every reader shares (`RecordSource`)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ._errors import ContainerError


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record read from a container, or the reason it could not be read.

    ``number`` locates it: the 1-based physical line where it starts (jsonl, csv, tsv), the 1-based
    element index (json), the 1-based data row (parquet) or the row number Excel shows (xlsx).
    """

    number: int
    data: dict[str, Any] | None
    error: str | None = None
    field: str | None = None

    def __init__(
        self,
        number: int,
        data: dict[str, Any] | None,
        error: str | None = None,
        field: str | None = None,
    ) -> None:
        # One of these is built per record on the import hot path. The generated frozen __init__
        # goes through object.__setattr__ and costs ~430 ns; the slot descriptors cost ~260 ns.
        _set_number(self, number)
        _set_data(self, data)
        _set_error(self, error)
        _set_field(self, field)


_Setter = Callable[[SourceRecord, Any], None]
_set_number: _Setter = vars(SourceRecord)["number"].__set__
_set_data: _Setter = vars(SourceRecord)["data"].__set__
_set_error: _Setter = vars(SourceRecord)["error"].__set__
_set_field: _Setter = vars(SourceRecord)["field"].__set__


class RecordSource:
    """A single-pass stream of `SourceRecord` from one file.

    ``total`` and ``progress`` share a unit (bytes for jsonl/json/csv/tsv, rows for parquet/xlsx) and
    ``progress`` is refreshed per chunk or batch, so a progress bar can poll it between records.
    """

    path: Path
    container: str
    location: str
    total: int | None
    progress: int
    columns: list[str] | None

    def __init__(
        self,
        path: Path,
        container: str,
        *,
        location: str,
        total: int | None,
        columns: list[str] | None = None,
    ) -> None:
        self.path = path
        self.container = container
        self.location = location
        self.total = total
        self.progress = 0
        self.columns = columns
        self._iterator: Generator[SourceRecord, None, None] | None = None
        self._closed = False

    def __iter__(self) -> Iterator[SourceRecord]:
        if self._iterator is not None or self._closed:
            raise ContainerError(self.path, "a record source can be read only once; open the file again")
        self._iterator = self._guarded()
        return self._iterator

    def _guarded(self) -> Generator[SourceRecord, None, None]:
        try:
            yield from self._records()
        finally:
            self._release()

    def _records(self) -> Iterator[SourceRecord]:
        raise NotImplementedError

    def _release(self) -> None:
        """Close whatever the subclass holds open; must be safe to call twice."""

    def close(self) -> None:
        self._closed = True
        if self._iterator is not None:
            self._iterator.close()
        self._release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.container} {str(self.path)!r}>"
