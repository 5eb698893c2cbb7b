"""The one error of exports: a request that cannot be met, said in the user's terms."""

from __future__ import annotations


class ExportError(ValueError):
    """An export that cannot be made as asked (an unknown question, a filter that needs a consensus
    nobody computed, a record the schema cannot hold); nothing was written."""
