"""The one exception type for container problems."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class ContainerError(Exception):
    """A file could not be read or written as the container it claims to be.

    ``number`` is where the problem is, in the container's own unit (line, element, row or,
    for writers, the 1-based record index); ``None`` for whole-file problems.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        message: str,
        *,
        number: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.message = message
        self.number = number
        self.field = field
        super().__init__(message)

    def __str__(self) -> str:
        where = str(self.path) if self.number is None else f"{self.path}:{self.number}"
        if self.field is not None:
            return f"{where}: field {self.field!r}: {self.message}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only arguments would be lost by Exception's default pickling, and errors
        # cross process boundaries when imports run in worker processes.
        return (type(self), (self.path, self.message), dict(self.__dict__))
