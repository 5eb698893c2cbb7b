"""Where Assay keeps its data: one place that reads the environment."""

from __future__ import annotations

import os
from pathlib import Path

DB_FILENAME = "assay.db"


def assay_home() -> Path:
    """The directory for the embedded database and caches: `ASSAY_HOME`, else the working directory."""
    home = os.environ.get("ASSAY_HOME")
    return Path(home).expanduser() if home else Path.cwd()


def database_url(explicit: str | None = None) -> str:
    """The database URL: an explicit one, else `ASSAY_DATABASE_URL`, else a SQLite file in `assay_home()`."""
    if explicit:
        return normalize_url(explicit)
    env = os.environ.get("ASSAY_DATABASE_URL")
    if env:
        return normalize_url(env)
    return f"sqlite:///{assay_home() / DB_FILENAME}"


def normalize_url(url: str) -> str:
    """Accept the URL forms people paste (`postgres://`, `postgresql://`, a bare file path) and pick our drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare postgresql:// means psycopg2.
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
