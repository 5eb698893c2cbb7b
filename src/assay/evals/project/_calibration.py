"""How far to trust a judge: its verdicts against the people's consensus on the same units, per
criterion, with its biases (position, length, self-preference) and the coverage–accuracy curve that
says when a judge verdict may stand without a person.

People's consensus per unit: for ratings, the median of the annotators' ratings rounded to the
scale; for pairs, the most frequent winner (a tie between winners counts as a tie).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from assay.evals import (
    coverage_accuracy,
    judge_agreement,
    judge_consensus,
    length_bias,
    position_bias,
    self_preference,
)
from assay.evals.project._load import HUMANS, EvalData
from assay.evals.project._models import clean, records
from assay.spec import QuestionKind
from assay.store import JudgementAnswer, JudgeVerdict

_FAMILY = re.compile(r"[a-z]+")


def family_of(model: str | None) -> str | None:
    """A model's family from its name: the first run of letters of its last path part
    ("Qwen/Qwen2.5-7B-Instruct" → "qwen", "gpt-4o-mini" → "gpt", "claude-3-5-sonnet" → "claude")."""
    if not model:
        return None
    m = _FAMILY.search(model.rsplit("/", 1)[-1].lower())
    return m.group(0) if m else None


def _human_ratings(session: Session, pid: int, key: str) -> dict[int, float]:
    votes: dict[int, list[float]] = {}
    for rid, num in session.execute(
        select(JudgementAnswer.response_id, JudgementAnswer.value_num)
        .where(JudgementAnswer.project_id == pid, JudgementAnswer.question == key)
    ):
        if rid is not None and num is not None:
            votes.setdefault(rid, []).append(float(num))
    return {rid: float(np.floor(np.median(v) + 0.5)) for rid, v in votes.items()}


def _side(winner: str, left: str, right: str) -> str:
    return "a" if winner == left else "b" if winner == right else "tie"


def _human_pairs(battles: pd.DataFrame) -> dict[tuple[int, str, int, int], str]:
    """Most frequent human verdict ("a", "b" or "tie") per (item, criterion, left response, right response)."""
    out: dict[tuple[int, str, int, int], str] = {}
    people = battles[battles["source"] == HUMANS]
    groups: dict[tuple[int, str, int, int], Counter[str]] = {}
    for row in people.itertuples(index=False):
        key = (int(row.item), str(row.criterion), int(row.left_response), int(row.right_response))
        groups.setdefault(key, Counter())[_side(row.winner, row.left, row.right)] += 1
    for key, counts in groups.items():
        (top, n), *rest = counts.most_common()
        out[key] = "tie" if rest and rest[0][1] == n else top
    return out


def calibrate_judges(session: Session, data: EvalData, judges: list[str] | None = None, *, target: float = 0.9,
                     n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Every judge source (or the named ones) against the people, per judged question."""
    runs = [s for s in data.sources if data.runs.get(s, {}).get("kind") == "judge"]
    names = runs if judges is None else [data.source(j) for j in judges]
    for name in names:
        if name not in runs:
            raise ValueError(f"{name!r} is not a judge run; judge runs: {', '.join(runs) or 'none yet'}")
    if HUMANS not in data.sources:
        raise ValueError(f"project {data.slug!r} has no judgements by people to calibrate judges against")
    from assay.store.projects import get_project

    pid = get_project(session, data.slug).id
    out: dict[str, Any] = {"target_accuracy": target, "judges": []}
    human_pairs = _human_pairs(data.battles)
    for name in names:
        run = data.runs[name]
        rows = session.execute(
            select(JudgeVerdict.item_id, JudgeVerdict.question, JudgeVerdict.response_id,
                   JudgeVerdict.other_response_id, JudgeVerdict.swapped, JudgeVerdict.value, JudgeVerdict.score)
            .where(JudgeVerdict.run_id == run["id"])).all()
        verdicts = pd.DataFrame(rows, columns=["item", "question", "response", "other", "swapped", "value", "score"])
        entry: dict[str, Any] = {"judge": name, "model": run["model"], "family": family_of(run["model"]),
                                 "questions": []}
        for key, group in verdicts.groupby("question", sort=False):
            q = data.spec.question(str(key))
            if q.kind == QuestionKind.RATING:
                entry["questions"].append(_rating(session, pid, q.key, group, q, target, n_boot, seed))
            elif q.kind == QuestionKind.COMPARE:
                entry["questions"].append(_pairs(data, name, q.criterion or q.key, q.key, group, human_pairs,
                                                 family_of(run["model"]), target, n_boot, seed))
            elif q.kind == QuestionKind.CHOICE:
                entry["questions"].append(_choice(session, pid, q.key, group, n_boot, seed))
        out["judges"].append(entry)
    if len(names) > 1:
        out["panel"] = _panel(session, pid, data, names, target)
    return out


def _rating(session: Session, pid: int, key: str, group: pd.DataFrame, q: Any, target: float, n_boot: int,
            seed: int) -> dict[str, Any]:
    human = _human_ratings(session, pid, key)
    aligned = group[group["response"].isin(list(human))]
    h = [human[int(r)] for r in aligned["response"]]
    j = [None if s is None or s != s else float(s) for s in aligned["score"]]
    cats = list(range(q.scale.min, q.scale.max + 1)) if q.scale is not None else None
    entry: dict[str, Any] = {"question": key, "kind": "rating", "n_units": len(h)}
    if h:
        agreement = judge_agreement(h, j, scale="ordinal", categories=[float(c) for c in cats] if cats else None,
                                    n_boot=n_boot, seed=seed)
        entry["agreement"] = _agreement_dict(agreement)
    return entry


def _choice(session: Session, pid: int, key: str, group: pd.DataFrame, n_boot: int, seed: int) -> dict[str, Any]:
    votes: dict[int, Counter[str]] = {}
    for rid, value in session.execute(
        select(JudgementAnswer.response_id, JudgementAnswer.value)
        .where(JudgementAnswer.project_id == pid, JudgementAnswer.question == key)
    ):
        if rid is not None and isinstance(value, str):
            votes.setdefault(rid, Counter())[value] += 1
    human = {rid: c.most_common(1)[0][0] for rid, c in votes.items()}
    aligned = group[group["response"].isin(list(human))]
    h = [human[int(r)] for r in aligned["response"]]
    j = [v if isinstance(v, str) else None for v in aligned["value"]]
    entry: dict[str, Any] = {"question": key, "kind": "choice", "n_units": len(h)}
    if h:
        entry["agreement"] = _agreement_dict(judge_agreement(h, j, scale="nominal", n_boot=n_boot, seed=seed))
    return entry


def _pairs(data: EvalData, name: str, criterion: str, key: str, group: pd.DataFrame,
           human: dict[tuple[int, str, int, int], str], family: str | None, target: float, n_boot: int,
           seed: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"question": key, "kind": "compare", "criterion": criterion}
    side = {1.0: "a", 0.0: "b", 0.5: "tie"}
    orders = group.pivot_table(index=["item", "response", "other"], columns="swapped", values="score",
                               aggfunc="first")
    both = orders.dropna() if {False, True} <= set(orders.columns) else orders.iloc[0:0]
    if len(both):
        frame = pd.DataFrame({"verdict_ab": [side[v] for v in both[False]], "verdict_ba": [side[v] for v in both[True]]})
        entry["position_bias"] = clean(vars(position_bias(frame, n_boot=n_boot, seed=seed)))
    judge_battles = data.battles[(data.battles["source"] == name) & (data.battles["criterion"] == criterion)]
    keyed = {(int(r.item), int(r.left_response), int(r.right_response)): r for r in judge_battles.itertuples(index=False)}
    rows = []
    for (item, crit, left, right), verdict in human.items():
        r = keyed.get((item, left, right))
        if crit != criterion or r is None:
            continue
        rows.append({"item": item, "left": r.left, "right": r.right, "human": verdict,
                     "judge": _side(r.winner, r.left, r.right), "length_a": r.left_length, "length_b": r.right_length,
                     "left_response": left, "right_response": right})
    pairs = pd.DataFrame(rows, columns=["item", "left", "right", "human", "judge", "length_a", "length_b",
                                        "left_response", "right_response"])
    entry["n_units"] = len(pairs)
    if pairs.empty:
        return entry
    entry["agreement"] = _agreement_dict(judge_agreement(list(pairs["human"]), list(pairs["judge"]), scale="nominal",
                                                         categories=["a", "tie", "b"], n_boot=n_boot, seed=seed))
    entry["length_bias"] = clean(vars(length_bias(pairs, n_boot=n_boot, seed=seed)))
    if family is not None:
        families = {m: f for m in set(pairs["left"]) | set(pairs["right"]) if (f := family_of(m))}
        if family in families.values():
            named = pairs.assign(human=[r.left if v == "a" else r.right if v == "b" else "tie"
                                        for r, v in zip(pairs.itertuples(), pairs["human"], strict=True)],
                                 judge=[r.left if v == "a" else r.right if v == "b" else "tie"
                                        for r, v in zip(pairs.itertuples(), pairs["judge"], strict=True)])
            try:
                entry["self_preference"] = clean(vars(self_preference(named, families, family, n_boot=n_boot,
                                                                     seed=seed)))
            except ValueError as e:
                entry["self_preference"] = {"note": str(e)}
    if len(both):
        # A judge that gives the same verdict in both orders is surer than one that flips: that is
        # the confidence the coverage–accuracy curve orders the pairs by.
        consistent = {(int(i), int(a), int(b)): 1.0 if v[False] == v[True] else 0.5 for (i, a, b), v in both.iterrows()}
        confidence = [consistent.get((int(i), int(a), int(b)), 0.5)
                      for i, a, b in zip(pairs["item"], pairs["left_response"], pairs["right_response"], strict=True)]
        curve = coverage_accuracy(list(pairs["human"]), list(pairs["judge"]), confidence, target=target)
        entry["coverage"] = {"curve": records(curve.curve), "threshold": clean(curve.threshold),
                             "coverage": clean(curve.coverage), "accuracy": clean(curve.accuracy)}
    return entry


def _panel(session: Session, pid: int, data: EvalData, names: list[str], target: float) -> dict[str, Any]:
    """Several judges together: the panel's majority verdict per rated response, and how accurate it
    is at each level of agreement among the judges (the coverage–accuracy curve)."""
    out: dict[str, Any] = {"judges": names, "questions": []}
    for q in data.spec.questions:
        if q.kind != QuestionKind.RATING:
            continue
        scores = data.scores[(data.scores["criterion"] == q.key) & data.scores["source"].isin(names)]
        if scores.empty:
            continue
        grid = scores.pivot_table(index="response", columns="source", values="value", aggfunc="first")
        human = _human_ratings(session, pid, q.key)
        grid = grid[grid.index.isin(list(human))]
        if grid.empty:
            continue
        label, confidence = judge_consensus(grid.to_numpy())
        curve = coverage_accuracy([human[int(r)] for r in grid.index], list(label), list(confidence), target=target)
        out["questions"].append({"question": q.key, "n_units": len(grid), "curve": records(curve.curve),
                                 "threshold": clean(curve.threshold), "coverage": clean(curve.coverage),
                                 "accuracy": clean(curve.accuracy)})
    return out


def _agreement_dict(a: Any) -> dict[str, Any]:
    d = {k: v for k, v in vars(a).items() if k != "confusion"}
    confusion = a.confusion
    d["confusion"] = {"labels": [clean(x) for x in confusion.index.tolist()],
                      "columns": [clean(x) for x in confusion.columns.tolist()],
                      "counts": confusion.to_numpy().tolist()}
    return clean(d)
