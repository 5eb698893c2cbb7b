"""`Layout`: what the annotation page shows for each item."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from assay.spec._base import SpecModel
from assay.spec._question import MAX_RESPONSES

ItemField = Literal["prompt", "system", "messages", "reference", "metadata", "domain", "language"]


class Layout(SpecModel):
    """How an item is presented: which item fields, and how many model responses."""

    fields: list[ItemField] = Field(default_factory=lambda: list[ItemField](["prompt"]))
    """Item fields shown, in order: prompt, system, messages, reference, metadata, domain, language."""
    responses: int = Field(default=1, ge=0, le=MAX_RESPONSES)
    """How many model responses are shown per item (0 when annotators write the response themselves)."""
    show_model_names: bool = False
    """Show which model wrote each response (off for blind evaluation)."""
    side_by_side: bool = True
    """Show responses in columns rather than stacked."""
    response_label: str = Field(default="Response", min_length=1)
    """Word used before the letter, e.g. "Response A"."""
    hidden_metadata: list[str] = Field(default_factory=list)
    """Metadata keys never shown to annotators, on the page or through the API: answer keys,
    expected outcomes, provenance that would bias them. Reviewers and exports still see them."""

    def shown_metadata(self, meta: dict[str, Any] | None) -> dict[str, Any]:
        """The item's metadata an annotator may see: none unless `metadata` is a shown field."""
        if "metadata" not in self.fields or not meta:
            return {}
        hidden = set(self.hidden_metadata)
        return {k: v for k, v in meta.items() if k not in hidden}

    @field_validator("fields")
    @classmethod
    def _unique(cls, value: list[ItemField]) -> list[ItemField]:
        duplicates = sorted({f for f in value if value.count(f) > 1})
        if duplicates:
            raise ValueError(f"each field may be listed once, got duplicates: {', '.join(duplicates)}")
        return value
