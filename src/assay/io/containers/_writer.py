"""`RecordWriter`: the shared life cycle of every writer.

Records go to a hidden temp file next to the destination; ``close()`` flushes, fsyncs and renames
it into place with ``os.replace``, so readers of the destination see the old file or the whole new
one, never half of it. Any error while writing aborts the writer (temp file removed, destination
untouched) and a failed writer can no longer be closed into a file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ._errors import ContainerError


def create_temp(destination: Path) -> Path:
    """An empty new file beside ``destination``. os.open honours the umask, so the published file
    gets the permissions a plain open() would have given it (mkstemp would make it 0600)."""
    if not destination.parent.is_dir():
        raise ContainerError(destination, f"directory {str(destination.parent)!r} does not exist")
    for _ in range(100):
        temp = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as e:
            raise ContainerError(destination, f"cannot write here: {e.strerror}") from e
        os.close(fd)
        return temp
    raise ContainerError(destination, "cannot create a temporary file beside the destination")


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


class RecordWriter:
    """Base class; use `open_writer`. Subclasses implement ``_write_many`` and ``_finish``/``_abandon``."""

    container: str
    path: Path
    count: int
    columns: list[str] | None

    def __init__(self, path: Path, container: str, columns: Sequence[str] | None = None) -> None:
        self.path = path
        self.container = container
        self.count = 0
        self.columns = [str(c) for c in columns] if columns is not None else None
        self._column_set: frozenset[str] | None = (
            frozenset(self.columns) if self.columns is not None else None
        )
        if self.columns is not None:
            _check_columns(path, self.columns)
        self._temp = create_temp(path)
        self._state = "open"
        # A writer dropped without close() must not leave its temp file behind.
        self._finalizer = weakref.finalize(self, _discard, self._temp)

    # -- public -----------------------------------------------------------------------------------

    def write(self, record: Mapping[str, Any]) -> None:
        self.write_many((record,))

    def write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        self._require_open()
        try:
            self._write_many(records)
        except BaseException:
            self.abort()
            raise

    def close(self) -> None:
        if self._state == "closed":
            return
        self._require_open()
        try:
            self._finish()
            _fsync(self._temp)
            os.replace(self._temp, self.path)
        except BaseException:
            self.abort()
            raise
        self._state = "closed"
        self._finalizer.detach()

    def abort(self) -> None:
        """Drop everything written so far; the destination is left as it was."""
        if self._state != "open":
            return
        self._state = "aborted"
        with contextlib.suppress(Exception):
            self._abandon()
        _discard(self._temp)
        self._finalizer.detach()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.container} {str(self.path)!r} {self._state}, {self.count} records>"
        )

    # -- for subclasses ---------------------------------------------------------------------------

    def _write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Complete and close the temp file."""
        raise NotImplementedError

    def _abandon(self) -> None:
        """Close the temp file without completing it."""

    def _require_open(self) -> None:
        if self._state != "open":
            raise ContainerError(self.path, f"the writer is {self._state}; open a new one")

    def _columns_from(self, record: Mapping[str, Any]) -> list[str]:
        """The column list, taken from the first record when none was given."""
        if self.columns is None:
            self.columns = [str(k) for k in record]
            _check_columns(self.path, self.columns)
            self._column_set = frozenset(self.columns)
        return self.columns

    def _check_keys(self, record: Mapping[str, Any], number: int) -> None:
        """Refuse keys outside the columns: a tabular file has nowhere to put them."""
        assert self._column_set is not None
        if not self._column_set.issuperset(record.keys()):
            extra = [k for k in record if k not in self._column_set]
            raise ContainerError(
                self.path,
                f"record has {_plural(len(extra), 'key')} not in the columns: "
                f"{', '.join(map(repr, extra[:5]))}; pass columns= listing every key",
                number=number,
            )


def _check_columns(path: Path, columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if not name.strip():
            raise ContainerError(path, "column names must not be empty")
        if name in seen:
            raise ContainerError(path, f"column {name!r} is listed twice")
        seen.add(name)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
