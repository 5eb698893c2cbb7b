"""Preference pairs from compare judgements, rankings, rating differences or imported pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from assay.spec import Question, QuestionKind

from ._errors import ExportError
from ._load import ProjectLabels
from ._options import ExportOptions
from ._plans import PairPlan, first_of, number, per_for, question, resolve_letter
from ._units import UnitJudge, label


def plan_pairs(labels: ProjectLabels, options: ExportOptions) -> list[PairPlan]:
    if options.labels == "imported":
        return imported_pairs(labels)
    if options.from_ratings:
        q = question(labels.spec, options.from_ratings, "--from-ratings", [QuestionKind.RATING], per_response=True)
        return list(_rating_pairs(labels, q, options))
    kinds = [QuestionKind.COMPARE, QuestionKind.RANK]
    q = (question(labels.spec, options.question, "--question", kinds) if options.question
         else first_of(labels.spec, kinds, "--question or --from-ratings", "compare or rank question"))
    if q.kind == QuestionKind.COMPARE:
        return list(_compare_pairs(labels, q, options))
    return list(_rank_pairs(labels, q, options))


def _strength(value: Any) -> float | None:
    strength = value.get("strength") if type(value) is dict else None
    return float(strength) if isinstance(strength, int | float) and not isinstance(strength, bool) else None


def _compare_pairs(labels: ProjectLabels, q: Question, options: ExportOptions) -> Iterator[PairPlan]:
    """The winner over the loser; ties are skipped. The margin is the preference strength (the mean
    strength of the judgements agreeing with a consensus), when the question has one."""
    per = per_for(options, "consensus", ("consensus", "judgement"), f"compare question {q.key!r}")
    judge = UnitJudge(labels, q, per, option="--question")
    if judge.passthrough:
        # The hot path of large exports: one pair per judgement, straight from the answers.
        responses = labels.responses
        plans = []
        for jid, item, _, user, value in labels.answers(q):
            winner = value.get("winner") if type(value) is dict else value
            if winner != "A" and winner != "B":
                continue
            rids = responses.get(item, ())
            if len(rids) < 2:
                continue
            first, second = (rids[0], rids[1]) if winner == "A" else (rids[1], rids[0])
            plans.append(PairPlan(item, first, second, margin=_strength(value), judgements=(jid,), annotator=user))
        plans.sort(key=_by_item_and_judgement)
        yield from plans
        return
    for (item, _), unit in judge.units(labels.votes(q)).items():
        rids = labels.responses.get(item, [])
        if per == "consensus":
            winner = unit.reference
            if winner not in ("A", "B"):
                continue
            chosen, rejected = resolve_letter(rids, winner), resolve_letter(rids, "B" if winner == "A" else "A")
            if chosen is None or rejected is None:
                continue
            strengths = [s for v in unit.votes if label(q, v.value) == winner and (s := _strength(v.value)) is not None]
            margin = _strength(unit.agreed.value) if unit.agreed is not None else None
            if margin is None and strengths:
                margin = number(sum(strengths) / len(strengths))
            yield PairPlan(item, chosen, rejected, margin=margin, judgements=tuple(v.judgement for v in unit.votes))
            continue
        for v in unit.votes:
            winner = label(q, v.value)
            if winner not in ("A", "B"):
                continue
            chosen, rejected = resolve_letter(rids, winner), resolve_letter(rids, "B" if winner == "A" else "A")
            if chosen is None or rejected is None:
                continue
            yield PairPlan(item, chosen, rejected, margin=_strength(v.value), judgements=(v.judgement,),
                           annotator=v.user)


def _by_item_and_judgement(plan: PairPlan) -> tuple[int, int]:
    return plan.item, plan.judgements[0]


def _ranking_pairs(ranking: Any, rids: list[int], best_worst: bool) -> list[tuple[int, int]]:
    """(better, worse) response ids of a ranking ``["B", "A=C"]``; tied responses make no pair."""
    if not isinstance(ranking, list):
        return []
    tiers = []
    for tier in ranking:
        members = [resolve_letter(rids, m.strip()) for m in str(tier).split("=")]
        tiers.append([m for m in members if m is not None])
    tiers = [t for t in tiers if t]
    if len(tiers) < 2:
        return []
    if best_worst:
        return [(a, b) for a in tiers[0] for b in tiers[-1]]
    return [(a, b) for i, upper in enumerate(tiers) for lower in tiers[i + 1:] for a in upper for b in lower]


def _rank_pairs(labels: ProjectLabels, q: Question, options: ExportOptions) -> Iterator[PairPlan]:
    per = per_for(options, "judgement", ("judgement", "consensus"), f"rank question {q.key!r}")
    judge = UnitJudge(labels, q, per, option="--question")
    best_worst = options.pairs == "best-worst"
    for (item, _), unit in judge.units(labels.votes(q)).items():
        rids = labels.responses.get(item, [])
        if per == "consensus":
            for a, b in _ranking_pairs(unit.reference, rids, best_worst):
                yield PairPlan(item, a, b, judgements=tuple(v.judgement for v in unit.votes))
            continue
        for v in unit.votes:
            for a, b in _ranking_pairs(v.value, rids, best_worst):
                yield PairPlan(item, a, b, judgements=(v.judgement,), annotator=v.user)


def rating_pairs(scores: list[tuple[int, float]], margin: float, best_worst: bool) -> list[tuple[int, int, float, float]]:
    """(chosen, rejected, score_chosen, score_rejected) from one item's (response id, score) in
    position order: pairs whose scores differ by at least ``margin``."""
    if len(scores) < 2:
        return []
    if best_worst:
        best = max(scores, key=lambda s: s[1])  # the first of equals
        worst = min(reversed(scores), key=lambda s: s[1])  # the last of equals
        gap = best[1] - worst[1]
        return [(best[0], worst[0], best[1], worst[1])] if gap > 0 and gap >= margin - 1e-9 else []
    return [(a, b, sa, sb) for a, sa in scores for b, sb in scores
            if a != b and sa - sb > 0 and sa - sb >= margin - 1e-9]


def _rating_pairs(labels: ProjectLabels, q: Question, options: ExportOptions) -> Iterator[PairPlan]:
    per = per_for(options, "mean", ("mean", "consensus", "judgement"), f"--from-ratings {q.key}")
    judge = UnitJudge(labels, q, per, option="--from-ratings")
    units = judge.units(labels.votes(q))
    best_worst = options.pairs == "best-worst"
    if per != "judgement":
        for item in sorted({item for item, _ in units}):
            scores = [(rid, float(units[(item, rid)].reference)) for rid in labels.responses.get(item, [])
                      if (item, rid) in units]
            for a, b, sa, sb in rating_pairs(scores, options.margin, best_worst):
                used = tuple(sorted(v.judgement for key in ((item, a), (item, b)) for v in units[key].votes))
                yield PairPlan(item, a, b, number(sa), number(sb), number(sa - sb), used)
        return
    by_judgement: dict[int, dict[int, float]] = defaultdict(dict)
    owner: dict[int, tuple[int, int]] = {}
    for unit in units.values():
        for v in unit.votes:
            value = label(q, v.value)
            if value is not None:
                by_judgement[v.judgement][v.response] = value
                owner[v.judgement] = (v.item, v.user)
    for jid in sorted(by_judgement, key=lambda j: (owner[j][0], j)):
        item, user = owner[jid]
        ratings = by_judgement[jid]
        scores = [(rid, ratings[rid]) for rid in labels.responses.get(item, []) if rid in ratings]
        for a, b, sa, sb in rating_pairs(scores, options.margin, best_worst):
            yield PairPlan(item, a, b, number(sa), number(sb), number(sa - sb), (jid,), user)


def imported_pairs(labels: ProjectLabels) -> list[PairPlan]:
    """Pairs that came in with imported preference files: response metadata ``preference`` chosen /
    rejected (and ``score``), item metadata ``margin``."""
    items = [i for i in labels.eligible if len(labels.responses.get(i, [])) >= 2]
    metas = labels.response_meta(items)
    item_metas = labels.item_meta(items)
    out = []
    for item in items:
        rids = labels.responses[item]
        chosen = [r for r in rids if metas.get(r, {}).get("preference") == "chosen"]
        rejected = [r for r in rids if metas.get(r, {}).get("preference") == "rejected"]
        for c, r in zip(chosen, rejected, strict=False):
            margin = item_metas.get(item, {}).get("margin")
            out.append(PairPlan(item, c, r, _score(metas[c]), _score(metas[r]),
                                float(margin) if isinstance(margin, int | float) else None))
    return out


def _score(meta: Mapping[str, Any]) -> float | None:
    score = meta.get("score")
    return float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None


def check_people_filters(labels: ProjectLabels) -> None:
    """Imported labels have no judgements: filters on judgements cannot apply to them."""
    f = labels.filters
    given = [name for name, on in (("--min-confidence", f.min_confidence is not None),
                                   ("--min-agreement", f.min_agreement is not None),
                                   ("--approved-only", f.approved_only), ("--since", f.since is not None),
                                   ("--until", f.until is not None)) if on]
    if given:
        raise ExportError(f"{', '.join(given)} filter judgements; imported training labels have none "
                          "(item filters --domain, --language and --exclude-flags still apply)")
