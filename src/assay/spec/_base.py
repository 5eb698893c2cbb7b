"""The base every spec model shares: unknown keys are errors, field docs come from attribute docstrings."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    """Base for spec models."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    input_keys: ClassVar[tuple[str, ...]] = ()
    """Extra keys the YAML form accepts and a before-validator consumes (used for did-you-mean hints)."""
