"""Judging benchmark: 10,000 judge calls against a local OpenAI-compatible server with 50 ms latency.

The server (tests/models/fake_openai.py) runs in its own process, so it never shares the client's event
loop or GIL. Measured in one run:

  assay (cold)     `assay.models.run_requests` over N judge requests, concurrency limit C, on-disk cache
                   empty: every request is a call. Throughput against the ideal C / latency, and the
                   overhead per call: how long a call holds its slot beyond the server's latency
                   (elapsed × C / N − latency), and the client's CPU time per call.
  assay (cached)   the same N requests again: every reply comes from the on-disk cache, no call made.
  inspect          the same N gradings through Inspect AI's `model_graded_qa` scorer, its grader on the
                   same server through Inspect's OpenAI-compatible provider (`openai-api/...`, base_url),
                   `max_connections` C. Run in a child process with a Python that has inspect-ai
                   (`--inspect-python`, default this one); skipped with a note when there is none.

Both sides send a grading prompt of the same shape (question, answer, criterion, instructions; ~1 kB)
and read the verdict (`GRADE: C|P|I`) from the reply. The fake server echoes the prompt, so every
reply carries a readable grade.

Usage: python bench/judge_bench.py [--n 10000] [--concurrency 64] [--latency 0.05] [--quick]
                                   [--no-inspect] [--inspect-python PATH] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GRADE = re.compile(r"GRADE\s*:\s*([CPI])")
INSTRUCTIONS = (
    "After assessing the submitted answer, reply with 'GRADE: $LETTER' (without quotes) where LETTER is "
    "one of CPI. Please choose ONE option for the grade: either \"C\" for correct answers, \"P\" for "
    "partially correct answers, or \"I\" for incorrect answers.\n\nFirst, write out in a step by step manner "
    "your reasoning about the criterion to be sure that your conclusion is correct. Avoid simply stating the "
    "correct answers at the outset. Then end with your answer on its own last line, for example:\nGRADE: C"
)
# One grading prompt for both sides: Inspect's model_graded_qa fills the same template. The fake server
# echoes the prompt, so each reply ends with a line both parsers read as a grade.
TEMPLATE = (
    "You are assessing a submitted answer on a given task based on a criterion. Here is the data:\n\n"
    "[BEGIN DATA]\n***\n[Task]: {question}\n***\n[Submission]: {answer}\n***\n[Criterion]: {criterion}\n***\n"
    "[END DATA]\n\nDoes the submission meet the criterion?\n\n{instructions}"
)


def question(i: int) -> str:
    return f"Sample {i}: what is {i} multiplied by 7, and is the result even or odd? Explain briefly."


def answer(i: int) -> str:
    product = i * 7
    return f"{i} times 7 is {product}, which is {'even' if product % 2 == 0 else 'odd'}."


def target(i: int) -> str:
    return str(i * 7)


def grading_prompt(i: int) -> str:
    """What the grader reads (about 1 kB), exactly as Inspect's model_graded_qa renders TEMPLATE."""
    return TEMPLATE.format(question=question(i), answer=answer(i), criterion=target(i), instructions=INSTRUCTIONS)


# -- the server ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(latency: float) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.models.fake_openai", "--port", str(port),
                             "--latency", str(latency)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the fake server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the fake server did not start in 30 s")


# -- Assay ---------------------------------------------------------------------------------------------


def server_cpu(pid: int) -> float | None:
    """CPU seconds the server process has used so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_assay(url: str, n: int, concurrency: int, latency: float, cache_path: Path, server_pid: int) -> list[dict[str, Any]]:
    from assay.models import Endpoint, ResponseCache

    endpoint = Endpoint(name="bench-judge", base_url=url, model="judge-model", max_concurrency=concurrency,
                        max_retries=2, timeout_s=60)
    rows = []
    with ResponseCache(cache_path) as cache:
        for label in ("assay (cold)", "assay (cached)"):
            before = server_cpu(server_pid)
            row = _assay_pass(label, endpoint, cache, n, concurrency, latency)
            after = server_cpu(server_pid)
            row["server_cpu_us_per_call"] = (after - before) / n * 1e6 if before is not None and after is not None else None
            rows.append(row)
    return rows


def _assay_pass(label: str, endpoint: Any, cache: Any, n: int, concurrency: int, latency: float) -> dict[str, Any]:
    from assay.models import ModelReply, ModelRequest, run_requests

    grades: dict[str, int] = {}
    errors: list[str] = []

    def on_result(key: int, result: Any) -> None:
        if isinstance(result, ModelReply):
            found = GRADE.findall(result.text or "")
            grade = found[-1] if found else "none"
            grades[grade] = grades.get(grade, 0) + 1
        else:
            errors.append(str(result))

    requests = ((i, ModelRequest(messages=[{"role": "user", "content": grading_prompt(i)}], max_tokens=256,
                                 temperature=0.0)) for i in range(n))
    cpu0 = _cpu()
    started = time.perf_counter()
    stats = run_requests(endpoint, requests, cache=cache, on_result=on_result, total=n)
    seconds = time.perf_counter() - started
    return _row(label, n, concurrency, latency, seconds, _cpu() - cpu0, calls=stats.calls, cache_hits=stats.cache_hits,
                errors=stats.errors, grades=grades, first_error=errors[0] if errors else None)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _row(label: str, n: int, concurrency: int, latency: float, seconds: float, cpu: float | None,
         **extra: Any) -> dict[str, Any]:
    ideal = concurrency / latency
    calls = extra.get("calls", n)
    row = {"run": label, "n": n, "seconds": seconds, "per_second": n / seconds,
           "ideal_per_second": ideal, "of_ideal": (n / seconds) / ideal if calls else None,
           "overhead_ms_per_call": (seconds * concurrency / n - latency) * 1000 if calls else None,
           "client_cpu_us_per_call": cpu / n * 1e6 if cpu is not None else None, **extra}
    return row


# -- Inspect AI (child process) --------------------------------------------------------------------------


def inspect_worker(url: str, n: int, concurrency: int, latency: float) -> None:
    """Runs in a Python with inspect-ai: one eval of N samples, each graded by model_graded_qa."""
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.model import GenerateConfig, ModelOutput, ModelUsage, get_model
    from inspect_ai.scorer import model_graded_qa
    from inspect_ai.solver import Generate, TaskState, solver

    @solver
    def canned():  # type: ignore[no-untyped-def]
        """The answer under judgement is given (no call), as in Assay's run: only the grading is measured."""

        async def solve(state: TaskState, generate: Generate) -> TaskState:
            i = int(state.sample_id)
            state.output = ModelOutput.from_content(model="canned", content=answer(i))
            state.output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
            return state

        return solve

    grader = get_model("openai-api/bench/judge-model", base_url=url, api_key="bench",
                       config=GenerateConfig(max_connections=concurrency, max_tokens=256, temperature=0.0,
                                             max_retries=2, timeout=60))
    samples = [Sample(id=i, input=question(i), target=target(i)) for i in range(n)]
    task = Task(dataset=samples, solver=canned(), scorer=model_graded_qa(template=TEMPLATE, instructions=INSTRUCTIONS, model=grader))
    with tempfile.TemporaryDirectory() as logs:
        cpu0 = _cpu()
        started = time.perf_counter()
        [log] = eval(task, model="mockllm/model", display="none", log_dir=logs, max_samples=2 * concurrency,
                     max_connections=concurrency)
        seconds = time.perf_counter() - started
        cpu = _cpu() - cpu0
        scored = log.results.completed_samples if log.results else 0
        grades: dict[str, int] = {}
        for sample in log.samples or []:  # read while the log file is still there
            score = (sample.scores or {}).get("model_graded_qa")
            key = str(score.value) if score is not None else "none"
            grades[key] = grades.get(key, 0) + 1
    print(json.dumps(_row("inspect model_graded_qa", n, concurrency, latency, seconds, cpu, calls=n, status=log.status,
                          scored=scored, grades=grades, inspect_version=_version("inspect_ai"))))


def _version(package: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(package)
    except Exception:
        return None


def run_inspect(python: str, url: str, n: int, concurrency: int, latency: float, server_pid: int) -> dict[str, Any] | str:
    check = subprocess.run([python, "-c", "import inspect_ai"], capture_output=True, check=False)
    if check.returncode != 0:
        return f"skipped: {python} has no inspect_ai (pip install -e '.[bench]', or --inspect-python PATH)"
    env = {**os.environ, "BENCH_API_KEY": "bench", "INSPECT_LOG_LEVEL": "warning"}
    before = server_cpu(server_pid)
    proc = subprocess.run([python, str(Path(__file__).resolve()), "--inspect-worker", "--url", url, "--n", str(n),
                           "--concurrency", str(concurrency), "--latency", str(latency)],
                          capture_output=True, text=True, env=env, check=False, timeout=3600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return f"failed: {proc.stderr[-2000:] or proc.stdout[-2000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    after = server_cpu(server_pid)
    result["server_cpu_us_per_call"] = (after - before) / n * 1e6 if before is not None and after is not None else None
    return result


# -- report --------------------------------------------------------------------------------------------


def _fmt(v: Any, width: int, spec: str) -> str:
    return f"{'-':>{width}}" if v is None else f"{v:>{width}{spec}}"


def print_table(rows: list[dict[str, Any]], notes: list[str], concurrency: int, latency: float) -> None:
    print(f"\nJudging: {rows[0]['n']:,} calls, concurrency {concurrency}, server latency {latency * 1000:.0f} ms, "
          f"ideal {concurrency / latency:,.0f} calls/s")
    head = (f"{'run':<26}{'seconds':>9}{'calls/s':>10}{'of ideal':>10}{'overhead ms/call':>18}"
            f"{'client CPU µs/call':>20}{'server CPU µs/call':>20}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['run']:<26}{r['seconds']:>9.2f}{r['per_second']:>10,.0f}{_fmt(r['of_ideal'], 10, '.1%')}"
              f"{_fmt(r['overhead_ms_per_call'], 18, '.2f')}{_fmt(r['client_cpu_us_per_call'], 20, '.0f')}"
              f"{_fmt(r.get('server_cpu_us_per_call'), 20, '.0f')}")
    by = {r["run"]: r for r in rows}
    cold, cached, insp = by.get("assay (cold)"), by.get("assay (cached)"), by.get("inspect model_graded_qa")
    if cold and cached:
        print(f"cached re-run: {cached['seconds']:.2f} s, {cold['seconds'] / cached['seconds']:.1f}x faster than cold "
              f"({cached['cache_hits']:,} cache hits, {cached['calls']} calls)")
    if cold and insp:
        print(f"inspect / assay: {insp['seconds'] / cold['seconds']:.2f}x the time for the same gradings")
    for note in notes:
        print(f"note: {note}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--quick", action="store_true", help="300 calls, no Inspect (smoke test)")
    ap.add_argument("--no-inspect", action="store_true")
    ap.add_argument("--inspect-python", default=sys.executable, help="a Python with inspect-ai (default: this one)")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--inspect-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inspect_worker:
        inspect_worker(args.url, args.n, args.concurrency, args.latency)
        return
    if args.quick:
        args.n, args.no_inspect = 300, True
    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()
    server, url = start_server(args.latency)
    notes: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows = run_assay(url, args.n, args.concurrency, args.latency, Path(tmp) / "cache.sqlite", server.pid)
        if not args.no_inspect:
            got = run_inspect(args.inspect_python, url, args.n, args.concurrency, args.latency, server.pid)
            if isinstance(got, str):
                notes.append(f"inspect {got}")
            else:
                rows.append(got)
    finally:
        server.terminate()
        server.wait(10)
    load_after = os.getloadavg()
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "load_before": load, "load_after": load_after, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    notes.append(f"load average before {load[0]:.2f}, after {load_after[0]:.2f} ({os.cpu_count()} cores)")
    print_table(rows, notes, args.concurrency, args.latency)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "concurrency": args.concurrency, "latency_s": args.latency,
                                         "rows": rows, "notes": notes}, indent=2))


if __name__ == "__main__":
    main()
