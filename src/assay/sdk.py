"""`assay.Client`: the Python SDK over the REST API, speaking pandas.

    from assay import Client
    client = Client("http://127.0.0.1:8000", token="assay_...")
    client.create_project(open("stem-rubric.yaml").read())
    client.import_file("stem-rubric", "responses.jsonl")
    df = client.judgements("stem-rubric")      # one row per answer: item, annotator, question, response, value
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import httpx

from assay.io.containers import detect_container


class AssayAPIError(RuntimeError):
    """The server said no; `status` is the HTTP status and `detail` what it explained."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class Client:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`base_url` defaults to `ASSAY_URL`, `token` to `ASSAY_TOKEN` (create one: assay user token NAME)."""
        base_url = base_url or os.environ.get("ASSAY_URL", "http://127.0.0.1:8000")
        token = token or os.environ.get("ASSAY_TOKEN")
        if not token:
            raise ValueError("an API token is needed: Client(token=...) or ASSAY_TOKEN (assay user token NAME)")
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        r = self._http.request(method, url, **kwargs)
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail")
            except ValueError:
                detail = r.text
            raise AssayAPIError(r.status_code, detail)
        return r.json() if r.content else None

    def projects(self) -> list[dict[str, Any]]:
        """Projects you can see, with their counts."""
        result: list[dict[str, Any]] = self._call("GET", "/projects")
        return result

    def project(self, slug: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}")
        return result

    def create_project(self, spec_yaml: str) -> dict[str, Any]:
        """Create a project from its YAML spec text."""
        result: dict[str, Any] = self._call(
            "POST", "/projects", content=spec_yaml.encode(), headers={"Content-Type": "application/yaml"}
        )
        return result

    def import_file(self, slug: str, path: str | Path, *, schema: str | None = None, skip_invalid: bool = False,
                    redact_pii: bool = False, detect_language: bool = False, drop_duplicates: bool = False,
                    check_math: bool = False) -> dict[str, Any]:
        """Upload a data file into a project: all or nothing unless `skip_invalid`. The preparation
        steps run on each item before it is stored, as `assay import --redact-pii ...` does."""
        path = Path(path)
        detect_container(path)  # a clear local error for an unsupported extension
        data: dict[str, str] = {"skip_invalid": str(skip_invalid).lower()}
        for name, on in (("redact_pii", redact_pii), ("detect_language", detect_language),
                         ("drop_duplicates", drop_duplicates), ("check_math", check_math)):
            if on:
                data[name] = "true"
        if schema:
            data["schema"] = schema
        with path.open("rb") as f:
            result: dict[str, Any] = self._call(
                "POST", f"/projects/{slug}/imports", files={"file": (path.name, f)}, data=data
            )
        return result

    def judgements(self, slug: str, *, page_size: int = 10_000) -> Any:
        """Every submitted answer as a pandas DataFrame (long form), fetched page by page."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        cursor: int | None = 0
        while cursor is not None:
            page = self._call("GET", f"/projects/{slug}/judgements", params={"cursor": cursor, "limit": page_size})
            rows.extend(page["rows"])
            cursor = page["next_cursor"]
        columns = ["item", "annotator", "question", "response", "value", "submitted_at"]
        return pd.DataFrame(rows, columns=columns)

    def export(self, slug: str, out: str | Path, *, kind: str, schema: str, container: str | None = None,
               **options: Any) -> dict[str, Any]:
        """Training data built from judgements, as `assay export --as KIND` writes it: the file(s) at
        ``out`` (``out-train.jsonl``… with a split; a directory for ``container="hf"``) and
        ``out.manifest.json`` beside them, whose parsed JSON is returned. ``options`` are the CLI's
        flags with underscores: ``per="judgement"``, ``min_confidence=0.8``, ``exclude_flags=["unsafe"]``,
        ``split="train=0.9,test=0.1"``, ``seed=7``, ``from_ratings="correctness"``, ``metadata=False``…"""
        import json
        import tempfile
        import zipfile

        out = Path(out)
        if container is None:
            container = "hf" if not out.suffix else detect_container_name(out)
        params = _params(**{"as": kind, "schema": schema, "container": container, "name": out.stem if out.suffix
                            else out.name}, **options)
        target = out.parent
        manifest: dict[str, Any] = {}
        # Streamed to a temporary file: an export can be larger than memory.
        with tempfile.TemporaryFile() as buffer:
            with self._http.stream("GET", f"/projects/{slug}/exports", params=params) as r:
                if r.status_code >= 400:
                    r.read()
                    try:
                        detail = r.json().get("detail")
                    except ValueError:
                        detail = r.text
                    raise AssayAPIError(r.status_code, detail)
                for chunk in r.iter_bytes(1 << 20):
                    buffer.write(chunk)
            buffer.seek(0)
            with zipfile.ZipFile(buffer) as z:
                for member in z.namelist():
                    parts = Path(member).parts
                    if Path(member).is_absolute() or ".." in parts or not parts:
                        raise AssayAPIError(200, f"refusing to unpack {member!r} outside {target}")
                z.extractall(target)
                for member in z.namelist():
                    if member.endswith(".manifest.json") and "/" not in member:
                        manifest = json.loads(z.read(member))
        return manifest

    # -- quality -------------------------------------------------------------------------------

    def quality(self, slug: str, *, n_boot: int | None = None, seed: int | None = None,
                method: str | None = None) -> dict[str, Any]:
        """Agreement per question, domain and annotator pair with bootstrap intervals, the most
        disputed items and the consensus table's state: what `assay quality report --json` prints."""
        params = {k: v for k, v in {"n_boot": n_boot, "seed": seed, "method": method}.items() if v is not None}
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}/quality", params=params)
        return result

    def scorecards(self, slug: str, *, method: str | None = None) -> Any:
        """Annotator scorecards as a pandas DataFrame, one row per person, most flagged first (the
        figures of `assay quality scorecards --json`, flattened; `flags` is a list of codes and
        `flag_details` the reasons)."""
        import pandas as pd

        params = {"method": method} if method else {}
        cards = self._call("GET", f"/projects/{slug}/scorecards", params=params)["scorecards"]
        return pd.DataFrame([_scorecard_row(c) for c in cards], columns=SCORECARD_COLUMNS)

    def calibration(self, slug: str, *, round: int | None = None) -> dict[str, Any]:
        """Calibration rounds: per person agreement with gold and the group, change, disputed items."""
        params = {"round": round} if round is not None else {}
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}/calibration", params=params)
        return result

    def compute_consensus(self, slug: str, *, method: str = "dawid-skene", rating_method: str = "labels",
                          threshold: float = 0.7, seed: int = 0) -> dict[str, Any]:
        """Compute consensus for every item and question and store it (adjudicated answers are kept);
        returns what was written and how many answers fall below ``threshold`` confidence."""
        body = {"method": method, "rating_method": rating_method, "threshold": threshold, "seed": seed}
        result: dict[str, Any] = self._call("POST", f"/projects/{slug}/consensus", json=body)
        return result

    # -- models in the loop --------------------------------------------------------------------

    def leaderboard(self, slug: str, *, source: str | None = None, criterion: str | None = None,
                    domain: str | None = None, n_boot: int = 1000, seed: int = 0, baseline: str | None = None,
                    style: bool = False, pointwise: bool = False) -> dict[str, Any]:
        """Bradley-Terry leaderboard per criterion (people's comparisons, or a judge run's with
        `source`), or models ranked by mean score with `pointwise`: what `assay eval leaderboard
        --json` prints."""
        params = _params(source=source, criterion=criterion, domain=domain, n_boot=n_boot, seed=seed,
                         baseline=baseline, style=style or None, pointwise=pointwise or None)
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}/models/leaderboard", params=params)
        return result

    def model_scores(self, slug: str, *, source: str | None = None, criterion: str | None = None,
                     domain: str | None = None, by_domain: bool = False, threshold: float | None = None,
                     n_boot: int = 1000, seed: int = 0) -> Any:
        """Mean score (and pass rate with `threshold`) per model x criterion (x domain) with 95%
        bootstrap intervals, as a pandas DataFrame."""
        import pandas as pd

        params = _params(source=source, criterion=criterion, domain=domain, by_domain=by_domain or None,
                         threshold=threshold, n_boot=n_boot, seed=seed)
        return pd.DataFrame(self._call("GET", f"/projects/{slug}/models/scores", params=params)["rows"])

    def compare_models(self, slug: str, model_a: str, model_b: str, *, source: str | None = None,
                       criterion: str | None = None, threshold: float | None = None, seed: int = 0) -> dict[str, Any]:
        """Is `model_b` better than `model_a` on the same items: paired difference with interval and
        p-value per criterion, McNemar with `threshold`, their head-to-head record."""
        params = _params(a=model_a, b=model_b, source=source, criterion=criterion, threshold=threshold, seed=seed)
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}/models/compare", params=params)
        return result

    def model_failures(self, slug: str, *, source: str | None = None, domain: str | None = None,
                       n_boot: int = 1000, seed: int = 0) -> Any:
        """Failure-type rates per model with intervals, as a pandas DataFrame."""
        import pandas as pd

        params = _params(source=source, domain=domain, n_boot=n_boot, seed=seed)
        return pd.DataFrame(self._call("GET", f"/projects/{slug}/models/failures", params=params)["rows"])

    def judge_calibration(self, slug: str, *, judges: list[str] | None = None, target: float = 0.9,
                          n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
        """Judges against people's consensus: agreement, confusion, position / length / self-preference
        bias and the coverage-accuracy curve; what `assay judge calibrate --json` prints."""
        params = _params(judge=judges, target=target, n_boot=n_boot, seed=seed)
        result: dict[str, Any] = self._call("GET", f"/projects/{slug}/judges/calibration", params=params)
        return result

    def import_results(self, slug: str, path: str | Path, schema: str, *, results: str | Path | None = None,
                       batch_input: str | Path | None = None) -> dict[str, Any]:
        """Import another tool's results (schema inspect, lm-eval, promptfoo or openai-batch): items,
        responses, and scores as an imported run that the evaluation reads as a source."""
        with contextlib.ExitStack() as stack:
            files = {key: (Path(value).name, stack.enter_context(Path(value).open("rb")))
                     for key, value in (("file", path), ("results", results), ("batch_input", batch_input))
                     if value is not None}
            result: dict[str, Any] = self._call("POST", f"/projects/{slug}/result-imports", files=files,
                                                data={"schema": schema})
        return result

    def runs(self, slug: str) -> list[dict[str, Any]]:
        """The project's model runs (judging, generating, imported) with their totals."""
        result: list[dict[str, Any]] = self._call("GET", f"/projects/{slug}/runs")
        return result

    def run(self, run_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/runs/{run_id}")
        return result

    def start_judge_run(self, slug: str, judge: str, *, questions: list[str] | None = None,
                        both_orders: bool | None = None, limit: int | None = None, wait: bool = True,
                        poll_seconds: float = 1.0) -> dict[str, Any]:
        """Start (or resume) a judge run on the server with an endpoint from its models file; with
        `wait`, poll until the run is no longer running and return it."""
        body = {"judge": judge, "questions": questions or [], "both_orders": both_orders, "limit": limit}
        run: dict[str, Any] = self._call("POST", f"/projects/{slug}/judge-runs", json=body)
        return self._wait(run, poll_seconds) if wait else run

    def start_generation(self, slug: str, model: str, *, samples: int = 1, temperature: float | None = None,
                         max_tokens: int | None = None, seed: int | None = None, limit: int | None = None,
                         wait: bool = True, poll_seconds: float = 1.0) -> dict[str, Any]:
        """Start (or resume) a generation run on the server: the model's answers become responses."""
        body = {"model": model, "samples": samples, "temperature": temperature, "max_tokens": max_tokens,
                "seed": seed, "limit": limit}
        run: dict[str, Any] = self._call("POST", f"/projects/{slug}/generate-runs", json=body)
        return self._wait(run, poll_seconds) if wait else run

    def _wait(self, run: dict[str, Any], poll_seconds: float) -> dict[str, Any]:
        import time

        while run["status"] == "running":
            time.sleep(poll_seconds)
            run = self.run(run["id"])
        return run


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def detect_container_name(path: Path) -> str:
    """The container an output name asks for (".json" is a JSON array, whatever is there now)."""
    return "json" if path.suffix.lower() == ".json" else detect_container(path)


SCORECARD_COLUMNS = [
    "rank", "username", "display_name", "org", "judgements", "answers", "gold_accuracy", "gold_low", "gold_high",
    "gold_n", "agreement", "agreement_n", "kappa", "median_seconds", "too_fast_share", "reviews", "rejection_rate",
    "straightlining_share", "straightlining_question", "copies", "copies_share", "drift_first", "drift_second",
    "drift_change", "drift_p_value", "flags", "flag_details",
]


def _scorecard_row(c: dict[str, Any]) -> dict[str, Any]:
    gold, straight, copies, drift = c["gold"], c.get("straightlining") or {}, c.get("copies") or {}, c.get("drift") or {}
    return {
        "rank": c["rank"], "username": c["username"], "display_name": c["display_name"], "org": c["org"],
        "judgements": c["judgements"], "answers": c["answers"], "gold_accuracy": gold["value"],
        "gold_low": gold["ci_low"], "gold_high": gold["ci_high"], "gold_n": gold["n"], "agreement": c["agreement"],
        "agreement_n": c["agreement_n"], "kappa": c["kappa"], "median_seconds": c["median_seconds"],
        "too_fast_share": c["too_fast_share"], "reviews": c["reviews"], "rejection_rate": c["rejection_rate"],
        "straightlining_share": straight.get("share"), "straightlining_question": straight.get("question"),
        "copies": copies.get("copies"), "copies_share": copies.get("share"), "drift_first": drift.get("first"),
        "drift_second": drift.get("second"), "drift_change": drift.get("change"), "drift_p_value": drift.get("p_value"),
        "flags": [f["code"] for f in c["flags"]], "flag_details": [f["detail"] for f in c["flags"]],
    }
