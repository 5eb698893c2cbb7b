"""What every command shares: the database option, output, progress bars and error reporting."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assay.store import Database, open_database

console = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])
SHOW_ISSUES = 20


def db_from(ctx: typer.Context) -> Database:
    obj = ctx.ensure_object(dict)
    if "db" not in obj:
        obj["db"] = open_database(obj.get("db_url"))
    db: Database = obj["db"]
    return db


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def friendly_errors(fn: F) -> F:
    """Turn the errors users cause (bad files, unknown names) into one clear line and a non-zero exit."""
    from assay.io import ImportFailed
    from assay.io.containers import ContainerError
    from assay.io.schemas import MappingError, SchemaError
    from assay.spec import SpecError
    from assay.store.projects import ProjectExists, ProjectNotFound
    from assay.work import UserExists

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SpecError as e:
            fail(str(e), 2)
        except ImportFailed as e:
            for line in e.report.issue_lines(SHOW_ISSUES):
                err.print(line, highlight=False, soft_wrap=True)
            if e.report.rejected > SHOW_ISSUES:
                err.print(f"... and {e.report.rejected - SHOW_ISSUES} more", highlight=False)
            fail(f"{e.report.rejected} of {e.report.records} records are invalid; nothing was imported "
                 "(fix them, or use --skip-invalid to import the rest)")
        except (ContainerError, SchemaError, MappingError, FileNotFoundError) as e:
            fail(str(e), 2)
        except (ProjectNotFound, ProjectExists, UserExists, ValueError) as e:
            fail(str(e), 1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(description: str, unit: str = "") -> Iterator[Callable[[int, int | None], None]]:
    """A Rich progress bar driven by `update(done, total)` callbacks; quiet when not on a terminal."""
    columns: list[Any] = [TextColumn("[progress.description]{task.description}"), BarColumn()]
    columns += [MofNCompleteColumn()] if unit != "bytes" else [TextColumn("{task.percentage:>3.0f}%")]
    columns += [TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err, transient=False, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        yield update
