"""Canonical training records: what every reader produces and every writer takes.

This is the contract between the file formats (`assay.formats`) and everything that builds or
consumes training data (exports from judgements, imports into projects). Field names follow the
OpenAI chat shape, because that is what most tools already speak.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant", "tool"]


class _Record(BaseModel):
    # Unknown keys are refused: a typo in a field name must not drop data silently.
    model_config = ConfigDict(extra="forbid")


class Message(_Record):
    """One chat message, OpenAI shape."""

    role: Role
    """Who speaks: system, user, assistant or tool (OpenAI's "developer" is read as system)."""
    content: str | None = None
    """The text; None for an assistant turn that only calls tools."""
    name: str | None = None
    """Optional speaker name; for tool messages, the tool's name (TRL and HF chat templates use it)."""
    tool_calls: list[dict[str, Any]] | None = None
    """OpenAI tool calls: ``{"id", "type": "function", "function": {"name", "arguments"}}``, with
    ``arguments`` always a JSON **string** here (TRL/HF dict arguments are converted on read)."""
    tool_call_id: str | None = None
    """For a tool message: the id of the call it answers."""
    weight: Literal[0, 1] | None = None
    """OpenAI fine-tuning per-message weight: 0 excludes an assistant turn from training."""
    reasoning: str | None = None
    """Optional reasoning text of an assistant turn (``reasoning_content`` in HF chat templates)."""


class SFTExample(_Record):
    """A conversation to train on (supervised fine-tuning, language modelling, prompt-only)."""

    messages: list[Message]
    """The conversation in order; the assistant turns are the targets."""
    tools: list[dict[str, Any]] | None = None
    """OpenAI function tool schemas ``{"type": "function", "function": {"name", "description", "parameters"}}``."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Everything else the record carried (ids, sources, domains): kept, never interpreted."""


class PreferencePair(_Record):
    """One prompt with a preferred and a dispreferred answer (DPO, reward modelling)."""

    prompt: list[Message]
    """The shared conversation up to the answer."""
    chosen: list[Message]
    """The preferred assistant turn(s)."""
    rejected: list[Message]
    """The dispreferred assistant turn(s)."""
    tools: list[dict[str, Any]] | None = None
    """Tool schemas available in the conversation (OpenAI DPO ``input.tools``, TRL ``tools``)."""
    score_chosen: float | None = None
    """Score of the chosen answer, when the source had one (e.g. UltraFeedback-binarized)."""
    score_rejected: float | None = None
    """Score of the rejected answer."""
    margin: float | None = None
    """Preference strength, for reward-model margin losses."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Everything else the record carried."""


class KTOExample(_Record):
    """One prompt with one answer labelled desirable or not (TRL unpaired preference / KTO)."""

    prompt: list[Message]
    """The conversation up to the answer."""
    completion: list[Message]
    """The answer: assistant turn(s)."""
    label: bool
    """True when the completion is desirable."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Everything else the record carried."""


class StepwiseExample(_Record):
    """A prompt with a step-by-step solution and a correctness label per step (TRL stepwise supervision)."""

    prompt: str
    """The problem statement."""
    completions: list[str]
    """The solution steps in order."""
    labels: list[bool]
    """Whether each step is correct; as long as ``completions``."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Everything else the record carried."""


class RatedResponse(_Record):
    """One response with per-aspect ratings (UltraFeedback, HelpSteer)."""

    content: str
    """The response text."""
    model: str | None = None
    """The model that wrote it, when known."""
    ratings: dict[str, float | int] = Field(default_factory=dict)
    """Score per aspect: UltraFeedback's instruction_following/honesty/truthfulness/helpfulness,
    HelpSteer's helpfulness/correctness/coherence/complexity/verbosity."""
    rationales: dict[str, str] = Field(default_factory=dict)
    """The written reason for each aspect's rating, when the source has one."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Everything else about this response (UltraFeedback's principle, critique, overall_score…)."""


class RatedExample(_Record):
    """A prompt with any number of rated responses (reward data)."""

    prompt: list[Message]
    """The conversation the responses answer."""
    responses: list[RatedResponse]
    """The rated responses."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Everything else the record carried (UltraFeedback's source, correct_answers…)."""


class LabelStudioAnnotation(_Record):
    """One person's annotation of a Label Studio task."""

    id: int | str | None = None
    """Label Studio's annotation id."""
    completed_by: int | str | dict[str, Any] | None = None
    """The annotator: a user id, or an object with ``id``/``email`` in some exports."""
    result: list[dict[str, Any]] = Field(default_factory=list)
    """Result regions: ``{"from_name", "to_name", "type", "value": {...}}``."""
    was_cancelled: bool | None = None
    """True when the annotator skipped the task."""
    ground_truth: bool | None = None
    """True when marked as ground truth."""
    lead_time: float | None = None
    """Seconds spent."""
    created_at: str | None = None
    """When it was created (ISO 8601)."""
    updated_at: str | None = None
    """When it was last changed (ISO 8601)."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Other keys of the annotation, kept verbatim."""


class LabelStudioPrediction(_Record):
    """A model's pre-annotation of a Label Studio task."""

    id: int | str | None = None
    """Label Studio's prediction id."""
    model_version: str | None = None
    """Which model produced it."""
    score: float | None = None
    """The model's confidence."""
    result: list[dict[str, Any]] = Field(default_factory=list)
    """Result regions, as in annotations."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Other keys of the prediction, kept verbatim."""


class LabelStudioTask(_Record):
    """A Label Studio task as exported in its JSON format."""

    id: int | str | None = None
    """The task id."""
    data: dict[str, Any]
    """The task's data (what the labelling config shows: text, prompt, responses…)."""
    annotations: list[LabelStudioAnnotation] = Field(default_factory=list)
    """Human annotations."""
    predictions: list[LabelStudioPrediction] = Field(default_factory=list)
    """Model pre-annotations."""
    meta: dict[str, Any] | None = None
    """Label Studio's own ``meta`` object."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Other top-level keys (project, created_at, drafts…), kept verbatim."""


class ArgillaResponse(_Record):
    """One user's answer to one question of an Argilla record."""

    value: Any
    """The answer (label, list of labels, rating, text, ranking…)."""
    user_id: str | None = None
    """The Argilla user who answered."""
    status: str | None = None
    """submitted, draft or discarded."""


class ArgillaSuggestion(_Record):
    """A model's suggested answer to one question of an Argilla record."""

    value: Any
    """The suggested answer."""
    score: float | list[float] | None = None
    """The model's confidence."""
    agent: str | None = None
    """Which model or process suggested it."""


class ArgillaRecord(_Record):
    """An Argilla 2.x record as ``Record.to_dict()`` / ``dataset.records.to_json()`` write it."""

    id: str | None = None
    """The record's id (Argilla's external id)."""
    fields: dict[str, Any]
    """Field values by field name (prompt, response…)."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Argilla record metadata."""
    responses: dict[str, list[ArgillaResponse]] = Field(default_factory=dict)
    """Answers by question name, one per user."""
    suggestions: dict[str, ArgillaSuggestion] = Field(default_factory=dict)
    """Suggestions by question name."""
    vectors: dict[str, list[float]] = Field(default_factory=dict)
    """Embedding vectors by name."""
    status: str | None = None
    """pending or completed."""
    server_id: str | None = None
    """Argilla's server-side id (``_server_id``)."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Other top-level keys, kept verbatim."""


CanonicalRecord = (
    SFTExample | PreferencePair | KTOExample | StepwiseExample | RatedExample | LabelStudioTask | ArgillaRecord
)
