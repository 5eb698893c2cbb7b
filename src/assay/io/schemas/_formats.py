"""Training formats (`assay.formats`) as import schemas: canonical records -> items, responses, judgements.

One code path: the chat schemas (openai_chat, sharegpt, alpaca) and every training schema parse with
the readers of `assay.formats` and map the canonical record here. What a training record says beyond
prompt and responses is kept in metadata under documented keys:

- response metadata ``preference``: "chosen" or "rejected" (preference pairs), with ``score`` when given;
  item metadata ``margin``;
- response metadata ``label``: true/false (KTO);
- response metadata ``steps`` and ``step_labels`` (stepwise supervision; the content is the steps joined
  by newlines);
- response metadata ``ratings`` and ``rationales`` per aspect, plus the source's own keys (UltraFeedback,
  HelpSteer);
- Label Studio and Argilla: the task's data / record's fields give the prompt (``prompt``, ``question``,
  ``instruction``, ``text``, ``input``) and responses (``response``, ``answer``, ``output``,
  ``completion``, ``response_a``/``response_b``, ``responses``); other data fields go to item metadata,
  model predictions / suggestions to item metadata ``predictions`` / ``suggestions``; annotations and
  submitted responses become long-format judgements for the project's questions of the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from assay.formats._messages import write_message

# Submodules, not the package: assay.formats imports assay.io.containers, which imports this package.
from assay.formats._models import (
    ArgillaRecord,
    KTOExample,
    LabelStudioTask,
    Message,
    PreferencePair,
    RatedExample,
    SFTExample,
    StepwiseExample,
)
from assay.formats._registry import get_format, parse_record
from assay.io.schemas._common import fill_standard, not_metadata, split_prompt
from assay.io.schemas._records import ItemRecord, JudgementRecord, RecordError, ResponseRecord

PROMPT_KEYS = ("prompt", "question", "instruction", "text", "input")
RESPONSE_KEYS = ("response", "answer", "output", "completion")
_NOTHING = not_metadata(())


def _dicts(messages: list[Message]) -> list[dict[str, Any]]:
    return [write_message(m) for m in messages]


def _item(prompt: list[Message], responses: list[ResponseRecord], metadata: Mapping[str, Any],
          *, tools: list[dict[str, Any]] | None = None) -> ItemRecord:
    item = ItemRecord()
    item.responses = responses
    if prompt:
        split_prompt(_dicts(prompt), item)
    else:
        raise RecordError("prompt", "has no prompt")
    meta = dict(metadata)
    if tools is not None:
        meta["tools"] = tools
    return fill_standard(item, meta, _NOTHING)


def _answer(messages: list[Message], model: str | None, extra: dict[str, Any] | None = None) -> ResponseRecord:
    """One response from assistant turn(s): the text of the last, the full turns kept when there are several."""
    meta: dict[str, Any] = dict(extra or {})
    last = messages[-1] if messages else Message(role="assistant", content="")
    if last.tool_calls:
        meta["tool_calls"] = last.tool_calls
    if len(messages) > 1:
        meta["messages"] = _dicts(messages)
    return ResponseRecord(content=last.content or "", model=model, metadata=meta or None)


def sft_item(example: SFTExample) -> ItemRecord:
    meta = dict(example.metadata)
    model = meta.pop("model", None)
    messages = list(example.messages)
    if len(messages) == 1 and messages[0].role == "assistant" and not messages[0].tool_calls:
        # Language-modelling text has no prompt/answer split: it comes in as a prompt to work on.
        messages[0] = Message(role="user", content=messages[0].content)
    responses = []
    if messages and messages[-1].role == "assistant":
        responses = [_answer([messages.pop()], model if isinstance(model, str) else None)]
    if not messages:
        raise RecordError("messages", "has no user turn before the response")
    return _item(messages, responses, meta, tools=example.tools)


def preference_item(pair: PreferencePair) -> ItemRecord:
    meta = dict(pair.metadata)
    if pair.margin is not None:
        meta["margin"] = pair.margin
    responses = []
    for side, messages, score in (("chosen", pair.chosen, pair.score_chosen),
                                  ("rejected", pair.rejected, pair.score_rejected)):
        extra: dict[str, Any] = {"preference": side}
        if score is not None:
            extra["score"] = score
        responses.append(_answer(messages, meta.pop(f"model_{side}", None), extra))
    return _item(pair.prompt, responses, meta, tools=pair.tools)


def kto_item(example: KTOExample) -> ItemRecord:
    meta = dict(example.metadata)
    return _item(example.prompt, [_answer(example.completion, meta.pop("model", None), {"label": example.label})], meta)


def stepwise_item(example: StepwiseExample) -> ItemRecord:
    response = ResponseRecord(content="\n".join(example.completions),
                              metadata={"steps": example.completions, "step_labels": example.labels})
    return _item([Message(role="user", content=example.prompt)], [response], example.metadata)


def rated_item(example: RatedExample) -> ItemRecord:
    responses = []
    for r in example.responses:
        meta = {**r.metadata, "ratings": r.ratings}
        if r.rationales:
            meta["rationales"] = r.rationales
        responses.append(ResponseRecord(content=r.content, model=r.model, metadata=meta))
    return _item(example.prompt, responses, example.metadata)


def _fields_item(values: Mapping[str, Any], ident: Any, extra_meta: dict[str, Any]) -> ItemRecord:
    data = dict(values)
    prompt_key = next((k for k in PROMPT_KEYS if isinstance(data.get(k), str) and data[k].strip()), None)
    if prompt_key is None:
        raise RecordError("data", f"has no prompt field; expected one of {', '.join(PROMPT_KEYS)}")
    prompt = data.pop(prompt_key)
    responses: list[ResponseRecord] = []
    many = data.pop("responses", None)
    if isinstance(many, list):
        responses = [ResponseRecord(content=r) if isinstance(r, str) else
                     ResponseRecord(content=str(r.get("content", "")), model=r.get("model")) for r in many]
    for key in ("response_a", "response_b", *RESPONSE_KEYS):
        if isinstance(data.get(key), str):
            model = data.pop(f"model_{key[-1]}" if key.startswith("response_") else "model", None)
            responses.append(ResponseRecord(content=data.pop(key), model=model if isinstance(model, str) else None))
    meta = {**data, **extra_meta}
    if ident is not None:
        meta.setdefault("id", str(ident))
    return _item([Message(role="user", content=prompt)], responses, meta)


def label_studio_item(task: LabelStudioTask) -> ItemRecord:
    extra: dict[str, Any] = {}
    if task.predictions:
        extra["predictions"] = [p.model_dump(exclude_none=True, exclude_defaults=True) for p in task.predictions]
    if task.meta:
        extra["label_studio_meta"] = task.meta
    return _fields_item(task.data, task.id, extra)


def argilla_item(record: ArgillaRecord) -> ItemRecord:
    extra: dict[str, Any] = dict(record.metadata)
    if record.suggestions:
        extra["suggestions"] = {q: s.model_dump(exclude_none=True) for q, s in record.suggestions.items()}
    return _fields_item(record.fields, record.id, extra)


def _ls_value(result: Mapping[str, Any]) -> Any:
    kind = str(result.get("type", ""))
    value = result.get("value") or {}
    if kind == "pairwise" or "selected" in value:
        selected = value.get("selected")
        return {"left": "A", "right": "B"}.get(str(selected), selected)
    if "start" in value or "x" in value:
        return dict(value)  # a region (span, box): its position matters as much as its label
    inner = value.get("text" if kind == "textarea" else kind)
    if inner is None:
        inner = next(iter(value.values())) if len(value) == 1 else dict(value)
    if kind == "textarea" and isinstance(inner, list):
        return "\n".join(str(t) for t in inner)
    if isinstance(inner, list) and len(inner) == 1 and kind in ("choices", "labels", "taxonomy"):
        return inner[0]
    return inner


def _ls_annotator(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None:
        return None
    return f"ls-{value}" if isinstance(value, int) else str(value)


def label_studio_judgements(task: LabelStudioTask, item: ItemRecord) -> list[JudgementRecord]:
    out = []
    ref = item.external_id or ""
    for a in task.annotations:
        annotator = _ls_annotator(a.completed_by)
        if a.was_cancelled or annotator is None:
            continue
        by_question: dict[str, list[Any]] = {}
        for result in a.result:
            if result.get("from_name"):
                by_question.setdefault(str(result["from_name"]), []).append(_ls_value(result))
        for question, values in by_question.items():
            out.append(JudgementRecord(item=ref, annotator=annotator, question=question,
                                       value=values[0] if len(values) == 1 else values,
                                       submitted_at=a.updated_at or a.created_at,
                                       time_spent_ms=None if a.lead_time is None else int(a.lead_time * 1000)))
    return out


def argilla_judgements(record: ArgillaRecord, item: ItemRecord) -> list[JudgementRecord]:
    out = []
    for question, answers in record.responses.items():
        for r in answers:
            if r.user_id and (r.status in (None, "submitted")):
                out.append(JudgementRecord(item=item.external_id or "", annotator=r.user_id, question=question,
                                           value=r.value))
    return out


_TO_ITEM: dict[type, Callable[[Any], ItemRecord]] = {SFTExample: sft_item, PreferencePair: preference_item, KTOExample: kto_item,
            StepwiseExample: stepwise_item, RatedExample: rated_item, LabelStudioTask: label_studio_item,
            ArgillaRecord: argilla_item}


class FormatSchema:
    """An import schema reading with one of `assay.formats`' readers."""

    def __init__(self, name: str, *, import_name: str | None = None, matches: Any = None) -> None:
        self.format = get_format(name)
        self.name = import_name or name
        self.description = self.format.description
        self.produces = "items+judgements" if self.format.kind in ("label-studio", "argilla") else "items"
        self._matches = matches or self.format.matches

    def matches(self, record: Mapping[str, Any]) -> bool:
        return bool(self._matches(record))

    def canonical(self, record: Mapping[str, Any]) -> Any:
        try:
            return parse_record(self.format, record)
        except ValidationError as e:  # pragma: no cover - parse_record converts these
            raise RecordError(None, str(e)) from None

    def parse(self, record: Mapping[str, Any]) -> ItemRecord:
        canonical = self.canonical(record)
        return _TO_ITEM[type(canonical)](canonical)

    def judgements(self, record: Mapping[str, Any]) -> list[JudgementRecord]:
        canonical = self.canonical(record)
        item = _TO_ITEM[type(canonical)](canonical)
        if isinstance(canonical, LabelStudioTask):
            return label_studio_judgements(canonical, item)
        if isinstance(canonical, ArgillaRecord):
            return argilla_judgements(canonical, item)
        return []
