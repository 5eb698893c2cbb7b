"""Alpaca: instruction, optional input, output; LLaMA-Factory's `system` and `history` too (read by `assay.formats`)."""

from __future__ import annotations

from assay.io.schemas._formats import FormatSchema


class Alpaca(FormatSchema):
    def __init__(self) -> None:
        super().__init__("alpaca")
        self.description = "Alpaca: {instruction, input, output} with optional system and history [[user, assistant], ...]."
