"""What a record schema is: a name users know, a reader, a writer, and how to recognise its records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ._models import CanonicalRecord

Kind = Literal["sft", "preference", "kto", "stepwise", "ratings", "label-studio", "argilla"]


class WriteOptions(BaseModel):
    """How a writer shapes records where the schema allows more than one shape."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    form: Literal["conversational", "standard"] = "conversational"
    """TRL schemas: message lists (conversational) or plain strings (standard)."""
    implicit_prompt: bool = False
    """trl-preference: no ``prompt`` column; chosen and rejected each hold the whole conversation."""


@dataclass(frozen=True)
class Format:
    """One record schema: how a raw record maps to a canonical record and back."""

    name: str
    kind: Kind
    record_type: type[BaseModel]
    description: str
    example: dict[str, Any]
    keys: tuple[str, ...]
    """Top-level keys the schema reads itself; any other key is metadata."""
    read: Callable[[Mapping[str, Any]], CanonicalRecord]
    write: Callable[[Any, WriteOptions], list[dict[str, Any]]]
    """One canonical record gives one raw record, or several (HelpSteer: one row per response)."""
    matches: Callable[[Mapping[str, Any]], bool]
