"""`write_report`: the project's model evaluation as one self-contained HTML file (`assay eval report`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assay import _html
from assay.evals.project._calibration import calibrate_judges
from assay.evals.project._load import HUMANS, load_eval_data
from assay.evals.project._models import EvalOptions, model_failures, model_leaderboard, model_scores


def _f(v: Any, fmt: str = "{:.3f}") -> str:
    return "–" if v is None else fmt.format(v)


def build_report(session: Session, slug: str, options: EvalOptions) -> str:
    data = load_eval_data(session, slug)
    body = [f"<h1>Model evaluation: {_html.escape(data.name)}</h1>",
            f'<p class="muted">Project {_html.escape(data.slug)} · sources: {_html.escape(", ".join(data.sources) or "none")}'
            f" · intervals: 95% percentile bootstrap over items, {options.n_boot} replicates, seed {options.seed}</p>"]
    for source in data.sources:
        opts = EvalOptions(source=source, n_boot=options.n_boot, seed=options.seed, threshold=options.threshold)
        body.append(f"<h2>{_html.escape(source)}</h2>")
        board = model_leaderboard(data, opts)
        for entry in board["criteria"]:
            rows = entry["leaderboard"]
            body.append(f"<h3>Leaderboard · {_html.escape(entry['criterion'])} ({entry['n_battles']} comparisons)</h3>")
            body.append(_html.interval_chart([(r["model"], r["rating"], r["ci_low"], r["ci_high"]) for r in rows],
                                             title="Bradley–Terry rating (Elo scale) with 95% intervals", fmt="{:.0f}"))
            body.append(_html.table(["#", "rank", "model", "rating", "95% CI", "wins", "losses", "ties", "win rate"], [
                [r["position"], r["rank"], r["model"], _f(r["rating"], "{:.0f}"),
                 f"{_f(r['ci_low'], '{:.0f}')}–{_f(r['ci_high'], '{:.0f}')}", r["wins"], r["losses"], r["ties"],
                 _f(r["win_rate"], "{:.1%}")] for r in rows], {0, 1, 3, 5, 6, 7, 8}))
        scores = model_scores(data, opts, by=("model", "criterion"))
        if scores["rows"]:
            body.append("<h3>Mean scores</h3>")
            for criterion in dict.fromkeys(r["criterion"] for r in scores["rows"]):
                rows = [r for r in scores["rows"] if r["criterion"] == criterion]
                body.append(_html.interval_chart([(r["model"], r["mean"], r.get("mean_low"), r.get("mean_high"))
                                                  for r in rows], title=f"{criterion}: mean with 95% interval"))
            by_domain = model_scores(data, opts, by=("model", "criterion", "domain"))
            body.append("<h3>By domain</h3>")
            body.append(_html.table(["model", "criterion", "domain", "items", "mean", "95% CI", "pass rate"], [
                [r["model"], r["criterion"], r["domain"], r["n_items"], _f(r["mean"]),
                 f"{_f(r.get('mean_low'))}–{_f(r.get('mean_high'))}", _f(r.get("pass_rate"), "{:.1%}")]
                for r in by_domain["rows"]], {3, 4, 6}))
        fails = model_failures(data, opts)
        if fails["rows"]:
            body.append("<h3>Failure-type rates</h3>")
            body.append(_html.table(["model", "failure type", "judged", "flagged", "rate", "95% CI"], [
                [r["model"], r["failure_type"], r["n_judged"], r["n_flagged"], _f(r["rate"], "{:.1%}"),
                 f"{_f(r.get('ci_low'), '{:.1%}')}–{_f(r.get('ci_high'), '{:.1%}')}"] for r in fails["rows"]], {2, 3, 4}))
    if HUMANS in data.sources and len(data.sources) > 1:
        cal = calibrate_judges(session, data, n_boot=options.n_boot, seed=options.seed)
        body.append("<h2>Judges against people</h2>")
        for j in cal["judges"]:
            body.append(f"<h3>{_html.escape(j['judge'])} <span class=\"muted\">({_html.escape(str(j['model']))})</span></h3>")
            body.append(_html.table(
                ["question", "units", "accuracy", "kappa", "alpha", "position flips", "prefers longer: judge", "people"],
                [[q["question"], q.get("n_units", 0), _f((q.get("agreement") or {}).get("accuracy"), "{:.0%}"),
                  _f((q.get("agreement") or {}).get("kappa")), _f((q.get("agreement") or {}).get("alpha")),
                  _f((q.get("position_bias") or {}).get("flip_rate"), "{:.0%}"),
                  _f((q.get("length_bias") or {}).get("judge_rate"), "{:.0%}"),
                  _f((q.get("length_bias") or {}).get("human_rate"), "{:.0%}")] for q in j["questions"]],
                {1, 2, 3, 4, 5, 6, 7}))
    return _html.page(f"Model evaluation: {data.name}", body)


def write_report(session: Session, slug: str, out: str | Path, options: EvalOptions) -> Path:
    return _html.write_html(out, build_report(session, slug, options))
