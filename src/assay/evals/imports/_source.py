"""`EvalSource`: one file of another tool's results, read as a stream of `EvalRecord`s."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assay.evals.imports._records import BadRecord, EvalRecord
from assay.io.schemas import RecordError


class EvalSource(ABC):
    """A file being imported. Subclasses read their tool's shape; structural problems (not the tool's
    file at all, a missing companion file) raise `EvalImportError` before any record is read."""

    schema: str
    """The `--schema` name: inspect, lm-eval, promptfoo, openai-batch."""
    tool: str
    """How run names call the tool: "inspect", "lm-eval", "promptfoo", "openai-batch"."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done = 0
        """Progress so far, in `unit`s."""
        self.total: int | None = None
        """Progress at the end, when known."""
        self.notes: list[str] = []
        """Things the user should know that are not errors (a batch's failed requests), located."""

    @property
    @abstractmethod
    def container(self) -> str:
        """What the file is: json, eval (zip), jsonl."""

    @property
    @abstractmethod
    def task(self) -> str | None:
        """The task, eval or suite the scores belong to; None when the file carries no scores."""

    @property
    def run_name(self) -> str | None:
        """The imported run that holds the scores: `<tool>: <task>` (None: no scores, no run)."""
        return None if self.task is None else f"{self.tool}: {self.task}"

    def describe(self) -> dict[str, Any]:
        """What the run's configuration records about this file besides its name and checksum."""
        return {}

    @abstractmethod
    def records(self) -> Iterator[EvalRecord | BadRecord]:
        """Every record of the file, in order; bad ones as `BadRecord`s."""

    def close(self) -> None:  # noqa: B027  (most readers hold nothing open)
        """Release open files."""

    def __enter__(self) -> EvalSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def jsonl_records(source: EvalSource, path: Path,
                  parse: Callable[[str, dict[str, Any]], EvalRecord]) -> Iterator[EvalRecord | BadRecord]:
    """`parse(where, object)` of every line of a JSONL file, streamed by `assay.io`'s reader (BOM,
    U+2028 and bad lines handled there); a line `parse` refuses (`RecordError`) becomes a `BadRecord`.
    Keeps `source.done/total` (bytes) up to date."""
    from assay.io.containers import open_source

    with open_source(path, "jsonl") as lines:
        source.total = lines.total
        for rec in lines:
            source.done = lines.progress
            where = f"line {rec.number}"
            if rec.data is None:
                yield BadRecord(where, rec.field, rec.error or "unreadable line")
                continue
            try:
                yield parse(where, rec.data)
            except RecordError as e:
                yield BadRecord(where, e.field, e.message)
        source.done = lines.total or lines.progress
