"""A project's evidence about its models, as the long tables `assay.evals` reads.

Sources: people (their submitted judgements, made here or imported), each judge run (`judge_verdicts`)
and each imported evaluation (scores from Inspect, lm-eval and the like, stored as verdicts of an
imported run). Every table carries a `source` column so the same analysis runs on any of them.

- scores: item, response, model, criterion, domain, value, source — ratings per response (people:
  the mean of the annotators who rated it).
- battles: item, left, right, winner, criterion, domain, source, left_response, right_response,
  left_length, right_length — one row per comparison: a person's compare answer, each pair of a
  person's ranking, or a judge's verdict (both orders combined: a verdict that changes with the order
  counts as a tie, as MT-Bench does).
- flags / judged: span labels per response (a response carries a failure type when at least half of
  the people who judged it flagged it) and the responses people judged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assay.spec import ProjectSpec, Question, QuestionKind
from assay.store import (
    Item,
    Judgement,
    JudgementAnswer,
    JudgementStatus,
    JudgeVerdict,
    ModelRun,
    Response,
)
from assay.store.projects import get_project, load_project_spec

HUMANS = "humans"
"""The source name of people's judgements."""
PANEL = "judge panel"
"""The source combining every judge run (with two or more): the mean score of the judges per response
and criterion, and per pair the winner most judges chose (a tie when they split evenly)."""
NO_DOMAIN = "(none)"


@dataclass(frozen=True)
class ResponseInfo:
    id: int
    item: int
    letter: str
    model: str
    length: int


@dataclass(frozen=True)
class EvalData:
    """A project's evidence about its models (see the module doc)."""

    slug: str
    name: str
    spec: ProjectSpec
    scores: pd.DataFrame
    battles: pd.DataFrame
    flags: pd.DataFrame
    judged: pd.DataFrame
    sources: list[str]
    """`humans` first (when there are people's judgements), then judge and imported runs by id."""
    runs: dict[str, dict[str, Any]]
    """Per run source name: id, kind, endpoint, model."""
    texts: dict[int, str]
    """Response texts, only when loaded with `texts=True`."""

    def source(self, name: str | None) -> str:
        """`name` checked against the sources (None: humans when present, else the first)."""
        if name is None:
            if not self.sources:
                raise ValueError(f"project {self.slug!r} has no judgements or verdicts yet")
            return self.sources[0]
        if name not in self.sources:
            raise ValueError(f"no source {name!r}; sources: {', '.join(self.sources) or 'none yet'}")
        return name


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def load_eval_data(session: Session, slug: str, *, texts: bool = False) -> EvalData:
    project = get_project(session, slug)
    spec = load_project_spec(session, project)
    pid = project.id
    domains = {i: d or NO_DOMAIN for i, d in session.execute(select(Item.id, Item.domain).where(Item.project_id == pid))}
    responses: dict[int, ResponseInfo] = {}
    by_item: dict[int, list[ResponseInfo]] = defaultdict(list)
    position = 0
    last_item = None
    for rid, item_id, model, length in session.execute(
        select(Response.id, Response.item_id, Response.model, func.length(Response.content))
        .where(Response.project_id == pid).order_by(Response.item_id, Response.position, Response.id)
    ):
        position = 0 if item_id != last_item else position + 1
        last_item = item_id
        info = ResponseInfo(rid, item_id, _letter(position), model or f"(response {_letter(position)})", int(length or 0))
        responses[rid] = info
        by_item[item_id].append(info)
    letters = {item: {r.letter: r for r in rs} for item, rs in by_item.items()}

    runs = _runs(session, pid)
    scores: list[dict[str, Any]] = []
    battles: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    judged: list[dict[str, Any]] = []
    has_people = _people(session, pid, spec, responses, letters, domains, scores, battles, flags, judged)
    _verdicts(session, pid, spec, runs, responses, domains, scores, battles)
    judges = [name for name, info in runs.items() if info["kind"] == "judge"]
    if len(judges) >= 2:
        _panel(judges, scores, battles)
    sources = ([HUMANS] if has_people else []) + list(runs) + ([PANEL] if len(judges) >= 2 else [])
    text_map: dict[int, str] = {}
    if texts:
        for rid, content in session.execute(select(Response.id, Response.content).where(Response.project_id == pid)):
            text_map[rid] = content
    return EvalData(
        slug=project.slug, name=project.name, spec=spec,
        scores=pd.DataFrame(scores, columns=["item", "response", "model", "criterion", "domain", "value", "source"]),
        battles=pd.DataFrame(battles, columns=["item", "left", "right", "winner", "criterion", "domain", "source",
                                               "left_response", "right_response", "left_length", "right_length"]),
        flags=pd.DataFrame(flags, columns=["item", "model", "response", "failure_type", "domain", "source"]),
        judged=pd.DataFrame(judged, columns=["item", "model", "response", "domain", "source"]),
        sources=sources, runs=runs, texts=text_map,
    )


def _runs(session: Session, pid: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    rows = session.execute(
        select(ModelRun.id, ModelRun.name, ModelRun.kind, ModelRun.endpoint, ModelRun.model)
        .where(ModelRun.project_id == pid, ModelRun.kind != "generate").order_by(ModelRun.id)).all()
    names = [r.name for r in rows]
    for r in rows:
        name = r.name if names.count(r.name) == 1 else f"{r.name} #{r.id}"
        out[name] = {"id": r.id, "kind": r.kind.value, "endpoint": r.endpoint, "model": r.model}
    return out


def _people(session: Session, pid: int, spec: ProjectSpec, responses: dict[int, ResponseInfo],
            letters: dict[int, dict[str, ResponseInfo]], domains: dict[int, str], scores: list[dict[str, Any]],
            battles: list[dict[str, Any]], flags: list[dict[str, Any]], judged: list[dict[str, Any]]) -> bool:
    submitted = select(Judgement.id).where(Judgement.project_id == pid, Judgement.status == JudgementStatus.submitted)
    found = False
    for q in spec.questions:
        rows = session.execute(
            select(JudgementAnswer.item_id, JudgementAnswer.response_id, JudgementAnswer.value, JudgementAnswer.value_num)
            .where(JudgementAnswer.project_id == pid, JudgementAnswer.question == q.key,
                   JudgementAnswer.judgement_id.in_(submitted))).all()
        if not rows:
            continue
        found = True
        if q.kind == QuestionKind.RATING and q.per_response:
            sums: dict[int, list[float]] = defaultdict(list)
            for _item, rid, _value, num in rows:
                if rid in responses and num is not None:
                    sums[rid].append(float(num))
            for rid, values in sums.items():
                r = responses[rid]
                scores.append({"item": r.item, "response": rid, "model": r.model, "criterion": q.key,
                               "domain": domains[r.item], "value": sum(values) / len(values), "source": HUMANS})
        elif q.kind == QuestionKind.COMPARE:
            for item_id, _rid, value, _num in rows:
                winner = value.get("winner") if isinstance(value, dict) else value
                _pair_battle(battles, q, item_id, letters.get(item_id, {}), "A", "B", winner, domains)
        elif q.kind == QuestionKind.RANK:
            for item_id, _rid, value, _num in rows:
                _rank_battles(battles, q, item_id, letters.get(item_id, {}), value, domains)
        elif q.kind == QuestionKind.SPAN:
            _span_flags(q, rows, responses, domains, flags, judged)
    return found


def _pair_battle(battles: list[dict[str, Any]], q: Question, item_id: int, shown: dict[str, ResponseInfo],
                 a: str, b: str, winner: Any, domains: dict[int, str], source: str = HUMANS) -> None:
    left, right = shown.get(a), shown.get(b)
    if left is None or right is None or left.model == right.model or winner not in (a, b, "tie"):
        return
    battles.append({
        "item": item_id, "left": left.model, "right": right.model,
        "winner": "tie" if winner == "tie" else (left.model if winner == a else right.model),
        "criterion": q.criterion or q.key, "domain": domains[item_id], "source": source,
        "left_response": left.id, "right_response": right.id, "left_length": left.length, "right_length": right.length,
    })


def _rank_battles(battles: list[dict[str, Any]], q: Question, item_id: int, shown: dict[str, ResponseInfo],
                  ranking: Any, domains: dict[int, str]) -> None:
    if not isinstance(ranking, list):
        return
    place = {letter: i for i, group in enumerate(ranking) for letter in str(group).split("=")}
    for a, b in combinations(sorted(place), 2):
        winner = "tie" if place[a] == place[b] else (a if place[a] < place[b] else b)
        _pair_battle(battles, q, item_id, shown, a, b, winner, domains)


def _span_flags(q: Question, rows: Sequence[Any], responses: dict[int, ResponseInfo], domains: dict[int, str],
                flags: list[dict[str, Any]], judged: list[dict[str, Any]]) -> None:
    votes: dict[int, dict[str, int]] = defaultdict(dict)
    people: dict[int, int] = defaultdict(int)
    for _item, rid, value, _num in rows:
        if rid not in responses:
            continue
        people[rid] += 1
        for label in {s.get("label") for s in value or [] if isinstance(s, dict)}:
            if isinstance(label, str):
                votes[rid][label] = votes[rid].get(label, 0) + 1
    for rid, n in people.items():
        r = responses[rid]
        judged.append({"item": r.item, "model": r.model, "response": rid, "domain": domains[r.item], "source": HUMANS})
        for label, k in votes.get(rid, {}).items():
            if 2 * k >= n:
                flags.append({"item": r.item, "model": r.model, "response": rid, "failure_type": label,
                              "domain": domains[r.item], "source": HUMANS})


def _verdicts(session: Session, pid: int, spec: ProjectSpec, runs: dict[str, dict[str, Any]],
              responses: dict[int, ResponseInfo], domains: dict[int, str], scores: list[dict[str, Any]],
              battles: list[dict[str, Any]]) -> None:
    names = {info["id"]: name for name, info in runs.items()}
    kinds = {q.key: q for q in spec.questions}
    pairs: dict[tuple[int, int, str, int, int], dict[bool, float | None]] = defaultdict(dict)
    for run_id, item_id, question, rid, other, swapped, score in session.execute(
        select(JudgeVerdict.run_id, JudgeVerdict.item_id, JudgeVerdict.question, JudgeVerdict.response_id,
               JudgeVerdict.other_response_id, JudgeVerdict.swapped, JudgeVerdict.score)
        .where(JudgeVerdict.project_id == pid)
    ):
        if run_id not in names:
            continue
        if other:
            pairs[(run_id, item_id, question, rid, other)][bool(swapped)] = score
        elif score is not None and rid in responses:
            r = responses[rid]
            scores.append({"item": item_id, "response": rid, "model": r.model, "criterion": question,
                           "domain": domains.get(item_id, NO_DOMAIN), "value": float(score), "source": names[run_id]})
    for (run_id, item_id, question, rid, other), by_order in pairs.items():
        a, b = responses.get(rid), responses.get(other)
        if a is None or b is None or a.model == b.model:
            continue
        got = [s for s in by_order.values() if s is not None]
        if not got:
            continue
        score = got[0] if len(set(got)) == 1 else 0.5
        winner = a.model if score == 1.0 else b.model if score == 0.0 else "tie"
        q = kinds.get(question)
        battles.append({
            "item": item_id, "left": a.model, "right": b.model, "winner": winner,
            "criterion": (q.criterion or q.key) if q is not None else question,
            "domain": domains.get(item_id, NO_DOMAIN), "source": names[run_id], "left_response": a.id,
            "right_response": b.id, "left_length": a.length, "right_length": b.length,
        })


def _panel(judges: list[str], scores: list[dict[str, Any]], battles: list[dict[str, Any]]) -> None:
    """Several judges as one source: see `PANEL`."""
    names = set(judges)
    by_unit: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in scores:
        if row["source"] in names:
            by_unit[(row["response"], row["criterion"])].append(row)
    for rows in list(by_unit.values()):
        scores.append({**rows[0], "value": sum(r["value"] for r in rows) / len(rows), "source": PANEL})
    by_pair: dict[tuple[int, str, int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in battles:
        if row["source"] in names:
            by_pair[(row["item"], row["criterion"], row["left_response"], row["right_response"])].append(row)
    for rows in list(by_pair.values()):
        votes = Counter(r["winner"] for r in rows)
        (top, n), *rest = votes.most_common()
        winner = "tie" if rest and rest[0][1] == n else top
        battles.append({**rows[0], "winner": winner, "source": PANEL})
