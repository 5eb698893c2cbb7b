"""Migrations: they apply from empty, match the models exactly, and go down and up again, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from assay.store import Base, current_revision, downgrade, head_revision, migrate


def test_fresh_database_is_at_head_and_matches_models(db) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_downgrade_to_base_and_back(db) -> None:
    downgrade(db.engine, "base")
    assert current_revision(db.engine) is None
    tables = set(inspect(db.engine).get_table_names())
    assert not tables & set(Base.metadata.tables)
    migrate(db.engine)
    assert current_revision(db.engine) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_migrate_is_idempotent(db) -> None:
    migrate(db.engine)
    migrate(db.engine)
    assert current_revision(db.engine) == head_revision()


def test_sqlite_pragmas(make_db) -> None:
    db = make_db("sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
