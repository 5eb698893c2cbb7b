"""Errors a project definition or an answer can raise, and the issue records they carry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpecIssue:
    """One problem found in a project definition, located by YAML path and line."""

    path: str
    """Dotted path into the document, e.g. `questions[2].scale.max`; empty for document-level problems."""
    line: int | None
    """1-based line in the source, when known."""
    message: str
    """What was wrong and what was expected."""
    source: str = "<string>"
    """The file name (or `<string>`) the issue was found in."""

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(ValueError):
    """A project definition failed to load; `issues` holds every problem found, not only the first."""

    def __init__(self, source: str, issues: list[SpecIssue]) -> None:
        self.source = source
        self.issues = issues
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)


class AnswerError(ValueError):
    """An answer does not fit its question; the message says what was expected."""


@dataclass(frozen=True)
class AnswerIssue:
    """One self-QC finding about a set of answers (see `ProjectSpec.check_answers`)."""

    question: str
    """Key of the question the finding is about."""
    message: str
    """What is wrong, phrased for the annotator."""
    response: str | None = None
    """Response letter ("A", "B", ...) for per-response questions, else None."""

    def __str__(self) -> str:
        where = self.question if self.response is None else f"{self.question}[{self.response}]"
        return f"{where}: {self.message}"
