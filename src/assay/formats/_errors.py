"""The one exception for a record that does not fit its schema (shared with `assay.io.schemas`)."""

from __future__ import annotations


class RecordError(ValueError):
    """A record that does not fit its schema. `field` is the dotted path of the offending value
    (``messages[2].tool_calls[0].function.arguments``), or None for the record as a whole."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"field '{self.field}': {self.message}" if self.field else self.message
