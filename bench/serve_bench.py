"""Serving benchmark: next-task and submit latency and submissions/s, Assay against Label Studio, in one run.

Generates N pairwise records (the same generator as bench/import_bench.py: a ~300-character prompt and
two ~800-character responses), loads them with Assay's own import into SQLite and into PostgreSQL,
starts real uvicorn servers and lets 1, 10 and 50 annotators (one thread and one API token each) loop
through the REST API as fast as they can: `POST /api/projects/{slug}/tasks/next`, then
`POST /api/assignments/{id}/submit`. No think time: every level is a closed loop at saturation, so
latency there is mostly queueing (concurrency / throughput).

Label Studio (pip-installed in its own virtualenv, it pins conflicting versions) gets the same tasks
through its bulk import API and the same loop through its API (`GET /api/projects/{id}/next/`, then
`POST /api/tasks/{id}/annotations/`), with one user and legacy token per annotator, at the same
concurrency, in two set-ups: `label-studio start` on SQLite (what a pip install runs: Django's
threaded server) and gunicorn with `--ls-workers` processes on PostgreSQL (as its Docker image serves
it; `pip install gunicorn` into its virtualenv). It gets `--ls-items` tasks, not a million (its
per-request cost grows with the project; the output says how many it had). After each run both are
checked for items over the overlap and people with an item twice.

Before each Assay server starts, a probe user runs a few next/submit cycles in-process and counts the
SQL statements each request issues (SQLAlchemy events).

Usage:
  python bench/serve_bench.py [--items 1000000] [--clients 1,10,50] [--duration 20]
      [--postgres URL] [--label-studio-python /tmp/ls-venv/bin/python] [--ls-items 100000]
      [--ls-backends sqlite,postgresql] [--paced 50:2,50:0.5] [--json out.json]
  python bench/serve_bench.py --quick      # 2,000 items, 1 and 4 clients, SQLite only, no Label Studio
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from import_bench import _text  # noqa: E402  (the same record generator as the import benchmark)

SLUG = "serve-bench"
SPEC = f"""
slug: {SLUG}
name: Serving benchmark
layout: {{fields: [prompt], responses: 2}}
distribution: {{overlap: 3, lease_minutes: 60}}
questions:
  - {{key: pref, kind: compare, title: "Which is better?"}}
"""
OVERLAP = 3
ANSWERS = {"answers": {"pref": "A"}}
LS_CONFIG = """<View>
  <Text name="prompt" value="$prompt"/>
  <Text name="response_a" value="$response_a"/>
  <Text name="response_b" value="$response_b"/>
  <Choices name="pref" toName="prompt" choice="single" showInline="true">
    <Choice value="A"/><Choice value="B"/><Choice value="Tie"/>
  </Choices>
</View>"""
DEFAULT_LS_PYTHON = "/tmp/ls-venv/bin/python"


# ---- data -------------------------------------------------------------------------------------------


def generate(n: int, out: Path) -> Path:
    """N pairwise records as JSONL (the import benchmark's texts; reused if already there)."""
    path = out / f"serve-pairs-{n}.jsonl"
    if path.exists():
        return path
    rng = random.Random(20261122)
    pool = [(_text(rng, 300, i % 5 == 0, i % 7 == 0), _text(rng, 800, i % 5 == 0, i % 3 == 0)) for i in range(2000)]
    domains = ["STEM", "Reasoning", "Humanities", "General Knowledge"]
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as f:
        lines: list[bytes] = []
        for i in range(n):
            rec = {
                "id": f"rec-{i:08d}",
                "prompt": f"[{i}] {pool[i % len(pool)][0]}",
                "domain": domains[i % 4],
                "language": "zh" if i % 5 == 0 else "en",
                "response_a": pool[(i * 7 + 3) % len(pool)][1],
                "response_b": pool[(i * 13 + 5) % len(pool)][1],
                "model_a": "atlas-7b",
                "model_b": "borealis-70b",
            }
            lines.append(orjson.dumps(rec))
            if len(lines) == 10_000:
                f.write(b"\n".join(lines) + b"\n")
                lines = []
        if lines:
            f.write(b"\n".join(lines) + b"\n")
    tmp.rename(path)
    return path


def read_records(path: Path, n: int) -> Iterator[dict[str, Any]]:
    with path.open("rb") as f:
        for i, line in enumerate(f):
            if i >= n:
                return
            yield orjson.loads(line)


# ---- measuring --------------------------------------------------------------------------------------


@dataclass
class Samples:
    """Per-request latencies (seconds) with the time each request ended."""

    next_s: list[tuple[float, float]] = field(default_factory=list)
    submit_s: list[tuple[float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exhausted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of a process and its descendants, by pid."""
    import psutil

    out: dict[int, float] = {}
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return out
    for p in procs:
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return out


class PgBackends:
    """CPU of the PostgreSQL backends serving one database (those alive when sampled)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        from assay.config import normalize_url

        self.engine = create_engine(normalize_url(url))

    def cpu(self) -> dict[int, float]:
        import psutil
        from sqlalchemy import text

        with self.engine.connect() as c:
            pids = c.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND pid <> pg_backend_pid()")).scalars().all()
        out = {}
        for pid in pids:
            try:
                t = psutil.Process(pid).cpu_times()
                out[pid] = t.user + t.system
            except psutil.Error:
                pass
        return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


class Target:
    """One server under test, seen as an annotator sees it."""

    name: str
    base: str
    server_pid: int | None = None
    db_backends: PgBackends | None = None

    def client(self, token: str) -> httpx.Client:
        raise NotImplementedError

    def next_task(self, c: httpx.Client) -> Any | None:
        """A handle to submit on, or None when nothing is left."""
        raise NotImplementedError

    def submit(self, c: httpx.Client, task: Any) -> None:
        raise NotImplementedError


class AssayTarget(Target):
    def __init__(self, name: str, base: str) -> None:
        self.name = name
        self.base = base

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=f"{self.base}/api", headers={"Authorization": f"Bearer {token}"}, timeout=120)

    def next_task(self, c: httpx.Client) -> Any | None:
        r = c.post(f"/projects/{SLUG}/tasks/next")
        if r.status_code == 204:
            return None
        if r.status_code != 200:
            raise RuntimeError(f"next {r.status_code} {r.text[:200]}")
        return r.json()["assignment_id"]

    def submit(self, c: httpx.Client, task: Any) -> None:
        r = c.post(f"/assignments/{task}/submit", json=ANSWERS)
        if r.status_code != 200:
            raise RuntimeError(f"submit {r.status_code} {r.text[:200]}")


class LabelStudioTarget(Target):
    def __init__(self, base: str, project_id: int) -> None:
        self.name = "label-studio"
        self.base = base
        self.project_id = project_id

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Token {token}"}, timeout=120)

    def next_task(self, c: httpx.Client) -> Any | None:
        r = c.get(f"/api/projects/{self.project_id}/next/")
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise RuntimeError(f"next {r.status_code} {r.text[:200]}")
        return r.json()["id"]

    def submit(self, c: httpx.Client, task: Any) -> None:
        body = {
            "result": [{"from_name": "pref", "to_name": "prompt", "type": "choices", "value": {"choices": ["A"]}}],
            "lead_time": 1.0,
        }
        r = c.post(f"/api/tasks/{task}/annotations/", json=body)
        if r.status_code != 201:
            raise RuntimeError(f"submit {r.status_code} {r.text[:200]}")


def run_level(target: Target, tokens: list[str], duration: float, warmup: float, think: float = 0.0) -> dict[str, Any]:
    """`len(tokens)` annotators loop next -> submit for warmup + duration seconds; only the last
    `duration` seconds count. With `think`, each pauses 0.5-1.5 × `think` seconds after a submit
    (a paced load instead of saturation)."""
    samples = Samples()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    barrier = threading.Barrier(len(tokens))

    def annotate(token: str) -> None:
        rng = random.Random(token)
        with target.client(token) as c:
            barrier.wait()
            if think:
                time.sleep(rng.uniform(0, think))  # spread the first requests
            while time.perf_counter() < stop_at:
                try:
                    t0 = time.perf_counter()
                    task = target.next_task(c)
                    t1 = time.perf_counter()
                    if task is None:
                        with samples.lock:
                            samples.exhausted += 1
                        return
                    target.submit(c, task)
                    t2 = time.perf_counter()
                except Exception as e:  # counted and reported; the annotator carries on
                    with samples.lock:
                        samples.errors.append(f"{type(e).__name__}: {e}")
                    time.sleep(0.05)
                    continue
                with samples.lock:
                    samples.next_s.append((t1, t1 - t0))
                    samples.submit_s.append((t2, t2 - t1))
                if think:
                    time.sleep(think * rng.uniform(0.5, 1.5))

    cpu0 = os.times()
    server0 = tree_cpu(target.server_pid) if target.server_pid else {}
    db0 = target.db_backends.cpu() if target.db_backends else {}
    threads = [threading.Thread(target=annotate, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    end = time.perf_counter()
    cpu1 = os.times()
    server_cpu = cpu_delta(server0, tree_cpu(target.server_pid)) if target.server_pid else None
    db_cpu = cpu_delta(db0, target.db_backends.cpu()) if target.db_backends else None
    all_subs = max(len(samples.submit_s), 1)
    nxt = [d for ts, d in samples.next_s if ts >= measure_from]
    sub = [d for ts, d in samples.submit_s if ts >= measure_from]
    window = max(min(end, stop_at) - measure_from, 1e-9)
    return {
        "clients": len(tokens),
        "think_s": think,
        "seconds": round(window, 2),
        "submissions": len(sub),
        "submissions_per_s": len(sub) / window,
        "next_ms": {f"p{p}": percentile(nxt, p) * 1000 for p in (50, 95, 99)},
        "submit_ms": {f"p{p}": percentile(sub, p) * 1000 for p in (50, 95, 99)},
        "client_cpu_s": round((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system), 2),
        # CPU per next+submit cycle over the whole level (warm-up included): robust to other load
        # on the machine, unlike latency. The database's share is counted for PostgreSQL only
        # (SQLite runs inside the server process).
        "server_cpu_ms_per_cycle": server_cpu * 1000 / all_subs if server_cpu is not None else None,
        "db_cpu_ms_per_cycle": db_cpu * 1000 / all_subs if db_cpu is not None else None,
        "client_cpu_ms_per_cycle": ((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)) * 1000 / all_subs,
        "errors": samples.errors[:5],
        "n_errors": len(samples.errors),
        "exhausted_clients": samples.exhausted,
    }


def print_level(name: str, r: dict[str, Any]) -> None:
    n, s = r["next_ms"], r["submit_ms"]
    err = f"  ERRORS {r['n_errors']}: {r['errors'][:1]}" if r["n_errors"] else ""
    cpu = f"CPU ms/cycle server {r['server_cpu_ms_per_cycle'] or 0:.1f}"
    if r["db_cpu_ms_per_cycle"] is not None:
        cpu += f" db {r['db_cpu_ms_per_cycle']:.1f}"
    cpu += f" client {r['client_cpu_ms_per_cycle']:.1f}"
    label = f"{r['clients']:>3} clients" + (f" think {r['think_s']:g}s" if r["think_s"] else "")
    print(f"  {name:<14} {label} {r['submissions_per_s']:>7,.1f} subs/s  "
          f"next p50/95/99 {n['p50']:6.1f} {n['p95']:6.1f} {n['p99']:6.1f} ms  "
          f"submit {s['p50']:6.1f} {s['p95']:6.1f} {s['p99']:6.1f} ms  {cpu}{err}", flush=True)


# ---- servers ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def serve(port: int, workers: int) -> None:
    """uvicorn with `workers` processes on 127.0.0.1:`port`, the app on ASSAY_DATABASE_URL.

    Not `uvicorn --workers N`: that binds the listening socket with `proto` 0, accepted sockets
    inherit it, asyncio then skips TCP_NODELAY, and every keep-alive response waits ~40 ms for the
    client's delayed ACK (uvicorn issue #3149; measured here: 2.4 ms per request with one worker,
    44 ms with two). The same supervisor on a socket made with IPPROTO_TCP has no such delay."""
    import socket as _socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("assay.web.app:create_app", factory=True, host="127.0.0.1", port=port,
                            workers=workers, log_level="warning", access_log=False)
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM, _socket.IPPROTO_TCP)
    sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.set_inheritable(True)
    if workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
    else:
        Multiprocess(config, sockets=[sock]).run()


SERVER_PYTHON = sys.executable


@contextmanager
def assay_server(url: str, workers: int, log: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "ASSAY_DATABASE_URL": url}
    with log.open("wb") as logf:
        proc = subprocess.Popen(
            [SERVER_PYTHON, __file__, "--serve", str(port), str(workers)],
            env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{base}/api/openapi.json", proc, 120, "uvicorn")
            yield base, proc.pid
        finally:
            stop(proc)


# ---- Assay ------------------------------------------------------------------------------------------


def setup_assay(url: str, jsonl: Path, n_users: int) -> tuple[list[str], str, float]:
    """Project, annotators with tokens (plus a probe user), and the items through Assay's import."""
    from sqlalchemy import text

    from assay.io import import_file
    from assay.spec import parse_spec
    from assay.store import open_database
    from assay.store.projects import create_project
    from assay.work import add_user
    from assay.work.members import add_member
    from assay.work.tokens import create_token

    db = open_database(url)
    tokens = []
    with db.write_session() as s:
        project = create_project(s, parse_spec(SPEC))
        for i in range(n_users + 1):
            user = add_user(s, f"annotator{i}", "annotator")
            add_member(s, project, user)
            tokens.append(create_token(s, user, "bench"))
    t = time.perf_counter()
    report = import_file(db, SLUG, jsonl)
    seconds = time.perf_counter() - t
    assert report.items_added > 0, report
    if not db.is_sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    db.dispose()
    return tokens[:-1], tokens[-1], seconds


def count_queries(url: str, probe_token: str, cycles: int = 20) -> dict[str, float]:
    """SQL statements per next-task and per submit request, in-process through the real app."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from assay.store import open_database
    from assay.web import create_app

    db = open_database(url)
    counter = {"n": 0}

    def on_execute(*_args: Any) -> None:
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", on_execute)
    per: dict[str, list[int]] = {"next": [], "submit": []}
    with TestClient(create_app(db)) as client:
        h = {"Authorization": f"Bearer {probe_token}"}
        for _ in range(cycles):
            counter["n"] = 0
            r = client.post(f"/api/projects/{SLUG}/tasks/next", headers=h)
            per["next"].append(counter["n"])
            if r.status_code != 200:
                break
            counter["n"] = 0
            client.post(f"/api/assignments/{r.json()['assignment_id']}/submit", headers=h, json=ANSWERS)
            per["submit"].append(counter["n"])
    event.remove(db.engine, "before_cursor_execute", on_execute)
    db.dispose()
    # The first cycle pays one-off work (spec cache, reclaiming): report the steady state.
    return {k: sum(v[1:]) / max(len(v) - 1, 1) for k, v in per.items()}


def check_invariants(url: str) -> dict[str, int]:
    """After the run: no item over its overlap, nobody with the same item twice."""
    from sqlalchemy import func, select

    from assay.store import Judgement, JudgementStatus, open_database

    db = open_database(url)
    with db.session() as s:
        over = s.scalar(
            select(func.count()).select_from(
                select(Judgement.item_id).where(Judgement.status == JudgementStatus.submitted)
                .group_by(Judgement.item_id).having(func.count() > OVERLAP).subquery()
            )
        )
        dupes = s.scalar(
            select(func.count()).select_from(
                select(Judgement.item_id, Judgement.user_id).group_by(Judgement.item_id, Judgement.user_id)
                .having(func.count() > 1).subquery()
            )
        )
        total = s.scalar(select(func.count()).select_from(Judgement).where(Judgement.status == JudgementStatus.submitted))
    db.dispose()
    return {"submitted": int(total or 0), "items_over_overlap": int(over or 0), "duplicate_pairs": int(dupes or 0)}


def explain_lease(url: str) -> str:
    """PostgreSQL's plan for the pick of the next task (the sub-select of the lease's UPDATE) on the
    loaded project, for annotator 1: index scans, not a scan of the project."""
    from sqlalchemy import text

    from assay.store import open_database

    db = open_database(url)
    sql = text("""
        EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
        SELECT items.id FROM items
        WHERE items.project_id = 1 AND items.is_open IS true AND items.is_gold IS false
          AND items.calibration_round IS NULL AND items.taken < 3
          AND NOT (EXISTS (SELECT * FROM assignments WHERE assignments.item_id = items.id AND assignments.user_id = 1))
        ORDER BY items.priority DESC, items.id LIMIT 1 FOR UPDATE OF items SKIP LOCKED""")
    with db.engine.begin() as c:
        plan = "\n".join(r[0] for r in c.execute(sql))
    db.dispose()
    return plan


def bench_assay(backend: str, url: str, jsonl: Path, levels: list[tuple[int, float]], workers: int, duration: float,
                warmup: float, tmp: Path) -> dict[str, Any]:
    print(f"\n== Assay on {backend}: importing {jsonl.name} ...", flush=True)
    tokens, probe, import_s = setup_assay(url, jsonl, max(c for c, _ in levels))
    print(f"  imported in {import_s:.1f}s", flush=True)
    queries = count_queries(url, probe)
    print(f"  SQL statements per request: next {queries['next']:.1f}, submit {queries['submit']:.1f}", flush=True)
    out: dict[str, Any] = {"backend": backend, "workers": workers, "import_seconds": import_s,
                           "queries_per_request": queries, "levels": []}
    if backend == "postgresql":
        out["lease_plan"] = explain_lease(url)
    with assay_server(url, workers, tmp / f"uvicorn-{backend}.log") as (base, pid):
        target = AssayTarget(f"assay-{backend}", base)
        target.server_pid = pid
        if backend == "postgresql":
            target.db_backends = PgBackends(url)
        for c, think in levels:
            r = run_level(target, tokens[:c], duration, warmup, think)
            print_level(target.name, r)
            out["levels"].append(r)
        if target.db_backends:
            target.db_backends.engine.dispose()
    if backend == "postgresql":
        out["lease_plan_after"] = explain_lease(url)  # with the run's assignments in the table
    out["invariants"] = check_invariants(url)
    print(f"  after the run: {out['invariants']}", flush=True)
    return out


@contextmanager
def pg_database(base: str, prefix: str = "assay_bench") -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    from assay.config import normalize_url

    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        c.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(normalize_url(base)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def pg_max_connections(base: str) -> int:
    from sqlalchemy import create_engine, text

    from assay.config import normalize_url

    eng = create_engine(normalize_url(base))
    with eng.connect() as c:
        n = int(c.execute(text("SHOW max_connections")).scalar_one())
    eng.dispose()
    return n


# ---- Label Studio -----------------------------------------------------------------------------------

# Run inside Label Studio's own virtualenv (Django set up): annotator users with legacy API tokens.
LS_USERS_SCRIPT = r"""
import json, os, sys
import label_studio
sys.path.insert(0, os.path.dirname(label_studio.__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "label_studio.core.settings.label_studio")
import django
django.setup()
from django.db import transaction
from organizations.models import Organization, OrganizationMember
from rest_framework.authtoken.models import Token
from users.models import User
n = int(sys.argv[1])
org = Organization.objects.first()
out = []
with transaction.atomic():
    for i in range(n):
        u, _ = User.objects.get_or_create(email=f"annotator{i}@bench.local", defaults={"username": f"annotator{i}"})
        u.set_password("bench-password-1")
        u.active_organization = org
        u.save()
        OrganizationMember.objects.get_or_create(user=u, organization=org)
        out.append(Token.objects.get_or_create(user=u)[0].key)
try:
    from jwt_auth.models import JWTSettings
    s, _ = JWTSettings.objects.get_or_create(organization=org)
    s.legacy_api_tokens_enabled = True
    s.save()
except Exception as e:
    print("jwt settings:", e, file=sys.stderr)
print(json.dumps(out))
"""


# After a run: tasks with more annotations than the project's overlap, and annotators with two
# annotations of one task (the invariants Assay's run is checked for).
LS_INVARIANTS_SCRIPT = r"""
import json, os, sys
import label_studio
sys.path.insert(0, os.path.dirname(label_studio.__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "label_studio.core.settings.label_studio")
import django
django.setup()
from django.db.models import Count
from tasks.models import Annotation
pid, overlap = int(sys.argv[1]), int(sys.argv[2])
rows = Annotation.objects.filter(project_id=pid, was_cancelled=False)
per_task = rows.values("task_id").annotate(n=Count("id"))
print(json.dumps({
    "submitted": rows.count(),
    "items_over_overlap": per_task.filter(n__gt=overlap).count(),
    "duplicate_pairs": rows.values("task_id", "completed_by_id").annotate(n=Count("id")).filter(n__gt=1).count(),
}))
"""


def _ls_env(python: str, data_dir: Path, pg_url: str | None) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ASSAY_", "DJANGO_", "LABEL_STUDIO_"))},
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_SENTRY_DSN": "",  # it reports errors to sentry.io by default; no network here
        "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": str(1 << 30),  # import batches of 5,000 tasks are ~10 MB
    }
    if pg_url:
        from sqlalchemy import make_url

        u = make_url(pg_url)
        env.update({"DJANGO_DB": "default", "POSTGRE_NAME": u.database or "", "POSTGRE_USER": u.username or "postgres",
                    "POSTGRE_PASSWORD": u.password or "", "POSTGRE_HOST": u.host or "127.0.0.1",
                    "POSTGRE_PORT": str(u.port or 5432)})
    return env


@contextmanager
def label_studio(python: str, data_dir: Path, log: Path, pg_url: str | None = None,
                 workers: int = 0) -> Iterator[tuple[str, str, dict[str, str], int]]:
    """Label Studio with its data in `data_dir` (SQLite) or on `pg_url`; yields (base URL, admin token, env,
    server pid).

    `label-studio start` migrates the database, creates the admin with a legacy API token and serves
    with Django's threaded server: that is what a pip install runs. With `workers`, that server is
    only used to initialise; the app is then served by gunicorn with that many worker processes, as
    Label Studio's Docker image serves it (uWSGI, 4 processes)."""
    port = free_port()
    admin_token = "bench" + os.urandom(16).hex()
    env = _ls_env(python, data_dir, pg_url)
    bin_dir = Path(python).parent
    cmd = [str(bin_dir / "label-studio"), "start", "--no-browser", "--port", str(port), "--internal-host", "127.0.0.1",
           "--data-dir", str(data_dir), "--username", "admin@bench.local", "--password", "bench-password-1",
           "--user-token", admin_token, "--enable-legacy-api-token"]
    base = f"http://127.0.0.1:{port}"
    with log.open("ab") as logf:
        proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_http(f"{base}/health", proc, 600, "label-studio")
            if workers:
                stop(proc)
                ls_dir = subprocess.run([python, "-c", "import label_studio, os; print(os.path.dirname(label_studio.__file__))"],
                                        capture_output=True, text=True, check=True).stdout.strip()
                gunicorn = [str(bin_dir / "gunicorn"), "core.wsgi:application", "--chdir", ls_dir, "--workers",
                            str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "600", "--log-level", "warning"]
                proc = subprocess.Popen(gunicorn, env={**env, "DJANGO_SETTINGS_MODULE": "core.settings.label_studio"},
                                        stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
                wait_http(f"{base}/health", proc, 600, "label-studio (gunicorn)")
            yield base, admin_token, env, proc.pid
        finally:
            stop(proc)


def _ls_script(python: str, env: dict[str, str], script: str, *args: object) -> Any:
    proc = subprocess.run([python, "-c", script, *map(str, args)], capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"Label Studio script failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_label_studio(python: str, jsonl: Path, n_items: int, levels: list[tuple[int, float]], duration: float,
                       warmup: float, tmp: Path, pg_url: str | None = None, workers: int = 0) -> dict[str, Any]:
    backend = "postgresql" if pg_url else "sqlite"
    server = f"gunicorn, {workers} workers" if workers else "label-studio start"
    print(f"\n== Label Studio ({python}) on {backend} ({server}): importing {n_items:,} tasks ...", flush=True)
    data_dir = tmp / f"ls-data-{backend}"
    with label_studio(python, data_dir, tmp / f"label-studio-{backend}.log", pg_url, workers) as (base, admin_token, env,
                                                                                                   ls_pid):
        version = subprocess.run([python, "-c", "import label_studio; print(label_studio.__version__)"],
                                 capture_output=True, text=True, env=env, check=False).stdout.strip()
        h = {"Authorization": f"Token {admin_token}"}
        with httpx.Client(base_url=base, headers=h, timeout=1800) as c:
            r = c.post("/api/projects/", json={"title": "serve-bench", "label_config": LS_CONFIG,
                                                "maximum_annotations": OVERLAP, "show_skip_button": False})
            r.raise_for_status()
            pid = int(r.json()["id"])
            t = time.perf_counter()
            batch: list[dict[str, Any]] = []
            for rec in read_records(jsonl, n_items):
                batch.append({"prompt": rec["prompt"], "response_a": rec["response_a"], "response_b": rec["response_b"]})
                if len(batch) == 5000:
                    c.post(f"/api/projects/{pid}/import", json=batch).raise_for_status()
                    batch = []
            if batch:
                c.post(f"/api/projects/{pid}/import", json=batch).raise_for_status()
            import_s = time.perf_counter() - t
            count = c.get(f"/api/projects/{pid}/").json().get("task_number")
        print(f"  imported {count} tasks in {import_s:.1f}s (Label Studio {version})", flush=True)
        # Users with tokens, added through Django in Label Studio's own environment.
        tokens = _ls_script(python, env, LS_USERS_SCRIPT, max(c for c, _ in levels))
        target = LabelStudioTarget(base, pid)
        target.name = f"ls-{backend}"
        # Server CPU only: Django opens a database connection per request (CONN_MAX_AGE 0), so its
        # PostgreSQL backends live too briefly to be sampled before and after a level.
        target.server_pid = ls_pid
        out: dict[str, Any] = {"version": version, "backend": backend, "server": server, "workers": workers,
                               "items": count, "import_seconds": import_s, "levels": []}
        for n, think in levels:
            level = run_level(target, tokens[:n], duration, warmup, think)
            print_level(target.name, level)
            out["levels"].append(level)
        out["invariants"] = _ls_script(python, env, LS_INVARIANTS_SCRIPT, pid, OVERLAP)
        print(f"  after the run: {out['invariants']}", flush=True)
    return out


# ---- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=1_000_000, help="items loaded into Assay")
    ap.add_argument("--clients", default="1,10,50", help="concurrency levels at saturation, comma-separated")
    ap.add_argument("--paced", default="50:2,50:0.5", help="extra paced levels CLIENTS:THINK_SECONDS, comma-separated "
                    "('' for none): annotators pausing after each submit, for latency below saturation")
    ap.add_argument("--duration", type=float, default=20.0, help="measured seconds per level")
    ap.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each level")
    ap.add_argument("--sqlite-workers", type=int, default=1, help="uvicorn workers on SQLite (one writer anyway)")
    ap.add_argument("--pg-workers", type=int, default=4, help="uvicorn workers on PostgreSQL")
    ap.add_argument("--postgres", default=os.environ.get("ASSAY_BENCH_POSTGRES_URL")
                    or os.environ.get("ASSAY_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres",
                    help="server to create a scratch database on ('' to skip PostgreSQL)")
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--label-studio-python", default=DEFAULT_LS_PYTHON,
                    help="python of a virtualenv with label-studio installed ('' to skip)")
    ap.add_argument("--ls-items", type=int, default=100_000, help="tasks imported into Label Studio")
    ap.add_argument("--ls-backends", default="sqlite,postgresql",
                    help="Label Studio set-ups, comma-separated: sqlite (`label-studio start`, as pip installs it), "
                         "postgresql (gunicorn with --ls-workers workers, as its Docker image runs)")
    ap.add_argument("--ls-workers", type=int, default=4, help="gunicorn workers for Label Studio on PostgreSQL")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where generated data goes")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 2,000 items, 1 and 4 clients, 3 s levels, SQLite only, no Label Studio")
    ap.add_argument("--server-python", default=sys.executable,
                    help="python that runs the Assay server (e.g. a venv that also has httptools and uvloop)")
    ap.add_argument("--serve", nargs=2, type=int, metavar=("PORT", "WORKERS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(*args.serve)
        return 0
    global SERVER_PYTHON
    SERVER_PYTHON = args.server_python
    if args.quick:
        args.items, args.clients, args.duration, args.warmup = min(args.items, 2000), "1,4", 3.0, 0.5
        args.postgres, args.label_studio_python, args.paced = "", "", ""
    levels = [(int(x), 0.0) for x in args.clients.split(",") if x.strip()]
    levels += [(int(c), float(t)) for c, t in (x.split(":") for x in args.paced.split(",") if x.strip())]

    args.out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    jsonl = generate(args.items, args.out)
    print(f"data: {args.items:,} records, {jsonl.stat().st_size / 1e6:,.0f} MB JSONL ({time.perf_counter() - t:.1f}s)",
          flush=True)
    meta = {"items": args.items, "levels": levels, "duration_s": args.duration, "machine": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "date": time.strftime("%Y-%m-%d"),
            "server_python": args.server_python, "server_http": server_http(args.server_python),
            "load_avg_start": os.getloadavg()}
    results: dict[str, Any] = {"meta": meta, "assay": [], "label_studio": []}

    with tempfile.TemporaryDirectory(prefix="serve-bench-", dir=args.out) as tmpdir:
        tmp = Path(tmpdir)
        if not args.no_sqlite:
            results["assay"].append(bench_assay("sqlite", f"sqlite:///{tmp / 'assay.db'}", jsonl, levels,
                                                args.sqlite_workers, args.duration, args.warmup, tmp))
        if args.postgres:
            maxc = pg_max_connections(args.postgres)
            meta["pg_max_connections"] = maxc
            print(f"\nPostgreSQL max_connections = {maxc}; {args.pg_workers} workers, at most one connection per "
                  f"request in flight ({max(c for c, _ in levels)} clients)", flush=True)
            with pg_database(args.postgres) as url:
                results["assay"].append(bench_assay("postgresql", url, jsonl, levels, args.pg_workers, args.duration,
                                                    args.warmup, tmp))
        if args.label_studio_python:
            if not Path(args.label_studio_python).exists():
                print(f"\nLabel Studio skipped: no python at {args.label_studio_python} (create one with "
                      f"`python -m venv /tmp/ls-venv && /tmp/ls-venv/bin/pip install label-studio`, "
                      f"or pass --label-studio-python)", flush=True)
            else:
                n_ls = min(args.ls_items, args.items)
                for backend in [b.strip() for b in args.ls_backends.split(",") if b.strip()]:
                    if backend == "sqlite":
                        results["label_studio"].append(bench_label_studio(
                            args.label_studio_python, jsonl, n_ls, levels, args.duration, args.warmup, tmp))
                    elif backend == "postgresql" and args.postgres:
                        if not (Path(args.label_studio_python).parent / "gunicorn").exists():
                            print(f"\nLabel Studio on PostgreSQL skipped: no gunicorn beside {args.label_studio_python} "
                                  f"(`{Path(args.label_studio_python).parent / 'pip'} install gunicorn`)", flush=True)
                            continue
                        with pg_database(args.postgres, "ls_bench") as url:
                            results["label_studio"].append(bench_label_studio(
                                args.label_studio_python, jsonl, n_ls, levels, args.duration, args.warmup, tmp,
                                pg_url=url, workers=args.ls_workers))

    meta["load_avg_end"] = os.getloadavg()
    summarize(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    bad = [r for r in results["assay"] if any(lv["n_errors"] for lv in r["levels"])
           or r["invariants"]["items_over_overlap"] or r["invariants"]["duplicate_pairs"]]
    return 1 if bad else 0


def server_http(python: str) -> str:
    """What uvicorn's `http="auto"`/`loop="auto"` pick in the server's python."""
    code = ("import importlib.util as u; print(('httptools' if u.find_spec('httptools') else 'h11') + ', ' + "
            "('uvloop' if u.find_spec('uvloop') else 'asyncio'))")
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=False).stdout.strip()


def _key(lv: dict[str, Any]) -> tuple[int, float]:
    return lv["clients"], lv["think_s"]


def summarize(results: dict[str, Any]) -> None:
    print("\nsummary (submissions/s; latency p99 in ms)")
    lss = results["label_studio"]
    rows = [(f"assay-{r['backend']} ({r['workers']} w)", r["levels"]) for r in results["assay"]]
    rows += [(f"ls-{ls['backend']} ({ls['items']:,} tasks)", ls["levels"]) for ls in lss]
    for name, levels in rows:
        for lv in levels:
            pace = f"think {lv['think_s']:g}s" if lv["think_s"] else "saturated"
            line = (f"  {name:<28} {lv['clients']:>3} clients {pace:<11} {lv['submissions_per_s']:>8,.1f}/s  "
                    f"p99 next {lv['next_ms']['p99']:7.1f}  submit {lv['submit_ms']['p99']:7.1f}")
            if name.startswith("assay") and not lv["think_s"]:
                for ls in lss:
                    other = {_key(x): x for x in ls["levels"]}.get(_key(lv))
                    if other and other["submissions_per_s"] > 0:
                        line += f"  {lv['submissions_per_s'] / other['submissions_per_s']:6.1f}x ls-{ls['backend']}"
            print(line)
    pg = [r for r in results["assay"] if r["backend"] == "postgresql"]
    if not pg:
        return
    for lv in pg[0]["levels"]:
        if lv["clients"] < 50:
            continue
        worst = max(lv["next_ms"]["p99"], lv["submit_ms"]["p99"])
        pace = f"{lv['think_s']:g} s think time" if lv["think_s"] else "no think time (saturation)"
        print(f"target p99 < 50 ms at {lv['clients']} annotators on PostgreSQL, {pace} "
              f"({lv['submissions_per_s']:,.0f} submissions/s): {'met' if worst < 50 else 'NOT met'} ({worst:.1f} ms)")
        if lv["think_s"]:
            continue
        # Against the faster Label Studio set-up at the same concurrency: the conservative ratio.
        others = [x for ls in lss for x in ls["levels"] if _key(x) == _key(lv) and x["submissions_per_s"] > 0]
        if others:
            best = max(x["submissions_per_s"] for x in others)
            ratio = lv["submissions_per_s"] / best
            print(f"target >= 10x Label Studio's throughput at {lv['clients']} annotators (its faster set-up, "
                  f"{best:,.1f}/s): {'met' if ratio >= 10 else 'NOT met'} ({ratio:.1f}x)")


if __name__ == "__main__":
    sys.exit(main())
