"""Rating schemas: UltraFeedback (per-aspect ratings and rationales) and HelpSteer attribute scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import RecordError
from ._fields import as_dict, as_list, as_number, leftovers, spread, text, type_name
from ._format import Format, WriteOptions
from ._messages import single_text
from ._models import Message, RatedExample, RatedResponse

# ---- ultrafeedback ----------------------------------------------------------------------------

UF_KEYS = ("instruction", "models", "completions")
UF_COMPLETION_KEYS = ("response", "model", "annotations")
# Annotation keys other than Rating and the rating's rationale (truthfulness and helpfulness also
# carry "Type" and a "Rationale" of the type) are kept here, per aspect, so they write back exactly.
UF_EXTRA = "annotations_extra"
NOT_RATED = "N/A"


def _rating_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _uf_completion(raw: Any, field: str) -> RatedResponse:
    if not isinstance(raw, dict):
        raise RecordError(field, f"expected a completion object, got {type_name(raw)}")
    content = text(raw.get("response"), f"{field}.response", required=True, keep_empty=True) or ""
    ratings: dict[str, float | int] = {}
    rationales: dict[str, str] = {}
    extras: dict[str, dict[str, Any]] = {}
    annotations = as_dict(raw.get("annotations"), f"{field}.annotations") or {}
    for aspect, note in annotations.items():
        where = f"{field}.annotations.{aspect}"
        if not isinstance(note, dict):
            raise RecordError(where, f"expected an object with Rating and Rationale, got {type_name(note)}")
        rest = dict(note)
        rating = rest.pop("Rating", None)
        if rating is not None and rating != NOT_RATED:
            ratings[aspect] = as_number(rating, f"{where}.Rating")  # type: ignore[assignment]
        elif rating is not None:
            rest["Rating"] = rating
        why_key = "Rationale For Rating" if "Rationale For Rating" in rest else "Rationale"
        if why_key in rest:
            rationales[aspect] = text(rest.pop(why_key), f"{where}.{why_key}", keep_empty=True) or ""
        if rest:
            extras[aspect] = rest
    meta = leftovers(raw, UF_COMPLETION_KEYS)
    if extras:
        meta[UF_EXTRA] = extras
    return RatedResponse(content=content, model=text(raw.get("model"), f"{field}.model"), ratings=ratings,
                         rationales=rationales, metadata=meta)


def read_ultrafeedback(record: Mapping[str, Any]) -> RatedExample:
    instruction = text(record.get("instruction"), "instruction", required=True)
    completions = as_list(record.get("completions"), "completions", required=True) or []
    responses = [_uf_completion(c, f"completions[{i}]") for i, c in enumerate(completions)]
    meta = leftovers(record, UF_KEYS)
    models = as_list(record.get("models"), "models")
    if models is not None and models != [r.model for r in responses]:
        meta["models"] = models  # only when it says more than the completions do
    return RatedExample(prompt=[Message(role="user", content=instruction)], responses=responses, metadata=meta)


def write_ultrafeedback(example: RatedExample, options: WriteOptions) -> list[dict[str, Any]]:
    completions = []
    for i, r in enumerate(example.responses):
        meta = dict(r.metadata)
        extras: dict[str, dict[str, Any]] = meta.pop(UF_EXTRA, None) or {}
        annotations: dict[str, dict[str, Any]] = {}
        for aspect in dict.fromkeys([*r.ratings, *r.rationales, *extras]):
            note = dict(extras.get(aspect, {}))
            if aspect in r.ratings:
                note["Rating"] = _rating_text(r.ratings[aspect])
            if aspect in r.rationales:
                note["Rationale For Rating" if "Rationale" in note else "Rationale"] = r.rationales[aspect]
            annotations[aspect] = note
        if r.model is None:
            raise RecordError(f"responses[{i}].model", "UltraFeedback names the model of every completion")
        completion: dict[str, Any] = {"model": r.model, "response": r.content, "annotations": annotations}
        completions.append(spread(completion, meta, UF_COMPLETION_KEYS))
    meta = dict(example.metadata)
    models = meta.pop("models", None) or [r.model for r in example.responses]
    out = {"instruction": single_text(example.prompt, "user", "prompt", form="UltraFeedback"),
           "models": models, "completions": completions}
    return [spread(out, meta, UF_KEYS)]


# ---- helpsteer --------------------------------------------------------------------------------

HELPSTEER_ASPECTS = ("helpfulness", "correctness", "coherence", "complexity", "verbosity")
HS_KEYS = ("prompt", "response", "model", *HELPSTEER_ASPECTS)


def read_helpsteer(record: Mapping[str, Any]) -> RatedExample:
    prompt = text(record.get("prompt"), "prompt", required=True)
    content = text(record.get("response"), "response", required=True, keep_empty=True) or ""
    ratings = {a: v for a in HELPSTEER_ASPECTS if (v := as_number(record.get(a), a)) is not None}
    if not ratings:
        raise RecordError(HELPSTEER_ASPECTS[0], f"a HelpSteer record scores at least one of {', '.join(HELPSTEER_ASPECTS)}")
    response = RatedResponse(content=content, model=text(record.get("model"), "model"), ratings=ratings)
    return RatedExample(prompt=[Message(role="user", content=prompt)], responses=[response],
                        metadata=leftovers(record, HS_KEYS))


def write_helpsteer(example: RatedExample, options: WriteOptions) -> list[dict[str, Any]]:
    prompt = single_text(example.prompt, "user", "prompt", form="HelpSteer")
    rows = []
    for r in example.responses:
        row: dict[str, Any] = {"prompt": prompt, "response": r.content}
        row.update({a: r.ratings[a] for a in HELPSTEER_ASPECTS if a in r.ratings})
        if r.model is not None:
            row["model"] = r.model
        # Ratings of other aspects travel as extra columns (read back as metadata).
        row.update({a: v for a, v in r.ratings.items() if a not in HELPSTEER_ASPECTS})
        rows.append(spread(row, {**example.metadata, **r.metadata}, HS_KEYS))
    return rows


FORMATS = [
    Format("ultrafeedback", "ratings", RatedExample,
           "UltraFeedback: {instruction, models, completions: [{model, response, annotations: {aspect: {Rating, Rationale}}, "
           "fine-grained_score, overall_score, critique}]}.",
           {"source": "evol_instruct", "instruction": "Is 91 prime?", "models": ["m1"],
            "completions": [{"model": "m1", "response": "No: 91 = 7 × 13.", "annotations": {
                "helpfulness": {"Rating": "5", "Rationale": "Correct with a reason."}}, "fine-grained_score": 5.0}]},
           UF_KEYS, read_ultrafeedback, write_ultrafeedback, lambda r: "instruction" in r and "completions" in r),
    Format("helpsteer", "ratings", RatedExample,
           "HelpSteer / HelpSteer2: {prompt, response, helpfulness, correctness, coherence, complexity, verbosity} (0-4).",
           {"prompt": "Is 91 prime?", "response": "No: 91 = 7 × 13.", "helpfulness": 4, "correctness": 4,
            "coherence": 4, "complexity": 1, "verbosity": 1},
           HS_KEYS, read_helpsteer, write_helpsteer,
           lambda r: "prompt" in r and "response" in r and any(a in r for a in HELPSTEER_ASPECTS)),
]

__all__ = ["FORMATS", "HELPSTEER_ASPECTS"]
