"""Shared fixtures: a fresh, migrated database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from assay.config import normalize_url
from assay.spec import load_spec, template_path
from assay.store import Database, open_database
from assay.store.projects import create_project

PG_URL = os.environ.get("ASSAY_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_schema_url(schema: str) -> str:
    base = normalize_url(PG_URL or "")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(autouse=True)
def _assay_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test runs may write into the working tree: databases and the model cache default to
    ASSAY_HOME, which points at a fresh directory per test."""
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path_factory.mktemp("assay-home")))


@pytest.fixture
def make_db(tmp_path: Path) -> Iterator:
    """Factory for fresh databases; each PostgreSQL one lives in its own schema, dropped afterwards."""
    schemas: list[str] = []
    opened: list[Database] = []

    def make(backend: str = "sqlite") -> Database:
        if backend == "sqlite":
            db = open_database(f"sqlite:///{tmp_path / f'assay-{len(opened)}.db'}")
        else:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            admin = create_engine(normalize_url(PG_URL or ""))
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            admin.dispose()
            schemas.append(schema)
            db = open_database(_pg_schema_url(schema))
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.dispose()
    if schemas:
        admin = create_engine(normalize_url(PG_URL or ""))
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, make_db) -> Database:  # type: ignore[no-untyped-def]
    """A fresh migrated database, once per backend."""
    return make_db(request.param)


@pytest.fixture
def project(db: Database) -> str:
    """The stem-rubric template as a project in `db`; returns its slug."""
    spec = load_spec(template_path("stem-rubric"))
    with db.write_session() as session:
        create_project(session, spec)
    return spec.slug
