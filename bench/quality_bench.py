"""Quality benchmark: agreement, truth inference and Bradley–Terry against the reference packages.

Synthetic data with known truth, generated once and shared by every case:

  labels   N items × 5 distinct annotators (of 1,000), 4 classes: annotators right with probability
           uniform in [0.5, 0.95], 5% of them random spammers; a wrong label is any other label.
  battles  1,000,000 battles among 100 models with normal log-strengths, 10% ties.

Cases, each timed from the long-format data a user has (columns as NumPy arrays or a pandas frame):

  agreement   Krippendorff's alpha at all four levels and Fleiss' kappa.
              Assay: `Ratings` built from the long-format arrays (timed), then each statistic.
              Reference path A (the one a user would write, and the target's baseline): pandas
              `pivot` of the long frame into the annotators × items reliability matrix, then
              `krippendorff.alpha(reliability_data=...)` per level. Path B (the package's fast
              path, as ARCHITECTURE.md advises): `pandas.crosstab(item, label)` value counts, then
              `krippendorff.alpha(value_counts=...)`. Fleiss: number each item's ratings, pivot to
              items × 5, then statsmodels `aggregate_raters` + `fleiss_kappa`.
  inference   Assay majority vote and Dawid–Skene against crowd-kit's MajorityVote and DawidSkene
              (tol 1e-5, at most 100 iterations for both; crowd-kit's loss differs from the
              log-likelihood Assay watches, so they stop after different iterations: Assay is also
              run for exactly crowd-kit's iteration count, the per-iteration comparison). One-coin,
              GLAD and MACE timed for information. Accuracy against the known truth for all.
  pairwise    Assay Bradley–Terry (ties as half wins), alone and with a 1,000-round bootstrap;
              choix `ilsr_pairwise` (ties dropped: choix has none) and evalica `bradley_terry`
              and `bootstrap` (ties as half wins) when installed.

Each timing is the best of --repeat runs (1 for crowd-kit's Dawid–Skene, the reliability-matrix
path and evalica's bootstrap, which take minutes; --evalica-rounds times fewer bootstrap rounds and
scales the time up). Targets: Dawid–Skene ≥ 5× crowd-kit; alpha and Fleiss ≥ 2× reference path
A; Bradley–Terry with a 1,000-round bootstrap under 5 s.

Usage: python bench/quality_bench.py [--quick] [--items 200000] [--battles 1000000] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assay.quality import (
    Battles,
    Ratings,
    bradley_terry,
    dawid_skene,
    fleiss_kappa,
    glad,
    krippendorff_alpha,
    mace,
    majority_vote,
    one_coin_dawid_skene,
)

LEVELS = ("nominal", "ordinal", "interval", "ratio")
RESULTS: list[dict[str, Any]] = []


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def record(section: str, name: str, seconds: float, **extra: Any) -> None:
    RESULTS.append({"section": section, "name": name, "seconds": seconds, **extra})
    detail = "  ".join(f"{k}={_fmt(v)}" for k, v in extra.items())
    print(f"  {name:<52} {seconds:>9.3f}s  {detail}", flush=True)


def _fmt(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


# ---- data ----------------------------------------------------------------------------------------

def make_labels(n_items: int, n_annotators: int, per_item: int, k: int, seed: int = 20261122) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_items)
    accuracy = rng.uniform(0.5, 0.95, n_annotators)
    spammer = rng.random(n_annotators) < 0.05
    who = rng.integers(0, n_annotators, (n_items, per_item))
    while True:  # redraw items that got the same annotator twice
        sorted_who = np.sort(who, axis=1)
        clash = (sorted_who[:, 1:] == sorted_who[:, :-1]).any(axis=1)
        if not clash.any():
            break
        who[clash] = rng.integers(0, n_annotators, (int(clash.sum()), per_item))
    item = np.repeat(np.arange(n_items), per_item)
    annotator = who.ravel()
    right = rng.random(len(item)) < accuracy[annotator]
    label = np.where(right, truth[item], (truth[item] + rng.integers(1, k, len(item))) % k)
    label = np.where(spammer[annotator], rng.integers(0, k, len(item)), label)
    return {"item": item, "annotator": annotator, "label": label + 1, "truth": truth + 1}


def make_battles(n: int, n_models: int, seed: int = 20261123) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    strength = rng.normal(0, 1, n_models)
    left = rng.integers(0, n_models, n)
    right = (left + rng.integers(1, n_models, n)) % n_models
    p_left = 1 / (1 + np.exp(strength[right] - strength[left]))
    outcome = np.where(rng.random(n) < 0.1, 2, np.where(rng.random(n) < p_left, 0, 1))
    return {"left": left, "right": right, "outcome": outcome, "strength": strength}


# ---- agreement ---------------------------------------------------------------------------------

def bench_agreement(data: dict[str, Any], repeat: int) -> None:
    import krippendorff
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    print("\nagreement (from long format; Assay includes building Ratings)", flush=True)
    frame = pd.DataFrame({"item": data["item"], "annotator": data["annotator"], "label": data["label"]})

    def build() -> Ratings:
        return Ratings(data["item"], data["annotator"], data["label"])

    build_s, ratings = timed(build, repeat)
    record("agreement", "assay: build Ratings", build_s)

    def pivot() -> np.ndarray:
        return frame.pivot(index="annotator", columns="item", values="label").to_numpy(dtype=float)

    pivot_s, reliability = timed(pivot, 1)
    record("agreement", "reference A: pandas pivot to reliability matrix", pivot_s, shape=str(reliability.shape))

    def crosstab() -> tuple[np.ndarray, np.ndarray]:
        table = pd.crosstab(frame["item"], frame["label"])
        return table.to_numpy(), table.columns.to_numpy(dtype=float)

    crosstab_s, (counts, domain) = timed(crosstab, repeat)
    record("agreement", "reference B: pandas crosstab to value counts", crosstab_s)

    totals = {"assay": build_s, "A": pivot_s, "B": crosstab_s}
    for level in LEVELS:
        ours_s, ours = timed(lambda level=level: krippendorff_alpha(ratings, level=level), repeat)
        a_s, a = timed(lambda level=level: krippendorff.alpha(reliability_data=reliability, level_of_measurement=level), 1)
        b_s, b = timed(lambda level=level: krippendorff.alpha(value_counts=counts, value_domain=domain,
                                                                level_of_measurement=level), repeat)
        totals["assay"] += ours_s
        totals["A"] += a_s
        totals["B"] += b_s
        record("agreement", f"alpha {level}: assay", ours_s, value=ours, agrees=bool(abs(ours - a) < 1e-9 and abs(ours - b) < 1e-9))
        record("agreement", f"alpha {level}: krippendorff (reliability_data)", a_s, value=a)
        record("agreement", f"alpha {level}: krippendorff (value_counts)", b_s, value=b)
    ratio_a = totals["A"] / totals["assay"]
    ratio_b = totals["B"] / totals["assay"]
    record("agreement", "alpha, 4 levels, end to end: assay", totals["assay"], vs_A=ratio_a, vs_B=ratio_b,
           target=">= 2x A", met=bool(ratio_a >= 2))

    def statsmodels_path() -> float:
        slot = frame.groupby("item").cumcount()
        table = frame.assign(slot=slot).pivot(index="item", columns="slot", values="label").to_numpy()
        return float(sm_fleiss(aggregate_raters(table)[0]))

    sm_s, sm = timed(statsmodels_path, repeat)
    ours_s, ours = timed(lambda: fleiss_kappa(ratings), repeat)
    ratio = sm_s / (build_s + ours_s)
    record("agreement", "fleiss: statsmodels (pivot + aggregate_raters)", sm_s, value=sm)
    record("agreement", "fleiss: assay (build + kappa)", build_s + ours_s, value=ours, agrees=bool(abs(ours - sm) < 1e-9),
           vs_reference=ratio, target=">= 2x", met=bool(ratio >= 2))


# ---- truth inference ---------------------------------------------------------------------------

def bench_inference(data: dict[str, Any], repeat: int, crowdkit_ds: bool) -> None:
    print("\ntruth inference (tol 1e-5, at most 100 iterations)", flush=True)
    truth = data["truth"]
    frame = pd.DataFrame({"task": data["item"], "worker": data["annotator"], "label": data["label"]})
    ratings = Ratings(data["item"], data["annotator"], data["label"], duplicates="keep")

    def accuracy(labels: np.ndarray) -> float:
        return float((labels == truth).mean())

    try:
        from crowdkit.aggregation import DawidSkene, MajorityVote
    except ImportError:
        DawidSkene = MajorityVote = None
        print("  crowd-kit not installed: Assay only", flush=True)

    mv_s, mv = timed(lambda: majority_vote(ratings), repeat)
    record("inference", "majority: assay", mv_s, accuracy=accuracy(mv.labels))
    if MajorityVote is not None:
        ck_s, ck = timed(lambda: MajorityVote().fit_predict_proba(frame), repeat)
        theirs = ck.reindex(index=ratings.items, columns=ratings.categories).to_numpy()
        same = float(np.abs(theirs - mv.posterior).max())
        record("inference", "majority: crowd-kit", ck_s, max_posterior_diff=same, vs_assay=ck_s / mv_s)

    ds_s, ds = timed(lambda: dawid_skene(ratings, tol=1e-5, max_iter=100), 1)
    record("inference", "dawid-skene: assay", ds_s, iterations=ds.iterations, accuracy=accuracy(ds.labels))
    if DawidSkene is not None and crowdkit_ds:
        model = DawidSkene(n_iter=100, tol=1e-5)
        ck_s, ck = timed(lambda: model.fit_predict_proba(frame), 1)
        ck_iterations = len(model.loss_history_)
        theirs = ck.reindex(index=ratings.items, columns=ratings.categories).to_numpy()
        same_s, same = timed(lambda: dawid_skene(ratings, tol=1e-300, max_iter=ck_iterations), 1)
        labels = theirs.argmax(axis=1)
        record("inference", "dawid-skene: crowd-kit", ck_s, iterations=ck_iterations,
               accuracy=accuracy(ratings.categories[labels]), vs_assay=ck_s / ds_s, target=">= 5x",
               met=bool(ck_s / ds_s >= 5))
        record("inference", "dawid-skene: assay, crowd-kit's iteration count", same_s, iterations=same.iterations,
               vs_crowdkit=ck_s / same_s, same_labels=float((same.label == labels).mean()),
               max_posterior_diff=float(np.abs(same.posterior - theirs).max()))
    for name, fn in (("one-coin", one_coin_dawid_skene), ("glad", glad), ("mace", mace)):
        s, result = timed(lambda fn=fn: fn(ratings), 1)
        record("inference", f"{name}: assay", s, iterations=result.iterations, accuracy=accuracy(result.labels))


# ---- Bradley–Terry -----------------------------------------------------------------------------

def bench_pairwise(data: dict[str, Any], n_boot: int, repeat: int, evalica_rounds: int) -> None:
    print(f"\nBradley–Terry ({len(data['left']):,} battles, {len(data['strength'])} models)", flush=True)
    m = len(data["strength"])
    battles = Battles(np.arange(m).astype(object), data["left"], data["right"], data["outcome"])
    fit_s, fit = timed(lambda: bradley_terry(battles), repeat)
    truth = data["strength"] - data["strength"].mean()
    record("pairwise", "assay: fit", fit_s, corr_with_truth=float(np.corrcoef(fit.log_strength, truth)[0, 1]))
    boot_s, boot = timed(lambda: bradley_terry(battles, n_boot=n_boot, seed=0), repeat)
    width = float(np.mean(boot.ci_high - boot.ci_low))
    record("pairwise", f"assay: fit + {n_boot}-round bootstrap", boot_s, mean_ci_width=width,
           target="< 5 s" if n_boot == 1000 else "-", met=bool(boot_s < 5))
    try:
        import choix
    except ImportError:
        print("  choix not installed: skipped", flush=True)
    else:
        decided = data["outcome"] != 2
        won = np.where(data["outcome"] == 0, data["left"], data["right"])[decided]
        lost = np.where(data["outcome"] == 0, data["right"], data["left"])[decided]
        no_ties = Battles(battles.models, data["left"][decided], data["right"][decided], data["outcome"][decided])
        ours_s, ours = timed(lambda: bradley_terry(no_ties), repeat)

        def run_choix() -> np.ndarray:
            pairs = list(zip(won.tolist(), lost.tolist(), strict=True))
            out: np.ndarray = choix.ilsr_pairwise(m, pairs, tol=1e-10)
            return out

        choix_s, theirs = timed(run_choix, 1)
        diff = float(np.abs(ours.log_strength - (theirs - theirs.mean())).max())
        record("pairwise", "choix ilsr_pairwise (ties dropped)", choix_s, max_log_strength_diff=diff,
               vs_assay=choix_s / ours_s, bootstrap_estimate_s=choix_s * n_boot)
    try:
        import evalica
    except ImportError:
        print("  evalica not installed: skipped", flush=True)
        return
    names = np.array([f"m{i:03d}" for i in range(m)])
    winners = np.array([evalica.Winner.X, evalica.Winner.Y, evalica.Winner.Draw], dtype=object)[data["outcome"]]
    # Lists: evalica 0.4.2's Rust solver rejects NumPy 2 object arrays.
    xs, ys, winners = names[data["left"]].tolist(), names[data["right"]].tolist(), winners.tolist()
    ev_s, ev = timed(lambda: evalica.bradley_terry(xs, ys, winners, tolerance=1e-10, limit=10_000), repeat)
    theirs = np.log(ev.scores.reindex(names).to_numpy())
    diff = float(np.abs(fit.log_strength - (theirs - theirs.mean())).max())
    record("pairwise", "evalica bradley_terry (ties as half wins)", ev_s, max_log_strength_diff=diff, vs_assay=ev_s / fit_s)
    if evalica_rounds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eb_s, _ = timed(lambda: evalica.bootstrap(evalica.bradley_terry, xs, ys, winners, n_resamples=evalica_rounds,
                                                      bootstrap_method="percentile", random_state=0), 1)
        scaled = eb_s * n_boot / evalica_rounds
        record("pairwise", f"evalica bootstrap ({evalica_rounds} rounds)", eb_s,
               **{f"estimate_{n_boot}_rounds_s": scaled, "vs_assay": scaled / boot_s})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke test (2,000 items, 20,000 battles)")
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--annotators", type=int, default=1_000)
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--battles", type=int, default=1_000_000)
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--bootstrap", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=2, help="best of this many runs for the cheaper timings")
    ap.add_argument("--skip-crowdkit-ds", action="store_true", help="crowd-kit's Dawid-Skene takes minutes at full size")
    ap.add_argument("--evalica-rounds", type=int, help="evalica bootstrap rounds to time (default --bootstrap; "
                    "fewer are scaled up to --bootstrap); 0 skips it")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    if args.quick:
        args.items, args.annotators, args.battles, args.models, args.bootstrap = 2_000, 50, 20_000, 20, 100
    start = time.perf_counter()
    labels = make_labels(args.items, args.annotators, 5, args.classes)
    battles = make_battles(args.battles, args.models)
    print(f"generated {len(labels['item']):,} labels ({args.items:,} items × 5 of {args.annotators:,} annotators, "
          f"{args.classes} classes) and {args.battles:,} battles among {args.models} models "
          f"in {time.perf_counter() - start:.1f}s", flush=True)
    bench_agreement(labels, args.repeat)
    bench_inference(labels, args.repeat, not args.skip_crowdkit_ds)
    evalica_rounds = args.bootstrap if args.evalica_rounds is None else args.evalica_rounds
    bench_pairwise(battles, args.bootstrap, args.repeat, evalica_rounds)
    print("\nratios: see vs_* columns (reference time / Assay time; > 1 means Assay is faster)")
    if args.json:
        meta = {"items": args.items, "annotators": args.annotators, "classes": args.classes, "battles": args.battles,
                "models": args.models, "bootstrap": args.bootstrap, "repeat": args.repeat,
                "machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                "date": time.strftime("%Y-%m-%d")}
        args.json.write_text(json.dumps({"meta": meta, "results": RESULTS}, indent=2, default=str))


if __name__ == "__main__":
    main()
