"""`Distribution`: how items are handed out to annotators (read by the work-assignment module)."""

from __future__ import annotations

from pydantic import Field

from assay.spec._base import SpecModel


class Distribution(SpecModel):
    """Overlap, caps, gold and calibration, leases, review sampling and routing."""

    overlap: int = Field(default=1, ge=1)
    """Annotators per item."""
    max_per_annotator: int | None = Field(default=None, ge=1)
    """Most items one annotator may complete in this project (None = no cap)."""
    gold_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of tasks that are hidden gold items, 0..1."""
    calibration_size: int = Field(default=0, ge=0)
    """Items an annotator must do (and pass) before regular work; 0 = no calibration."""
    lease_minutes: int = Field(default=60, ge=1)
    """How long a task stays reserved for an annotator before it returns to the pool."""
    review_sample_rate: float = Field(default=0.1, ge=0.0, le=1.0)
    """Share of submissions sent to review, 0..1."""
    review_first_n: int = Field(default=20, ge=0)
    """Every annotator's first N submissions are reviewed regardless of the sample rate."""
    blind: bool = True
    """Annotators do not see each other's answers."""
    route_by_domain: bool = False
    """Give items only to annotators skilled in the item's domain."""
    route_by_language: bool = False
    """Give items only to annotators who work in the item's language."""
    priority_field: str | None = None
    """Item metadata field whose value orders the queue (higher first)."""
