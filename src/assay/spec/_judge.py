"""`JudgeSettings`: how model judges answer the project's questions (see `assay.judge`)."""

from __future__ import annotations

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import Field, field_validator

from assay.spec._base import SpecModel


class JudgeSettings(SpecModel):
    """Which questions model judges answer and with which prompts. Every field has a working default:
    the prompts are built from the project's own questions, scale anchors and guidelines."""

    questions: list[str] = Field(default_factory=list)
    """Question keys judges answer; empty = every question a judge can answer (rating and choice
    questions about one response, compare questions about a pair)."""
    both_orders: bool = True
    """Pairwise questions are asked twice, with the responses swapped, and verdicts that change with
    the order are reported as position-inconsistent."""
    system: str | None = None
    """System prompt override (plain text)."""
    pointwise_template: str | None = None
    """Jinja2 template (sandboxed) for questions about one response. Variables: question, help,
    scale, options, guidelines, conversation, reference, response, verdict_format, nonce."""
    pairwise_template: str | None = None
    """Jinja2 template (sandboxed) for compare questions. Variables as for `pointwise_template`, with
    response_a and response_b instead of response, and verdict_format asking for A, B or tie."""
    guidelines_chars: int = Field(default=6000, ge=0)
    """Most characters of the guidelines put in a judge prompt (0 = none); longer guidelines are cut
    at a paragraph and marked as cut."""
    show_suggestions: bool = False
    """Show judge verdicts to annotators as suggestions on the task page (clearly marked as a model's;
    never shown when the project is blind, `distribution.blind`)."""

    @field_validator("pointwise_template", "pairwise_template")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                SandboxedEnvironment().parse(value)
            except TemplateSyntaxError as e:
                raise ValueError(f"template line {e.lineno}: {e.message}") from None
        return value
