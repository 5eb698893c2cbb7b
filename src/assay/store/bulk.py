"""Bulk inserts without per-row ORM or Core parameter processing.

The import path writes millions of rows; SQLAlchemy's per-row bind processing cost more than SQLite's
own insert work (measured: bench/import_bench.py). Here rows are plain tuples in column order:
SQLite gets one `executemany`, PostgreSQL a binary-free `COPY ... FROM STDIN`. Values are converted once,
by column kind, exactly as SQLAlchemy would store them, so the ORM reads them back unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, DateTime, Table, TypeDecorator

# SQLAlchemy's storage format for DateTime on SQLite (see sqlalchemy.dialects.sqlite.DATETIME).
_SQLITE_DT = "%Y-%m-%d %H:%M:%S.%f"


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _sqlite_dt(value: datetime | None) -> str | None:
    # Aware UTC datetimes are stored naive, as SQLAlchemy does on SQLite.
    return None if value is None else value.replace(tzinfo=None).strftime(_SQLITE_DT)


class _Memo:
    """Remembers the last conversion: a batch usually shares one timestamp."""

    def __init__(self) -> None:
        self.key: Any = object()
        self.value: Any = None

    def __call__(self, value: Any) -> Any:
        if value is not self.key:
            self.key, self.value = value, _sqlite_dt(value)
        return self.value


def _impl(t: Any) -> Any:
    """The underlying type of a TypeDecorator column (UTCDateTime is a DateTime underneath)."""
    return t.impl if isinstance(t, TypeDecorator) else t


class BulkInserter:
    """Inserts rows (tuples in `columns` order) into one table, converting values once per column."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str], *, json_encoded: bool = False) -> None:
        """`json_encoded`: JSON columns arrive already encoded as text (the caller did it elsewhere)."""
        self.conn = conn
        self.table = table
        self.columns = list(columns)
        self.sqlite = conn.dialect.name == "sqlite"
        self._json_cols = [] if json_encoded else [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
        self._dt_cols = [i for i, c in enumerate(columns) if isinstance(_impl(table.c[c].type), DateTime)]
        self._bool_cols = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Boolean)]
        self._dt = _Memo()
        names = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            self._sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        else:
            self._sql = f'COPY "{table.name}" ({names}) FROM STDIN'

    def insert(self, rows: list[list[Any]]) -> None:
        """Insert `rows`; each row is a mutable list and is converted in place."""
        if not rows:
            return
        for row in rows:
            for i in self._json_cols:
                row[i] = _json(row[i])
            if self.sqlite:
                for i in self._dt_cols:
                    row[i] = self._dt(row[i])
                for i in self._bool_cols:
                    row[i] = int(row[i])
        # The DBAPI connection under SQLAlchemy's, so the rows join the same open transaction.
        raw: Any = self.conn.connection.dbapi_connection
        if self.sqlite:
            cur = raw.cursor()
            try:
                cur.executemany(self._sql, rows)
            finally:
                cur.close()
            return
        with raw.cursor() as cur, cur.copy(self._sql) as copy:
            for row in rows:
                copy.write_row(row)
