"""Many annotators at once through the HTTP API of a real server with several worker processes:
every item ends with exactly `overlap` submitted judgements, none duplicated, none lost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from assay.io import import_file
from assay.spec import parse_spec
from assay.store import Database, Judgement, JudgementStatus
from assay.store.projects import create_project
from assay.work import add_user
from assay.work.members import add_member
from assay.work.tokens import create_token

from ..conftest import BACKENDS

SPEC = """
slug: crowd
name: Concurrency
layout: {fields: [prompt], responses: 1}
distribution: {overlap: 3, lease_minutes: 30}
questions:
  - {key: verdict, kind: choice, title: Verdict, options: [good, bad]}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "ASSAY_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "assay.web.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/openapi.json", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "n_items", "n_clients", "workers"), [("sqlite", 150, 10, 2), ("postgresql", 2000, 50, 4)])
def test_many_clients_over_http(make_db, tmp_path: Path, backend: str, n_items: int, n_clients: int, workers: int) -> None:
    if backend not in BACKENDS:
        pytest.skip("ASSAY_TEST_POSTGRES_URL not set")
    db: Database = make_db(backend)
    spec = parse_spec(SPEC)
    tokens = []
    with db.write_session() as s:
        project = create_project(s, spec)
        for i in range(n_clients):
            user = add_user(s, f"a{i}", "annotator")
            add_member(s, project, user)
            tokens.append(create_token(s, user))
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": f"i{i}", "prompt": f"p{i}", "response": "r"}) + b"\n" for i in range(n_items)))
    import_file(db, spec.slug, path)

    proc, base = _serve(db.engine.url.render_as_string(hide_password=False), workers)
    errors: list[str] = []
    submitted: list[int] = []
    lock = threading.Lock()

    def annotate(token: str) -> None:
        with httpx.Client(base_url=f"{base}/api", headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                r = c.post(f"/projects/{spec.slug}/tasks/next")
                if r.status_code == 204:
                    return
                if r.status_code != 200:
                    errors.append(f"next {r.status_code} {r.text}")
                    return
                task = r.json()
                s = c.post(f"/assignments/{task['assignment_id']}/submit", json={"answers": {"verdict": "good"}})
                if s.status_code != 200:
                    errors.append(f"submit {s.status_code} {s.text}")
                    return
                with lock:
                    submitted.append(task["item_id"])
            errors.append("client ran out of time")

    try:
        threads = [threading.Thread(target=annotate, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert errors == []
    assert len(submitted) == 3 * n_items
    with db.session() as s:
        per_item = dict(s.execute(
            select(Judgement.item_id, func.count()).where(Judgement.status == JudgementStatus.submitted)
            .group_by(Judgement.item_id)
        ).all())
        pairs = s.execute(select(Judgement.item_id, Judgement.user_id)).all()
    assert len(per_item) == n_items and set(per_item.values()) == {3}
    assert len(pairs) == len(set(pairs)) == 3 * n_items
