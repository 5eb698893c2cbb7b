"""What every importer yields: an item with its model responses, each response with its scores.

Readers of other tools' files (Inspect, lm-eval, promptfoo, OpenAI batch) turn one sample, doc, result or
line into an `EvalRecord`; the sink writes items and responses as any import does and the scores as
verdicts of the file's imported run, so `assay eval` reads them like a judge run's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assay.io.schemas import ItemRecord, ResponseRecord

MAX_CRITERION = 64
"""Length of `judge_verdicts.question`, where a criterion is stored."""


@dataclass(slots=True)
class ScoreRecord:
    """One score a tool gave one response: stored as a pointwise verdict of the imported run."""

    criterion: str
    """What was scored (an Inspect scorer, an lm-eval metric, a promptfoo assertion): the verdict's question."""
    judge: str
    """Who scored it, as the tool names it (scorer, metric, assertion type)."""
    value: Any
    """The value exactly as the tool wrote it (JSON), e.g. "C", true, 0.5."""
    score: float | None
    """The value as a number for analysis; None when it has none (stored, never counted)."""
    reasoning: str | None = None
    """The tool's explanation of the score, if any."""


@dataclass(slots=True)
class ScoredResponse:
    """A model's response with the scores it got."""

    response: ResponseRecord
    """Text and model; `external_id` identifies it, so importing the same file again adds nothing."""
    scores: list[ScoreRecord] = field(default_factory=list)
    """Scores of this response, one per criterion."""


@dataclass(slots=True)
class EvalRecord:
    """One sample (Inspect), doc (lm-eval), result (promptfoo) or line (OpenAI batch) of a file."""

    location: str
    """Where it is in the file, for errors: "line 12", "entry samples/q1_epoch_1.json", "result 3"."""
    item: ItemRecord
    """The prompt and what surrounds it; its `responses` stay empty (they are in `responses`)."""
    responses: list[ScoredResponse] = field(default_factory=list)
    """The model responses to it, with their scores."""


@dataclass(slots=True)
class BadRecord:
    """A record that could not be read, and why."""

    location: str
    """Where it is in the file: "line 12", "entry samples/q1_epoch_1.json", "result 3"."""
    field: str | None
    """Dotted path of the offending field, when one is to blame."""
    message: str
    """What was wrong."""
