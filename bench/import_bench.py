"""Import benchmark: Assay's import against a bare sqlite3 executemany and pandas, in one run.

Generates N pairwise records (a ~300-character prompt and two ~800-character responses; some Chinese,
some LaTeX) as JSONL and Parquet, then imports them in separate child processes so each peak RSS is
its own:

  assay-jsonl-sqlite     `assay.io.import_file` of the JSONL into SQLite (validation, dedupe, hashing)
  assay-parquet-sqlite   the same from Parquet
  assay-jsonl-postgres   the same into PostgreSQL (when a URL is given or ASSAY_TEST_POSTGRES_URL is set)
  bare-sqlite3           orjson per line + sqlite3 executemany of the same item and response rows,
                         no validation, no dedupe, no secondary indexes: the floor
  pandas-to_sql          pandas.read_json(lines=True) + DataFrame.to_sql, one row per record

and a small run of the Assay JSONL import (N/10) to show peak RSS does not grow with the file.

Usage: python bench/import_bench.py [--n 1000000] [--out bench/out] [--postgres URL] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent

EN_WORDS = ["the", "model", "answer", "proof", "integral", "derivative", "theorem", "energy", "protein", "history", "argument", "evidence", "because", "therefore", "however", "consider", "suppose", "function", "value", "result", "system", "policy", "language"]
ZH_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
LATEX = [
    r"$\int_0^1 x^2\,dx = \frac{1}{3}$",
    r"$$\sum_{k=1}^{n} k = \frac{n(n+1)}{2}$$",
    r"$e^{i\pi} + 1 = 0$",
    r"$\lim_{x\to 0} \frac{\sin x}{x} = 1$",
    r"$\nabla \cdot \mathbf{E} = \frac{\rho}{\varepsilon_0}$",
]


def _text(rng: random.Random, n_chars: int, chinese: bool, latex: bool) -> str:
    if chinese:
        out = "".join(rng.choice(ZH_CHARS) for _ in range(n_chars // 2))
    else:
        words: list[str] = []
        size = 0
        while size < n_chars:
            w = rng.choice(EN_WORDS)
            words.append(w)
            size += len(w) + 1
        out = " ".join(words)
    if latex:
        out += " " + rng.choice(LATEX)
    return out


def generate(n: int, out: Path) -> tuple[Path, Path]:
    """Write N pairwise records as JSONL and Parquet (streamed in batches)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    jsonl = out / f"pairs-{n}.jsonl"
    parquet = out / f"pairs-{n}.parquet"
    if jsonl.exists() and parquet.exists():
        return jsonl, parquet
    rng = random.Random(20261121)
    # A pool of texts reused in different combinations: generation stays fast, records stay distinct.
    pool = [(_text(rng, 300, i % 5 == 0, i % 7 == 0), _text(rng, 800, i % 5 == 0, i % 3 == 0)) for i in range(2000)]
    schema = pa.schema([
        ("id", pa.string()), ("prompt", pa.string()), ("domain", pa.string()), ("language", pa.string()),
        ("response_a", pa.string()), ("response_b", pa.string()), ("model_a", pa.string()), ("model_b", pa.string()),
    ])
    domains = ["STEM", "Reasoning", "Humanities", "General Knowledge"]
    with jsonl.open("wb") as fj, pq.ParquetWriter(parquet, schema) as fp:
        batch: list[dict[str, Any]] = []
        for i in range(n):
            p = pool[i % len(pool)]
            a = pool[(i * 7 + 3) % len(pool)][1]
            b = pool[(i * 13 + 5) % len(pool)][1]
            rec = {
                "id": f"rec-{i:08d}",
                "prompt": f"[{i}] {p[0]}",
                "domain": domains[i % 4],
                "language": "zh" if i % 5 == 0 else "en",
                "response_a": a,
                "response_b": b,
                "model_a": "atlas-7b",
                "model_b": "borealis-70b",
            }
            fj.write(orjson.dumps(rec) + b"\n")
            batch.append(rec)
            if len(batch) == 50_000:
                fp.write_table(pa.Table.from_pylist(batch, schema))
                batch = []
        if batch:
            fp.write_table(pa.Table.from_pylist(batch, schema))
    return jsonl, parquet


# ---- the cases, each run in a child process -------------------------------------------------------

SPEC = """
slug: bench
name: Import benchmark
layout: {fields: [prompt], responses: 2}
questions:
  - {key: pref, kind: compare, title: "Which is better?"}
"""


def case_assay(path: str, db_url: str) -> int:
    from assay.io import import_file
    from assay.spec import parse_spec
    from assay.store import open_database
    from assay.store.projects import create_project

    db = open_database(db_url)
    with db.write_session() as s:
        create_project(s, parse_spec(SPEC))
    report = import_file(db, "bench", path)
    assert report.items_added > 0, report
    return report.records


def case_bare(path: str, db_url: str) -> int:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, external_id TEXT, prompt TEXT, domain TEXT, language TEXT)")
    conn.execute("CREATE TABLE responses (id INTEGER PRIMARY KEY, item_id INTEGER, model TEXT, content TEXT)")
    n = 0
    items: list[tuple[Any, ...]] = []
    responses: list[tuple[Any, ...]] = []
    with open(path, "rb") as f:
        for line in f:
            r = orjson.loads(line)
            n += 1
            items.append((n, r["id"], r["prompt"], r["domain"], r["language"]))
            responses.append((n, r["model_a"], r["response_a"]))
            responses.append((n, r["model_b"], r["response_b"]))
            if len(items) == 2000:
                conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", items)
                conn.executemany("INSERT INTO responses (item_id, model, content) VALUES (?, ?, ?)", responses)
                items, responses = [], []
    conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", items)
    conn.executemany("INSERT INTO responses (item_id, model, content) VALUES (?, ?, ?)", responses)
    conn.commit()
    return n


def case_pandas(path: str, db_url: str) -> int:
    import pandas as pd
    from sqlalchemy import create_engine

    df = pd.read_json(path, lines=True, dtype=False)
    df.to_sql("items", create_engine(db_url), index=False, chunksize=10_000)
    return len(df)


CASES = {"assay": case_assay, "bare": case_bare, "pandas": case_pandas}


def peak_rss_mb() -> float:
    """This process's peak resident set. Not ru_maxrss: Linux carries that over from the parent
    across fork and exec, so every child would report at least the parent's peak. VmHWM belongs to
    the address space, which exec replaces."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: best effort


def child(case: str, path: str, db_url: str) -> None:
    start = time.perf_counter()
    n = CASES[case](path, db_url)
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    print(json.dumps({"records": n, "seconds": seconds, "peak_rss_mb": peak_mb}))


def run_case(name: str, case: str, path: Path, db_url: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", case, str(path), db_url], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return {"name": name, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["name"] = name
    out["records_per_s"] = out["records"] / out["seconds"]
    return out


def pg_fresh_url(base: str) -> tuple[str, str]:
    """A fresh schema on the server, so the benchmark never touches existing tables."""
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    from assay.config import normalize_url

    schema = f"bench_{os.getpid()}_{int(time.time())}"
    eng = create_engine(normalize_url(base))
    with eng.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    eng.dispose()
    sep = "&" if "?" in base else "?"
    return f"{normalize_url(base)}{sep}options={quote(f'-csearch_path={schema}')}", schema


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--postgres", default=os.environ.get("ASSAY_BENCH_POSTGRES_URL") or os.environ.get("ASSAY_TEST_POSTGRES_URL"))
    ap.add_argument("--skip-pandas", action="store_true", help="pandas holds the whole file in memory; skip it on small machines")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--child", nargs=3, metavar=("CASE", "PATH", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return

    args.out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    jsonl, parquet = generate(args.n, args.out)
    small_n = max(args.n // 10, 1)
    small_jsonl, _ = generate(small_n, args.out)
    print(f"generated {args.n:,} records ({jsonl.stat().st_size / 1e6:,.0f} MB JSONL, "
          f"{parquet.stat().st_size / 1e6:,.0f} MB Parquet) in {time.perf_counter() - t:.1f}s", flush=True)

    results = []
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        def sqlite_url(name: str) -> str:
            return f"sqlite:///{Path(tmp) / name}.db"

        plan: list[tuple[str, str, Path, str]] = [
            ("bare-sqlite3", "bare", jsonl, sqlite_url("bare")),
            ("assay-jsonl-sqlite", "assay", jsonl, sqlite_url("assay-jsonl")),
            ("assay-parquet-sqlite", "assay", parquet, sqlite_url("assay-parquet")),
            (f"assay-jsonl-sqlite (n/10={small_n:,})", "assay", small_jsonl, sqlite_url("assay-small")),
        ]
        if not args.skip_pandas:
            plan.append(("pandas-to_sql", "pandas", jsonl, sqlite_url("pandas")))
        schema = None
        if args.postgres:
            pg_url, schema = pg_fresh_url(args.postgres)
            plan.append(("assay-jsonl-postgres", "assay", jsonl, pg_url))
        for name, case, path, url in plan:
            r = run_case(name, case, path, url)
            results.append(r)
            if "error" in r:
                print(f"{name:<34} ERROR {r['error']}", flush=True)
            else:
                print(f"{name:<34} {r['records_per_s']:>10,.0f} rec/s  {r['seconds']:>7.1f}s  peak RSS {r['peak_rss_mb']:>6,.0f} MB", flush=True)
        # The baseline again at the end: this VM's disk varies run to run, and the ratio should not
        # flatter Assay because the first baseline happened to hit a slow patch. The faster one counts.
        r = run_case("bare-sqlite3 (again)", "bare", jsonl, sqlite_url("bare-again"))
        results.append(r)
        if "error" not in r:
            print(f"{r['name']:<34} {r['records_per_s']:>10,.0f} rec/s  {r['seconds']:>7.1f}s  peak RSS {r['peak_rss_mb']:>6,.0f} MB", flush=True)
        if schema:
            from sqlalchemy import create_engine, text

            from assay.config import normalize_url

            eng = create_engine(normalize_url(args.postgres))
            with eng.begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            eng.dispose()

    bares = [r for r in results if r["name"].startswith("bare-sqlite3") and "error" not in r]
    bare = max(bares, key=lambda r: r["records_per_s"]) if bares else None
    print("\nratios (throughput vs the faster bare sqlite3 run; target >= 0.50; peak RSS target < 500 MB)")
    for r in results:
        if "error" in r or bare is None:
            continue
        print(f"  {r['name']:<34} {r['records_per_s'] / bare['records_per_s']:>5.2f}x   peak RSS {r['peak_rss_mb']:,.0f} MB")
    if args.json:
        meta = {"n": args.n, "machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                "date": time.strftime("%Y-%m-%d")}
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
