"""Export benchmark: 1,000,000 judgements to OpenAI DPO JSONL and to Parquet, Assay against pandas, in one run.

The data: a project of N/4 items (a ~200-character prompt, two ~500-character responses, every fifth
item Chinese) each compared by four annotators (``overall``: A, B or a tie with a strength), stored
in SQLite through Assay's own bulk inserter. Every judgement that prefers a response becomes one
preference pair (ties are skipped), so both sides write the same records; they are compared record
by record at the end.

  assay   `assay.exports.export_dataset(..., ExportOptions(kind="preference", record_schema="openai-dpo",
          per="judgement", include_metadata=False))`: read the labels, plan the pairs, fetch the texts
          by item, write the file through the schema's writer (fast rows), then the sha256 of the file and
          the manifest, all-or-nothing. ``assay-canonical`` is the same with the fast rows switched off
          (every record a validated `PreferencePair` through `assay.formats`).
  pandas  what a user writes with pandas: `read_sql` of the answers (with their judgements' status),
          of the items and of the responses; the winner out of the JSON answer with a vectorised
          string extract; responses pivoted to A/B columns; merges; the DPO structure built per row;
          `to_json(orient="records", lines=True)` / `to_parquet` (pyarrow).

Each case runs in its own child process (time and peak RSS are the child's). Near-duplicate detection
over a million documents, the other half of issue 6's benchmark, is `bench/prep_bench.py`.

Cases run in interleaved rounds (``--repeat``, default 2) and the best time of each counts: the
machine is shared with other work.

Usage: python bench/formats_bench.py [--judgements 1000000] [--repeat 2] [--workdir DIR]
       [--json bench/results-formats.json] [--no-canonical] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SLUG = "bench-prefs"
ANNOTATORS = 4
SPEC = """
slug: bench-prefs
name: Export benchmark
languages: [en, zh]
layout: {fields: [prompt], responses: 2}
questions:
  - {key: overall, kind: compare, title: Which is better, strength: {min: 1, max: 3}}
"""
WORDS = ["the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was", "on", "be", "by", "this", "are", "from", "at", "or", "an", "which", "have", "not", "can", "all", "one", "more", "when", "will", "their", "there", "what", "about", "would", "so", "if", "out", "up", "into", "than", "them", "other", "could", "time", "these", "two", "may", "first", "then", "do", "any", "like", "my", "now", "over", "such", "our", "made", "after", "even", "most", "also", "how", "where", "just", "energy", "matrix", "proof", "integral", "vector", "prime", "graph", "theorem", "limit", "series", "sample", "mean", "variance", "model", "protein", "enzyme", "orbit", "charge", "field", "wave", "particle", "circuit", "voltage", "derivative", "function", "equation"]
HANZI = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音野"


def make_texts(rng: random.Random, n: int, chars: int, chinese_share: float) -> list[str]:
    out = []
    for i in range(n):
        if i % 5 == 0 and chinese_share:
            out.append("".join(rng.choices(HANZI, k=chars // 3)))
        else:
            words: list[str] = []
            length = 0
            while length < chars:
                w = rng.choice(WORDS)
                words.append(w)
                length += len(w) + 1
            out.append(" ".join(words).capitalize() + ".")
    return out


def build(db_path: Path, n_judgements: int, seed: int = 20261205) -> dict[str, Any]:
    """The project, written with Assay's bulk inserter (setup, not measured)."""
    from sqlalchemy import Table

    from assay.spec import parse_spec
    from assay.store import Item, Judgement, JudgementAnswer, Response, open_database
    from assay.store.bulk import BulkInserter
    from assay.store.projects import create_project
    from assay.work import add_user

    rng = random.Random(seed)
    n_items = n_judgements // ANNOTATORS
    db = open_database(f"sqlite:///{db_path}")
    with db.write_session() as s:
        project = create_project(s, parse_spec(SPEC))
        users = [add_user(s, f"annotator{k}", "annotator", org="Lab").id for k in range(ANNOTATORS)]
        pid = project.id
    prompts = make_texts(rng, n_items, 200, 0.2)
    responses = make_texts(rng, 2 * n_items, 500, 0.2)
    now = datetime(2026, 12, 5, tzinfo=UTC)
    winners = ("A", "A", "B", "B", "A", "tie")
    ties = 0
    with db.engine.begin() as conn:
        items_out = BulkInserter(conn, Item.__table__, ["id", "project_id", "external_id", "content_hash", "prompt",  # type: ignore[arg-type]
                                                        "domain", "language", "is_gold", "priority", "taken", "is_open",
                                                        "created_at"])
        resp_out = BulkInserter(conn, Response.__table__, ["id", "item_id", "project_id", "position", "model",  # type: ignore[arg-type]
                                                           "content", "content_hash", "created_at"])
        j_out = BulkInserter(conn, Judgement.__table__, ["id", "project_id", "item_id", "user_id", "answers", "status",  # type: ignore[arg-type]
                                                         "source", "spec_version", "guidelines_version", "started_at",
                                                         "submitted_at", "updated_at"])
        a_out = BulkInserter(conn, JudgementAnswer.__table__, ["id", "judgement_id", "project_id", "item_id", "user_id",  # type: ignore[arg-type]
                                                               "question", "response_id", "value", "value_num"])
        domains = ("STEM", "Reasoning", "Humanities", "General Knowledge")
        batch = 20_000
        jid = 0
        for start in range(0, n_items, batch):
            irows, rrows, jrows, arows = [], [], [], []
            for i in range(start, min(start + batch, n_items)):
                iid = i + 1
                irows.append([iid, pid, f"p{i:07d}", hashlib.md5(prompts[i].encode()).hexdigest(), prompts[i],
                              domains[i % 4], "zh" if i % 5 == 0 else "en", False, 0, ANNOTATORS, False, now])
                for k in range(2):
                    content = responses[2 * i + k]
                    rrows.append([2 * i + k + 1, iid, pid, k, f"model-{'ab'[k]}", content,
                                  hashlib.md5(content.encode()).hexdigest(), now])
                for uid in users:
                    jid += 1
                    winner = rng.choice(winners)
                    ties += winner == "tie"
                    value = {"winner": winner, "strength": None if winner == "tie" else rng.randint(1, 3)}
                    jrows.append([jid, pid, iid, uid, {"overall": value}, "submitted", "imported", 1, 1, now, now, now])
                    arows.append([jid, jid, pid, iid, uid, "overall", None, value, None])
            items_out.insert(irows)
            resp_out.insert(rrows)
            j_out.insert(jrows)
            a_out.insert(arows)
    _ = Table  # imported for the type ignores above to read as intended
    db.dispose()
    return {"items": n_items, "judgements": n_items * ANNOTATORS, "pairs": n_items * ANNOTATORS - ties}


# ---- the cases (each in a child process) ------------------------------------------------------

def case_assay(db_path: Path, out: Path, fast: bool = True) -> dict[str, Any]:
    from assay.exports import ExportOptions, export_dataset
    from assay.exports import _export as export_module
    from assay.store import open_database

    if not fast:
        export_module.fast_schema = lambda options: False  # type: ignore[assignment]
    db = open_database(f"sqlite:///{db_path}")
    options = ExportOptions(kind="preference", record_schema="openai-dpo", per="judgement", include_metadata=False)
    started = time.perf_counter()
    report = export_dataset(db, SLUG, out, options)
    return {"seconds": time.perf_counter() - started, "records": report.records}


def case_pandas(db_path: Path, out: Path) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db_path}")
    started = time.perf_counter()
    with engine.connect() as con:
        pid = pd.read_sql("SELECT id FROM projects WHERE slug = ?", con, params=(SLUG,)).iloc[0, 0]
        answers = pd.read_sql(
            "SELECT ja.judgement_id, ja.item_id, ja.value FROM judgement_answers ja "
            "JOIN judgements j ON j.id = ja.judgement_id "
            "WHERE ja.project_id = ? AND ja.question = 'overall' AND j.status = 'submitted'", con, params=(int(pid),))
        items = pd.read_sql("SELECT id AS item_id, prompt FROM items WHERE project_id = ?", con, params=(int(pid),))
        responses = pd.read_sql("SELECT item_id, position, content FROM responses WHERE project_id = ?", con,
                                params=(int(pid),))
    answers["winner"] = answers["value"].str.extract(r'"winner":\s*"(\w+)"', expand=False)
    answers = answers[answers["winner"].isin(["A", "B"])]
    wide = responses.pivot(index="item_id", columns="position", values="content").rename(columns={0: "A", 1: "B"})
    df = answers.merge(items, on="item_id").merge(wide, left_on="item_id", right_index=True)
    df = df.sort_values(["item_id", "judgement_id"], kind="stable")
    a_wins = (df["winner"] == "A").to_numpy()
    chosen = np.where(a_wins, df["A"].to_numpy(), df["B"].to_numpy())
    rejected = np.where(a_wins, df["B"].to_numpy(), df["A"].to_numpy())
    out_df = pd.DataFrame({
        "input": [{"messages": [{"role": "user", "content": p}]} for p in df["prompt"].to_numpy()],
        "preferred_output": [[{"role": "assistant", "content": c}] for c in chosen],
        "non_preferred_output": [[{"role": "assistant", "content": r}] for r in rejected],
    })
    if out.suffix == ".parquet":
        out_df.to_parquet(out, compression="zstd", index=False)
    else:
        out_df.to_json(out, orient="records", lines=True, force_ascii=False)
    return {"seconds": time.perf_counter() - started, "records": len(out_df)}


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, db_path: Path, out: Path) -> None:
    if name == "assay":
        result = case_assay(db_path, out)
    elif name == "assay-canonical":
        result = case_assay(db_path, out, fast=False)
    else:
        result = case_pandas(db_path, out)
    result["peak_rss_mb"] = _peak_rss_mb()
    result["bytes"] = out.stat().st_size
    print(json.dumps(result))


def run_case(name: str, db_path: Path, out: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--case", name, "--db", str(db_path), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"case {name} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# ---- checking that both sides wrote the same records --------------------------------------------

def same_jsonl(a: Path, b: Path) -> bool:
    import orjson

    with a.open("rb") as fa, b.open("rb") as fb:
        for la, lb in zip(fa, fb, strict=False):
            if orjson.loads(la) != orjson.loads(lb):
                return False
        return fa.read(1) == b"" and fb.read(1) == b""


def same_parquet(a: Path, b: Path) -> bool:
    import pyarrow.parquet as pq

    ta, tb = pq.ParquetFile(a), pq.ParquetFile(b)
    if ta.metadata.num_rows != tb.metadata.num_rows:
        return False
    ia = ta.iter_batches(batch_size=50_000)
    ib = tb.iter_batches(batch_size=50_000)
    return all(ba.to_pylist() == bb.to_pylist() for ba, bb in zip(ia, ib, strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--judgements", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=None, help="Keep the database and outputs here (default: a temp dir).")
    ap.add_argument("--json", type=Path, default=None, help="Write the numbers here.")
    ap.add_argument("--no-canonical", action="store_true", help="Skip the canonical-record (no fast rows) case.")
    ap.add_argument("--quick", action="store_true", help="20,000 judgements: a smoke run.")
    ap.add_argument("--repeat", type=int, default=2, help="Interleaved rounds; the best time of each case counts.")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        child(args.case, args.db, args.out)
        return
    n = 20_000 if args.quick else args.judgements
    with tempfile.TemporaryDirectory(prefix="formats-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db_path = work / "bench.db"
        for stale in work.glob("bench.db*"):
            stale.unlink()
        started = time.perf_counter()
        data = build(db_path, n)
        print(f"built {data['items']:,} items, {data['judgements']:,} judgements ({data['pairs']:,} not ties) "
              f"in {time.perf_counter() - started:.1f}s; load average {os.getloadavg()[0]:.1f}", flush=True)
        results: dict[str, dict[str, Any]] = {}
        cases = [("assay", "jsonl"), ("pandas", "jsonl"), ("assay", "parquet"), ("pandas", "parquet")]
        if not args.no_canonical:
            cases.append(("assay-canonical", "jsonl"))
        # Interleaved rounds, best time of each: the machine is shared, and a busy moment should not
        # decide a ratio.
        for round_ in range(args.repeat):
            for name, container in cases:
                key = f"{name}-{container}"
                if round_ and name == "assay-canonical":
                    continue  # slow and only there to show what the fast rows save: once is enough
                out = work / f"{name}.{container}"
                r = run_case(name, db_path, out)
                r["load_average"] = os.getloadavg()[0]
                best = results.get(key)
                if best is None or r["seconds"] < best["seconds"]:
                    r["runs"] = [*(best or {}).get("runs", []), r["seconds"]]
                    results[key] = r
                else:
                    best["runs"].append(r["seconds"])
                print(f"  {key}: {r['records']:,} records in {r['seconds']:.2f}s "
                      f"({r['records'] / r['seconds']:,.0f}/s), {r['bytes'] / 1e6:,.0f} MB, peak RSS "
                      f"{r['peak_rss_mb']:,.0f} MB; load average {r['load_average']:.1f}", flush=True)
        checks = {
            "jsonl": same_jsonl(work / "assay.jsonl", work / "pandas.jsonl"),
            "parquet": same_parquet(work / "assay.parquet", work / "pandas.parquet"),
        }
        if not args.no_canonical:
            checks["fast rows = canonical"] = (work / "assay.jsonl").read_bytes() == (work / "assay-canonical.jsonl").read_bytes()
        print("\n| case | records/s | seconds | peak RSS | pandas ÷ Assay |")
        print("|---|---:|---:|---:|---:|")
        for key, r in results.items():
            container = key.rsplit("-", 1)[1]
            ratio = results[f"pandas-{container}"]["seconds"] / r["seconds"]
            print(f"| {key} | {r['records'] / r['seconds']:,.0f} | {r['seconds']:.2f} | {r['peak_rss_mb']:,.0f} MB | "
                  f"{ratio:.2f}× |")
        print(f"\nsame records: {checks}")
        if args.json:
            args.json.write_text(json.dumps({
                "date": datetime.now(UTC).isoformat(), "machine": platform.platform(), "python": platform.python_version(),
                "cpus": os.cpu_count(), "load_average": os.getloadavg(), "data": data, "results": results,
                "same_records": checks}, indent=2))


if __name__ == "__main__":
    main()
