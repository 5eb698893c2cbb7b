"""SFT records: people's written answers and accepted rewrites, or each item's best-rated response."""

from __future__ import annotations

from collections.abc import Iterator

from assay.spec import Question, QuestionKind
from assay.store import ReviewVerdict

from ._errors import ExportError
from ._load import ProjectLabels, Vote
from ._options import ExportOptions
from ._plans import SFTPlan, per_for, question
from ._units import UnitJudge, by_unit

SFT_PURPOSES = ("response", "rewrite")
# A correction is a reviewer's own version, an acceptance a reviewer's approval: both beat unreviewed text.
_REVIEW_RANK = {ReviewVerdict.correct: 2, ReviewVerdict.accept: 1}


def plan_sft(labels: ProjectLabels, options: ExportOptions) -> list[SFTPlan]:
    if options.labels == "imported":
        return [SFTPlan(item, response=rid) for item in labels.eligible for rid in labels.responses.get(item, [])]
    plans: list[SFTPlan] = []
    if options.best_response:
        q = question(labels.spec, options.best_response, "--best-response", [QuestionKind.RATING], per_response=True)
        plans.extend(_best_responses(labels, q, options))
    if options.question or not options.best_response:
        f = labels.filters
        if f.min_confidence is not None or f.min_agreement is not None:
            raise ExportError("--min-confidence and --min-agreement judge labels; written answers have none "
                              "(use them with --best-response, or filter with --approved-only)")
        for q in _text_questions(labels, options):
            plans.extend(_written(labels, q, options))
    plans.sort(key=lambda p: p.item)  # stable: each item's records keep their order
    return plans


def _text_questions(labels: ProjectLabels, options: ExportOptions) -> list[Question]:
    spec = labels.spec
    if options.question:
        q = question(spec, options.question, "--question", [QuestionKind.TEXT])
        if q.purpose not in SFT_PURPOSES:
            raise ExportError(f"--question: text question {q.key!r} collects a {q.purpose}; SFT answers come from "
                              "text questions with purpose response or rewrite")
        return [q]
    found = [q for q in spec.questions if q.kind == QuestionKind.TEXT and q.purpose in SFT_PURPOSES]
    if not found:
        raise ExportError(f"project {spec.slug!r} has no text question with purpose response or rewrite; "
                          "export each item's best model response with --best-response QUESTION")
    return found


def _written(labels: ProjectLabels, q: Question, options: ExportOptions) -> Iterator[SFTPlan]:
    """One answer per unit (the best-reviewed; the first written among equals), or every answer with
    --per judgement. A rewrite's unit is the response it rewrites: the record answers the item's prompt."""
    per = per_for(options, "consensus", ("consensus", "judgement"), f"text question {q.key!r}")
    for _key, votes in sorted(by_unit(labels.votes(q)).items()):
        texts = [v for v in votes if isinstance(v.value, str) and v.value.strip()]
        if not texts:
            continue
        chosen = texts if per == "judgement" else [max(texts, key=lambda v: (_rank(labels, v), -v.judgement))]
        for v in chosen:
            yield SFTPlan(v.item, text=v.value, judgements=(v.judgement,), annotator=v.user)


def _rank(labels: ProjectLabels, v: Vote) -> int:
    verdict = labels.verdicts.get(v.judgement)
    return _REVIEW_RANK.get(verdict, 0) if verdict is not None else 0


def _best_responses(labels: ProjectLabels, q: Question, options: ExportOptions) -> Iterator[SFTPlan]:
    per = per_for(options, "mean", ("mean", "consensus"), f"--best-response {q.key}")
    units = UnitJudge(labels, q, per, option="--best-response").units(labels.votes(q))
    for item in sorted({item for item, _ in units}):
        scored = [(rid, float(units[(item, rid)].reference)) for rid in labels.responses.get(item, [])
                  if (item, rid) in units]
        if not scored:
            continue
        rid, score = max(scored, key=lambda s: s[1])  # the first of equals
        if options.min_score is not None and score < options.min_score - 1e-9:
            continue
        yield SFTPlan(item, response=rid, judgements=tuple(v.judgement for v in units[(item, rid)].votes))
