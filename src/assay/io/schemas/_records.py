"""What record schemas produce: plain slotted dataclasses, cheap enough for a million records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# One exception for bad records, shared with the training formats whose readers the chat schemas use.
from assay.formats._errors import RecordError

__all__ = ["ItemRecord", "JudgementRecord", "RecordError", "ResponseRecord"]


@dataclass(slots=True)
class ResponseRecord:
    content: str
    """The response text (markdown)."""
    model: str | None = None
    """Name of the model that produced it."""
    external_id: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class ItemRecord:
    prompt: str | None = None
    """Single-turn prompt text. Exactly one of `prompt` and `messages` is set."""
    messages: list[dict[str, Any]] | None = None
    """Multi-turn chat prompt (OpenAI message dicts), ending before the response under judgement."""
    system: str | None = None
    external_id: str | None = None
    reference: str | None = None
    """Reference answer, if the source has one."""
    domain: str | None = None
    subdomain: str | None = None
    language: str | None = None
    metadata: dict[str, Any] | None = None
    gold: dict[str, Any] | None = None
    """Gold answers by question key; makes the item a gold item."""
    responses: list[ResponseRecord] = field(default_factory=list)


@dataclass(slots=True)
class JudgementRecord:
    """One answer in long format: item × annotator × question (× response)."""

    item: str
    annotator: str
    question: str
    value: Any
    response: str | None = None
    """Which response a per-response answer is about: letter, 1-based position, model or external id."""
    submitted_at: str | None = None
    time_spent_ms: int | None = None
