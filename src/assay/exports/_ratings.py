"""Reward data: per response, the mean or consensus rating of each criterion, with rationales."""

from __future__ import annotations

from collections import defaultdict

from assay.spec import Question, QuestionKind

from ._errors import ExportError
from ._load import ProjectLabels
from ._options import ExportOptions
from ._plans import RatedPart, RatedPlan, number, per_for, question
from ._units import Judged, UnitJudge, UnitKey, by_unit, label


def plan_ratings(labels: ProjectLabels, options: ExportOptions) -> list[RatedPlan]:
    if options.labels == "imported":
        return _imported(labels)
    criteria = _criteria(labels, options)
    per = per_for(options, "mean", ("mean", "consensus", "judgement"), "--as ratings")
    units: dict[str, dict[UnitKey, Judged]] = {
        q.key: UnitJudge(labels, q, per, option="--criteria", measure=True).units(labels.votes(q)) for q in criteria
    }
    rationale_qs = [q for q in labels.spec.questions
                    if q.kind == QuestionKind.TEXT and q.purpose == "rationale" and q.per_response]
    if per == "judgement":
        return _per_judgement(labels, criteria, units, rationale_qs)
    rationales: dict[UnitKey, dict[str, str]] = defaultdict(dict)
    for q in rationale_qs:
        for key, votes in by_unit(labels.votes(q)).items():
            texts = list(dict.fromkeys(v.value.strip() for v in votes if isinstance(v.value, str) and v.value.strip()))
            if texts:
                rationales[key][q.key] = "\n\n".join(texts)
    items = sorted({item for by_key in units.values() for item, _ in by_key})
    plans = []
    for item in items:
        parts = []
        used: set[int] = set()
        for rid in labels.responses.get(item, []):
            part = RatedPart(rid, {})
            for q in criteria:
                unit = units[q.key].get((item, rid))
                if unit is None:
                    continue
                part.ratings[q.key] = number(unit.reference)
                part.n[q.key] = len(unit.votes)
                part.confidence[q.key] = unit.confidence
                part.agreement[q.key] = unit.agreement
                used.update(v.judgement for v in unit.votes)
            if part.ratings:
                part.rationales = rationales.get((item, rid), {})
                parts.append(part)
        if parts:
            plans.append(RatedPlan(item, parts, tuple(sorted(used))))
    return plans


def _criteria(labels: ProjectLabels, options: ExportOptions) -> list[Question]:
    spec = labels.spec
    if options.criteria:
        return [question(spec, key, "--criteria", [QuestionKind.RATING], per_response=True) for key in options.criteria]
    found = [q for q in spec.questions if q.kind == QuestionKind.RATING and q.per_response]
    if not found:
        raise ExportError(f"project {spec.slug!r} has no rating question asked per response; --as ratings exports those")
    return found


def _per_judgement(labels: ProjectLabels, criteria: list[Question], units: dict[str, dict[UnitKey, Judged]],
                   rationale_qs: list[Question]) -> list[RatedPlan]:
    """One record per judgement: that person's ratings (of the units that pass) and rationales."""
    ratings: dict[int, dict[int, dict[str, float | int]]] = defaultdict(lambda: defaultdict(dict))
    owner: dict[int, tuple[int, int]] = {}
    for q in criteria:
        for unit in units[q.key].values():
            for v in unit.votes:
                value = label(q, v.value)
                if value is not None:
                    ratings[v.judgement][v.response][q.key] = number(value)
                    owner[v.judgement] = (v.item, v.user)
    notes: dict[int, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for q in rationale_qs:
        for v in labels.votes(q):
            if v.judgement in ratings and isinstance(v.value, str) and v.value.strip():
                notes[v.judgement][v.response][q.key] = v.value.strip()
    plans = []
    for jid in sorted(ratings, key=lambda j: (owner[j][0], j)):
        item, user = owner[jid]
        parts = [RatedPart(rid, ratings[jid][rid], notes[jid].get(rid, {}), {k: 1 for k in ratings[jid][rid]})
                 for rid in labels.responses.get(item, []) if rid in ratings[jid]]
        plans.append(RatedPlan(item, parts, (jid,), user))
    return plans


def _imported(labels: ProjectLabels) -> list[RatedPlan]:
    """Ratings that came in with imported UltraFeedback / HelpSteer files (response metadata)."""
    metas = labels.response_meta(labels.eligible)
    plans = []
    for item in labels.eligible:
        parts = []
        for rid in labels.responses.get(item, []):
            meta = metas.get(rid, {})
            raw = meta.get("ratings")
            if not isinstance(raw, dict) or not raw:
                continue
            values = {str(k): number(v) for k, v in raw.items() if isinstance(v, int | float) and not isinstance(v, bool)}
            notes = meta.get("rationales")
            why = {str(k): str(v) for k, v in notes.items()} if isinstance(notes, dict) else {}
            extra = {k: v for k, v in meta.items() if k not in ("ratings", "rationales")}
            parts.append(RatedPart(rid, values, why, extra=extra))
        if parts:
            plans.append(RatedPlan(item, parts))
    return plans
