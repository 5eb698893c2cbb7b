"""KTO records: single responses labelled desirable or not, from a pass/fail-like answer."""

from __future__ import annotations

from collections.abc import Iterator

from assay.spec import Question, QuestionKind

from ._errors import ExportError
from ._load import ProjectLabels
from ._options import ExportOptions, Per
from ._plans import KTOPlan, per_for, question
from ._units import UnitJudge, label


def plan_kto(labels: ProjectLabels, options: ExportOptions) -> list[KTOPlan]:
    if options.labels == "imported":
        items = labels.eligible
        metas = labels.response_meta(items)
        return [KTOPlan(item, rid, metas[rid]["label"]) for item in items for rid in labels.responses.get(item, [])
                if isinstance(metas.get(rid, {}).get("label"), bool)]
    if not options.label_from:
        raise ExportError("--as kto needs --label-from QUESTION: a choice question with --desirable VALUES, "
                          "or a rating question with --threshold T")
    q = question(labels.spec, options.label_from, "--label-from", [QuestionKind.CHOICE, QuestionKind.RATING])
    _check(labels, q, options)
    return list(_labelled(labels, q, options))


def _check(labels: ProjectLabels, q: Question, options: ExportOptions) -> None:
    if q.kind == QuestionKind.CHOICE:
        if q.multiple:
            raise ExportError(f"--label-from: {q.key!r} allows several answers; KTO needs one label per response")
        if not options.desirable:
            raise ExportError(f"--label-from {q.key}: say which options are desirable with --desirable "
                              f"(options: {', '.join(q.option_values)})")
        unknown = [d for d in options.desirable if d not in q.option_values]
        if unknown:
            raise ExportError(f"--desirable: {', '.join(map(repr, unknown))} is not an option of {q.key!r}; "
                              f"options: {', '.join(q.option_values)}")
        if options.threshold is not None:
            raise ExportError("--threshold is for rating questions; a choice question takes --desirable")
    else:
        if options.threshold is None:
            raise ExportError(f"--label-from {q.key}: a rating question needs --threshold T (ratings >= T are desirable)")
        if options.desirable:
            raise ExportError("--desirable is for choice questions; a rating question takes --threshold")
    if not q.per_response and labels.spec.layout.responses != 1:
        raise ExportError(f"--label-from: {q.key!r} is asked once per item and items show "
                          f"{labels.spec.layout.responses} responses; KTO needs a question asked per response")


def _desirable(q: Question, options: ExportOptions, value: object) -> bool | None:
    if value is None:
        return None
    if q.kind == QuestionKind.CHOICE:
        return value in options.desirable
    assert options.threshold is not None
    return float(value) >= options.threshold - 1e-9  # type: ignore[arg-type]


def _labelled(labels: ProjectLabels, q: Question, options: ExportOptions) -> Iterator[KTOPlan]:
    default: Per = "consensus" if q.kind == QuestionKind.CHOICE else "mean"
    allowed: tuple[Per, ...] = ("consensus", "judgement") if q.kind == QuestionKind.CHOICE else ("mean", "consensus", "judgement")
    per = per_for(options, default, allowed, f"--label-from {q.key}")
    judge = UnitJudge(labels, q, per, option="--label-from")
    for (item, response), unit in judge.units(labels.votes(q)).items():
        rids = labels.responses.get(item, [])
        rid = response if q.per_response else (rids[0] if len(rids) == 1 else None)
        if rid is None:
            continue
        if per != "judgement":
            good = _desirable(q, options, unit.reference)
            if good is not None:
                yield KTOPlan(item, rid, good, tuple(v.judgement for v in unit.votes))
            continue
        for v in unit.votes:
            good = _desirable(q, options, label(q, v.value))
            if good is not None:
                yield KTOPlan(item, rid, good, (v.judgement,), v.user)
