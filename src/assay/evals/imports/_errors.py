"""Errors of importing other tools' results, each naming the file, where in it, and the field."""

from __future__ import annotations

from assay.evals.imports._records import BadRecord


class EvalImportError(ValueError):
    """The file cannot be imported at all (wrong shape, unreadable archive, missing companion file)."""

    def __init__(self, path: str, message: str, *, location: str | None = None, field: str | None = None) -> None:
        where = f":{location}" if location else ""
        what = f" field '{field}':" if field else ""
        super().__init__(f"{path}{where}:{what} {message}")
        self.path = path
        self.location = location
        self.field = field


def issue_line(path: str, bad: BadRecord) -> str:
    """`file:line 12: field 'x': message`, the way every Assay import reports a bad record."""
    what = f" field '{bad.field}':" if bad.field else ""
    return f"{path}:{bad.location}:{what} {bad.message}"


class EvalImportFailed(ValueError):
    """Some records were bad: nothing was imported. `issues` lists every one (the first 1000)."""

    def __init__(self, path: str, records: int, bad: int, issues: list[str]) -> None:
        shown = "\n".join(issues[:20])
        more = f"\n... and {bad - 20} more" if bad > 20 else ""
        super().__init__(f"{shown}{more}\n{path}: {bad} of {records} records are invalid; nothing was imported")
        self.path = path
        self.records = records
        self.bad = bad
        self.issues = issues
