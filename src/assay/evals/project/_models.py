"""Model evaluation of a project: scores, leaderboards, head-to-head comparisons and failure rates,
from any source of judgements (people, a judge run, imported scores). JSON-ready dicts out: what the
CLI prints with --json, the API returns and the pages draw."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assay.evals import (
    failure_rates,
    leaderboard,
    length_controlled_win_rate,
    mcnemar,
    paired_comparison,
    paired_scores,
    score_table,
    style_controlled_bradley_terry,
    win_rates,
)
from assay.evals.project._load import EvalData
from assay.quality import RatingsError

SEPARATION_ALPHA = 0.01


@dataclass(frozen=True)
class EvalOptions:
    """Shared settings of the model-evaluation figures."""

    source: str | None = None
    """Whose judgements: "humans", a judge run's name, or an imported run's (default: humans)."""
    criterion: str | None = None
    """Only this question / compare criterion (default: all, each on its own)."""
    domain: str | None = None
    """Only items of this domain."""
    n_boot: int = 1000
    seed: int = 0
    threshold: float | None = None
    """Scores at or above this pass (for pass rates and McNemar)."""


def clean(value: Any) -> Any:
    """NaN and NumPy scalars as JSON wants them."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [clean(r) for r in frame.to_dict(orient="records")]


def _filter(frame: pd.DataFrame, source: str, options: EvalOptions) -> pd.DataFrame:
    out = frame[frame["source"] == source]
    if options.criterion is not None:
        out = out[out["criterion"] == options.criterion]
    if options.domain is not None:
        out = out[out["domain"] == options.domain]
    return out


def model_scores(data: EvalData, options: EvalOptions, by: tuple[str, ...] = ("model", "criterion")) -> dict[str, Any]:
    """Mean score (and pass rate with a threshold) per model × criterion (× domain)."""
    source = data.source(options.source)
    scores = _filter(data.scores, source, options)
    if scores.empty:
        return {"source": source, "by": list(by), "rows": []}
    table = score_table(scores, by=by, threshold=options.threshold, n_boot=options.n_boot, seed=options.seed)
    return {"source": source, "by": list(by), "threshold": options.threshold, "rows": records(table)}


def model_leaderboard(data: EvalData, options: EvalOptions, *, baseline: str | None = None,
                      style: bool = False, pointwise: bool = False) -> dict[str, Any]:
    """Bradley–Terry leaderboard with bootstrap intervals and win rates, per criterion; with a baseline,
    the length-controlled win rate against it; with `style`, the style-controlled fit. With `pointwise`,
    models ranked by their mean score instead (scores of one response each, e.g. imported from Inspect
    or lm-eval, where nothing was compared head to head)."""
    if pointwise:
        return pointwise_leaderboard(data, options)
    source = data.source(options.source)
    battles = _filter(data.battles, source, options)
    out: dict[str, Any] = {"source": source, "n_boot": options.n_boot, "seed": options.seed, "criteria": []}
    for criterion, group in battles.groupby("criterion", sort=True):
        if len(set(group["left"]) | set(group["right"])) < 2:
            continue
        entry: dict[str, Any] = {"criterion": criterion, "n_battles": len(group), "alpha": 0.0}
        try:
            board = leaderboard(group, n_boot=options.n_boot, seed=options.seed)
        except RatingsError:
            # A model that won (or lost) every battle has an infinite maximum-likelihood strength;
            # a small L2 penalty keeps it finite and the order unchanged. Reported with the result.
            entry["alpha"] = SEPARATION_ALPHA
            board = leaderboard(group, n_boot=options.n_boot, seed=options.seed, alpha=SEPARATION_ALPHA)
        entry["leaderboard"] = records(board)
        rates = win_rates(group, n_boot=options.n_boot, seed=options.seed)
        entry["win_rates"] = records(rates.pairs)
        if baseline is not None:
            vs = group[(group["left"] == baseline) | (group["right"] == baseline)]
            if not vs.empty:
                lc = length_controlled_win_rate(vs, baseline, n_boot=options.n_boot, seed=options.seed)
                entry["length_controlled"] = {"baseline": baseline, "rows": records(lc)}
        if style:
            styled = group.assign(left_response=[data.texts.get(int(r), "") for r in group["left_response"]],
                                  right_response=[data.texts.get(int(r), "") for r in group["right_response"]])
            result = style_controlled_bradley_terry(styled, n_boot=options.n_boot, seed=options.seed, alpha=1e-3)
            entry["style_controlled"] = {"leaderboard": records(result.leaderboard), "style": records(result.style),
                                         "converged": result.converged}
        out["criteria"].append(entry)
    return out


def pointwise_leaderboard(data: EvalData, options: EvalOptions) -> dict[str, Any]:
    """Per criterion, models ranked by mean score (item means averaged, as `model_scores`) with
    percentile bootstrap intervals over items; `rank` as Chatbot Arena's: 1 + the number of models
    whose interval lies wholly above this one's (the position without a bootstrap)."""
    source = data.source(options.source)
    scores = _filter(data.scores, source, options)
    out: dict[str, Any] = {"source": source, "kind": "pointwise", "n_boot": options.n_boot, "seed": options.seed,
                           "criteria": []}
    for criterion, group in scores.groupby("criterion", sort=True):
        table = score_table(group, by=("model",), n_boot=options.n_boot, seed=options.seed)
        table = table.sort_values(["mean", "model"], ascending=[False, True], kind="stable").reset_index(drop=True)
        low, high = table["mean_low"].to_numpy(dtype=float), table["mean_high"].to_numpy(dtype=float)
        position = np.arange(1, len(table) + 1)
        rank = 1 + (low[None, :] > high[:, None]).sum(axis=1) if options.n_boot else position
        board = pd.DataFrame({"position": position, "rank": rank, "model": table["model"], "mean": table["mean"],
                              "ci_low": low, "ci_high": high, "n_items": table["n_items"]})
        out["criteria"].append({"criterion": criterion, "kind": "pointwise", "n_items": int(group["item"].nunique()),
                                "leaderboard": records(board)})
    return out


def compare_models(data: EvalData, model_a: str, model_b: str, options: EvalOptions) -> dict[str, Any]:
    """Is B better than A on the same items? Per criterion: the paired difference of scores (bootstrap
    interval, permutation p), McNemar on pass/fail with a threshold, and their head-to-head record."""
    source = data.source(options.source)
    known = set(data.scores["model"]) | set(data.battles["left"]) | set(data.battles["right"])
    for m in (model_a, model_b):
        if m not in known:
            raise ValueError(f"no model {m!r}; models: {', '.join(sorted(known)) or 'none'}")
    out: dict[str, Any] = {"source": source, "model_a": model_a, "model_b": model_b, "criteria": []}
    scores = _filter(data.scores, source, options)
    for criterion, group in scores.groupby("criterion", sort=True):
        a, b = paired_scores(group, model_a, model_b)
        if len(a) == 0:
            continue
        entry: dict[str, Any] = {"criterion": criterion, "kind": "scores", "n_items": len(a)}
        entry["paired"] = clean(vars(paired_comparison(a, b, seed=options.seed)))
        if options.threshold is not None:
            entry["mcnemar"] = clean(vars(mcnemar(a >= options.threshold, b >= options.threshold)))
        out["criteria"].append(entry)
    battles = _filter(data.battles, source, options)
    head = battles[((battles["left"] == model_a) & (battles["right"] == model_b))
                   | ((battles["left"] == model_b) & (battles["right"] == model_a))]
    for criterion, group in head.groupby("criterion", sort=True):
        wins_b = int((group["winner"] == model_b).sum())
        wins_a = int((group["winner"] == model_a).sum())
        ties = len(group) - wins_a - wins_b
        per_item = group.assign(b_score=np.where(group["winner"] == model_b, 1.0,
                                                 np.where(group["winner"] == model_a, 0.0, 0.5)))
        item_scores = per_item.groupby("item")["b_score"].mean().to_numpy()
        test = paired_comparison(np.full(len(item_scores), 0.5), item_scores, seed=options.seed)
        out["criteria"].append({"criterion": criterion, "kind": "battles", "n_battles": len(group),
                                "wins_a": wins_a, "wins_b": wins_b, "ties": ties,
                                "win_rate_b": (wins_b + ties / 2) / len(group),
                                "ci_low": clean(test.ci_low + 0.5), "ci_high": clean(test.ci_high + 0.5),
                                "p_value": clean(test.p_value)})
    return out


def model_failures(data: EvalData, options: EvalOptions, by: tuple[str, ...] = ("model",)) -> dict[str, Any]:
    """Share of judged responses per model flagged with each failure type (span labels)."""
    source = data.source(options.source)
    judged = data.judged[data.judged["source"] == source]
    flags = data.flags[data.flags["source"] == source]
    if options.domain is not None:
        judged, flags = judged[judged["domain"] == options.domain], flags[flags["domain"] == options.domain]
    if judged.empty:
        return {"source": source, "rows": []}
    labels = [label.name for q in data.spec.questions if q.kind.value == "span" for label in q.labels]
    types = sorted(set(labels) | set(flags["failure_type"]))
    table = failure_rates(flags[["item", "model", "response", "failure_type"]], judged, by=by,
                         failure_types=types, n_boot=options.n_boot, seed=options.seed)
    return {"source": source, "rows": records(table)}
