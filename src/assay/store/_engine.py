"""Opening the database: engine settings per backend and automatic migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from assay.config import database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Connections per process: the web server runs sync routes on a threadpool of 40, each holding a
# session while it works; SQLAlchemy's default (5 + 10 overflow) made requests wait and time out.
# Kept, not overflow: an overflow connection is closed when it is returned, so with 10 kept and more
# requests than that in flight, every request beyond the tenth opened a new PostgreSQL connection (a
# backend fork and authentication, milliseconds of CPU): at 50 concurrent annotators on 4 app
# processes that halved throughput. The pool only grows to what concurrency needs.
POOL = {"pool_size": 40, "max_overflow": 10, "pool_timeout": 60}
# Arbitrary constant naming Assay's advisory lock, so two app processes never migrate at once.
_PG_MIGRATION_LOCK = 0x4153_5341


class Database:
    """One database: an engine, a session factory and the migration state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # Made once: `Engine.execution_options` builds a new option engine on every call, which was 5%
        # of a next-task request's CPU when write_session made it per transaction.
        self._immediate = engine.execution_options(assay_begin="IMMEDIATE")

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        return self.sessions()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction that takes the write lock up front.

        On SQLite a deferred transaction that reads and then writes can fail with SQLITE_BUSY when
        another writer got in between (the busy timeout does not help lock upgrades); BEGIN IMMEDIATE
        waits for the lock instead, which makes SQLite's single writer the serialisation point.
        """
        with self.engine.connect().execution_options(assay_begin="IMMEDIATE") as conn, conn.begin():
            yield conn

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session in one write transaction (BEGIN IMMEDIATE on SQLite); commits on success."""
        with Session(self._immediate, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module, which otherwise begins
        # transactions lazily and commits before DDL; SQLAlchemy then emits BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("assay_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        in_memory = "///" not in url or path in ("", ":memory:")  # SingletonThreadPool: no overflow settings
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, json_serializer=_json_dumps,
            **({} if in_memory else POOL),
        )
        _sqlite_setup(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps, **POOL)


def _json_dumps(value: Any) -> str:
    # orjson is several times faster than the stdlib on the import path, and keeps non-ASCII as is.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`. Safe to call from several processes at once."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            conn.commit()
        try:
            if revision == "head" and MigrationContext.configure(conn).get_current_revision() == head_revision():
                return
            command.upgrade(alembic_config(conn), revision)
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.commit()


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.connect() as conn:
        command.downgrade(alembic_config(conn), revision)
        conn.commit()


def open_database(url: str | None = None, *, migrate_schema: bool = True) -> Database:
    """Open (and by default migrate) the database at `url`, `ASSAY_DATABASE_URL` or the SQLite default."""
    engine = make_engine(database_url(url))
    if migrate_schema:
        migrate(engine)
    return Database(engine)
