"""`Casebook`: worked examples with gold answers and explanations, for training and calibration."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from assay.spec._base import SpecModel


class CaseResponse(SpecModel):
    """One model response shown in a case."""

    model: str = ""
    """Name of the model that wrote it (shown only if the layout shows model names)."""
    content: str
    """The response text (markdown)."""


class CaseItem(SpecModel):
    """The item a case is about, in the same shape as a project item."""

    prompt: str | None = None
    """The user prompt (give this or `messages`)."""
    messages: list[dict[str, Any]] | None = None
    """A chat conversation as OpenAI-style `{role, content}` messages (give this or `prompt`)."""
    system: str | None = None
    """System prompt, if any."""
    reference: str | None = None
    """Reference answer, if any."""
    responses: list[CaseResponse] = Field(default_factory=list)
    """Model responses, lettered A, B, ... in order; as many as the layout shows."""

    @model_validator(mode="after")
    def _has_prompt(self) -> CaseItem:
        if not (self.prompt or "").strip() and not self.messages:
            raise ValueError("expected a `prompt` or `messages`")
        return self


class Case(SpecModel):
    """A worked example: an item, the gold answers, and why."""

    title: str = Field(min_length=1)
    """Short name, e.g. "Right answer, wrong reasoning"."""
    item: CaseItem
    """The prompt and responses."""
    gold: dict[str, Any] = Field(default_factory=dict)
    """Gold answer per question key; per-response questions take a list (one per response) or {A: ..., B: ...}."""
    explanation: str = ""
    """Why these are the right answers (markdown)."""
    tags: list[str] = Field(default_factory=list)
    """Free tags, e.g. ["calibration", "edge-case"]."""


class Casebook(SpecModel):
    """Versioned set of worked examples."""

    version: int = Field(default=1, ge=1)
    """Bumped when cases change; recorded with calibration results."""
    cases: list[Case] = Field(default_factory=list)
    """The worked examples."""
