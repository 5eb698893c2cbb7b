"""Annotation tools' own exports: Label Studio JSON tasks and Argilla 2.x records.

These stay close to the tools' shapes (canonical `LabelStudioTask` / `ArgillaRecord`); turning them
into items, responses and long-format judgements is `assay.io.schemas`' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import RecordError
from ._fields import as_bool, as_dict, as_list, as_number, leftovers, missing, spread, text, type_name
from ._format import Format, WriteOptions
from ._models import (
    ArgillaRecord,
    ArgillaResponse,
    ArgillaSuggestion,
    LabelStudioAnnotation,
    LabelStudioPrediction,
    LabelStudioTask,
)

# ---- label-studio -----------------------------------------------------------------------------

LS_KEYS = ("id", "data", "annotations", "predictions", "meta")
LS_ANNOTATION_KEYS = ("id", "completed_by", "result", "was_cancelled", "ground_truth", "lead_time", "created_at",
                      "updated_at")
LS_PREDICTION_KEYS = ("id", "model_version", "score", "result")


def _ident(value: Any, field: str) -> int | str | None:
    if missing(value):
        return None
    if isinstance(value, str) and value.isdigit() and (value == "0" or not value.startswith("0")):
        return int(value)  # Label Studio ids are numbers; CSV and XLSX cells hand them over as text
    if isinstance(value, bool) or not isinstance(value, int | str):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise RecordError(field, f"expected an id (number or text), got {type_name(value)}")
    return value


def _results(value: Any, field: str) -> list[dict[str, Any]]:
    results = as_list(value, field) or []
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            raise RecordError(f"{field}[{i}]", f"expected a result object, got {type_name(r)}")
        if "value" in r and not isinstance(r["value"], dict):
            raise RecordError(f"{field}[{i}].value", f"expected an object, got {type_name(r['value'])}")
    return results


def _completed_by(value: Any, field: str) -> int | str | dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    return _ident(value, field)


def read_label_studio(record: Mapping[str, Any]) -> LabelStudioTask:
    data = as_dict(record.get("data"), "data", required=True) or {}
    annotations = []
    for i, raw in enumerate(as_list(record.get("annotations"), "annotations") or []):
        where = f"annotations[{i}]"
        if not isinstance(raw, dict):
            raise RecordError(where, f"expected an annotation object, got {type_name(raw)}")
        lead = as_number(raw.get("lead_time"), f"{where}.lead_time")
        annotations.append(LabelStudioAnnotation(
            id=_ident(raw.get("id"), f"{where}.id"),
            completed_by=_completed_by(raw.get("completed_by"), f"{where}.completed_by"),
            result=_results(raw.get("result"), f"{where}.result"),
            was_cancelled=as_bool(raw.get("was_cancelled"), f"{where}.was_cancelled"),
            ground_truth=as_bool(raw.get("ground_truth"), f"{where}.ground_truth"),
            lead_time=None if lead is None else float(lead),
            created_at=text(raw.get("created_at"), f"{where}.created_at"),
            updated_at=text(raw.get("updated_at"), f"{where}.updated_at"),
            extra={k: v for k, v in raw.items() if k not in LS_ANNOTATION_KEYS},
        ))
    predictions = []
    for i, raw in enumerate(as_list(record.get("predictions"), "predictions") or []):
        where = f"predictions[{i}]"
        if not isinstance(raw, dict):
            raise RecordError(where, f"expected a prediction object, got {type_name(raw)}")
        score = as_number(raw.get("score"), f"{where}.score")
        predictions.append(LabelStudioPrediction(
            id=_ident(raw.get("id"), f"{where}.id"),
            model_version=text(raw.get("model_version"), f"{where}.model_version"),
            score=None if score is None else float(score),
            result=_results(raw.get("result"), f"{where}.result"),
            extra={k: v for k, v in raw.items() if k not in LS_PREDICTION_KEYS},
        ))
    return LabelStudioTask(id=_ident(record.get("id"), "id"), data=data, annotations=annotations,
                           predictions=predictions, meta=as_dict(record.get("meta"), "meta"),
                           metadata=leftovers(record, LS_KEYS))


def write_label_studio(task: LabelStudioTask, options: WriteOptions) -> list[dict[str, Any]]:
    out: dict[str, Any] = {}
    if task.id is not None:
        out["id"] = task.id
    out["data"] = task.data
    annotations = []
    for a in task.annotations:
        raw: dict[str, Any] = {k: v for k in LS_ANNOTATION_KEYS if (v := getattr(a, k)) is not None}
        raw["result"] = a.result
        annotations.append({**raw, **a.extra})
    out["annotations"] = annotations
    predictions = []
    for p in task.predictions:
        raw = {k: v for k in LS_PREDICTION_KEYS if (v := getattr(p, k)) is not None}
        raw["result"] = p.result
        predictions.append({**raw, **p.extra})
    out["predictions"] = predictions
    if task.meta is not None:
        out["meta"] = task.meta
    return [spread(out, task.metadata, LS_KEYS)]


# ---- argilla ----------------------------------------------------------------------------------

ARGILLA_KEYS = ("id", "fields", "metadata", "responses", "suggestions", "vectors", "status", "_server_id")


def read_argilla(record: Mapping[str, Any]) -> ArgillaRecord:
    fields = as_dict(record.get("fields"), "fields", required=True) or {}
    responses: dict[str, list[ArgillaResponse]] = {}
    for question, answers in (as_dict(record.get("responses"), "responses") or {}).items():
        if answers is None:  # Arrow containers fill questions a record has no answer to with null
            continue
        where = f"responses.{question}"
        listed = as_list(answers, where) or []
        out = []
        for i, raw in enumerate(listed):
            if not isinstance(raw, dict) or "value" not in raw:
                raise RecordError(f"{where}[{i}]", "expected a response object {value, user_id, status}")
            out.append(ArgillaResponse(value=raw["value"], user_id=text(raw.get("user_id"), f"{where}[{i}].user_id"),
                                       status=text(raw.get("status"), f"{where}[{i}].status")))
        responses[question] = out
    suggestions: dict[str, ArgillaSuggestion] = {}
    for question, raw in (as_dict(record.get("suggestions"), "suggestions") or {}).items():
        if raw is None:
            continue
        where = f"suggestions.{question}"
        if not isinstance(raw, dict) or "value" not in raw:
            raise RecordError(where, "expected a suggestion object {value, score, agent}")
        score = raw.get("score")
        if score is not None and not isinstance(score, list):
            score = as_number(score, f"{where}.score")
        suggestions[question] = ArgillaSuggestion(value=raw["value"], score=score,
                                                  agent=text(raw.get("agent"), f"{where}.agent"))
    vectors = {k: v for k, v in (as_dict(record.get("vectors"), "vectors") or {}).items() if v is not None}
    return ArgillaRecord(
        id=text(record.get("id"), "id"), fields=fields,
        metadata={k: v for k, v in (as_dict(record.get("metadata"), "metadata") or {}).items() if v is not None},
        responses=responses, suggestions=suggestions, vectors=vectors,
        status=text(record.get("status"), "status"), server_id=text(record.get("_server_id"), "_server_id"),
        extra={k: v for k, v in record.items() if k not in ARGILLA_KEYS and not missing(v)},
    )


def write_argilla(record: ArgillaRecord, options: WriteOptions) -> list[dict[str, Any]]:
    out: dict[str, Any] = {"id": record.id}
    if record.status is not None:
        out["status"] = record.status
    out["_server_id"] = record.server_id
    out["fields"] = record.fields
    out["metadata"] = record.metadata
    out["suggestions"] = {q: s.model_dump() for q, s in record.suggestions.items()}
    out["responses"] = {q: [r.model_dump(exclude_none=True) for r in answers] for q, answers in record.responses.items()}
    out["vectors"] = record.vectors
    for key, value in record.extra.items():
        if key in out:
            raise RecordError(f"extra.{key}", f"{key!r} is a field of Argilla records")
        out[key] = value
    return [out]


FORMATS = [
    Format("label-studio", "label-studio", LabelStudioTask,
           "Label Studio JSON tasks: {id, data, annotations: [{completed_by, result: [{from_name, type, value}]}], predictions}.",
           {"id": 1, "data": {"prompt": "Is 91 prime?", "response": "Yes."},
            "annotations": [{"id": 11, "completed_by": 3, "result": [
                {"from_name": "verdict", "to_name": "response", "type": "choices", "value": {"choices": ["wrong"]}}]}],
            "predictions": [{"model_version": "judge-1", "score": 0.9, "result": [
                {"from_name": "verdict", "to_name": "response", "type": "choices", "value": {"choices": ["wrong"]}}]}]},
           LS_KEYS, read_label_studio, write_label_studio,
           lambda r: isinstance(r.get("data"), dict | str) and ("annotations" in r or "predictions" in r or "id" in r)),
    Format("argilla", "argilla", ArgillaRecord,
           "Argilla 2.x records: {id, fields, metadata, responses: {question: [{value, user_id, status}]}, suggestions, vectors}.",
           {"id": "r1", "status": "completed", "fields": {"prompt": "Is 91 prime?", "response": "Yes."},
            "metadata": {"domain": "STEM"}, "responses": {"verdict": [
                {"value": "wrong", "user_id": "li.wei", "status": "submitted"}]},
            "suggestions": {"verdict": {"value": "wrong", "score": 0.9, "agent": "judge-1"}}, "vectors": {}},
           ARGILLA_KEYS, read_argilla, write_argilla, lambda r: "fields" in r and ("responses" in r or "suggestions" in r
                                                                                   or "metadata" in r or "id" in r)),
]
