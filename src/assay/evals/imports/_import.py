"""`import_results`: another tool's results file into a project, all or nothing."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from assay.evals.imports._errors import EvalImportFailed, issue_line
from assay.evals.imports._records import BadRecord, EvalRecord
from assay.evals.imports._sink import EvalSink
from assay.evals.imports._source import EvalSource
from assay.judge._runs import finish_run, open_run
from assay.store import Database, ImportRun, ModelRun, RunKind, RunStatus
from assay.store.projects import get_project, load_project_spec

BATCH = 1000
KEEP_ISSUES = 1000
ProgressFn = Callable[[int, int | None], None]

SCHEMAS: dict[str, str] = {
    "inspect": "Inspect AI evaluation log (.eval or .json): samples, outputs and every scorer's scores.",
    "lm-eval": "lm-evaluation-harness samples_<task>_<time>.jsonl (--log_samples) with its results_<time>.json.",
    "promptfoo": "promptfoo results (promptfoo eval -o results.json, or .jsonl): outputs, pass/score, assertions.",
    "openai-batch": "OpenAI Batch API output file with its input file (--batch-input): responses only.",
}
"""Result files of other evaluation tools that `assay import --schema` takes."""


class EvalImportReport(BaseModel):
    """What an import of another tool's results did."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    path: str
    """The file imported."""
    record_schema: str
    """Its tool: inspect, lm-eval, promptfoo, openai-batch."""
    container: str
    """What the file is: eval (zip), json, jsonl."""
    run: str | None = None
    """The imported run holding the scores (the `--source` of `assay eval`); None for responses only."""
    records: int = 0
    """Samples, docs, results or lines read."""
    items_added: int = 0
    """New items."""
    items_existing: int = 0
    """Items of the file already in the project (from an earlier import)."""
    responses_added: int = 0
    """New responses."""
    responses_existing: int = 0
    """Responses already imported from this file before."""
    verdicts_added: int = 0
    """New scores, stored as verdicts of the run."""
    verdicts_existing: int = 0
    """Scores already imported from this file before."""
    without_response: int = 0
    """Records with no model output (a sample that errored, a failed request): item only."""
    notes: list[str] = Field(default_factory=list)
    """Located remarks that are not errors, e.g. a batch's failed requests (the first 1000)."""
    models: list[str] = Field(default_factory=list)
    """Models whose responses the file holds."""
    criteria: list[str] = Field(default_factory=list)
    """Criteria of the scores added."""
    import_id: int | None = None
    """The import's lineage row (`imports`)."""
    committed: bool = False
    """Whether anything was written (False on --dry-run)."""
    dry_run: bool = False
    """Validated only."""
    seconds: float = 0.0
    """Wall time."""


class _Rollback(Exception):
    pass


def open_results(schema: str, path: Path, *, results: Path | None = None, batch_input: Path | None = None) -> EvalSource:
    """The reader of `schema` over `path` (and its companion file)."""
    from assay.evals.imports._inspect import InspectLog
    from assay.evals.imports._lm_eval import LmEvalSamples
    from assay.evals.imports._openai_batch import OpenAIBatchOutput
    from assay.evals.imports._promptfoo import PromptfooResults

    name = schema.strip().lower().replace("_", "-")
    if name not in SCHEMAS:
        raise ValueError(f"unknown results schema {schema!r}; expected one of {', '.join(SCHEMAS)}")
    if results is not None and name != "lm-eval":
        raise ValueError("--results goes with --schema lm-eval (its results_<time>.json)")
    if batch_input is not None and name != "openai-batch":
        raise ValueError("--batch-input goes with --schema openai-batch (the batch's input file)")
    if name == "inspect":
        return InspectLog(path)
    if name == "lm-eval":
        return LmEvalSamples(path, results)
    if name == "promptfoo":
        return PromptfooResults(path)
    if batch_input is None:
        raise ValueError("--schema openai-batch needs the batch's input file (--batch-input FILE) for the prompts")
    return OpenAIBatchOutput(path, batch_input)


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def import_results(
    db: Database,
    project: str,
    path: str | Path,
    *,
    schema: str,
    results: str | Path | None = None,
    batch_input: str | Path | None = None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    created_by: int | None = None,
) -> EvalImportReport:
    """Import another tool's results: items, responses, and scores as verdicts of the run
    `<tool>: <task>`. All or nothing: any bad record raises `EvalImportFailed` listing every one, and
    nothing is written. Importing the same file again adds nothing."""
    path = Path(path)
    for p in (path, results, batch_input):
        if p is not None and not Path(p).is_file():
            raise FileNotFoundError(f"{p}: no such file")
    started = time.perf_counter()
    digest = file_sha256(path)
    with open_results(schema, path, results=Path(results) if results else None,
                      batch_input=Path(batch_input) if batch_input else None) as source:
        report = EvalImportReport(path=str(path), record_schema=source.schema, container=source.container,
                                  run=source.run_name, dry_run=dry_run)
        issues: list[str] = []
        bad = 0
        try:
            with db.write_session() as session:
                proj = get_project(session, project)
                spec = load_project_spec(session, proj)
                lineage = ImportRun(project_id=proj.id, source=str(path.resolve()), sha256=digest,
                                    container=source.container, schema=source.schema, created_by=created_by)
                session.add(lineage)
                session.flush()
                run = _open_run(session, proj.id, source, path, digest, created_by)
                sink = EvalSink(session.connection(), proj.id, spec, lineage.id, run.id if run else None)
                for record in source.records():
                    report.records += 1
                    problem = record if isinstance(record, BadRecord) else sink.add(record)
                    if problem is not None:
                        bad += 1
                        if len(issues) < KEEP_ISSUES:
                            issues.append(issue_line(str(path), problem))
                        continue
                    if isinstance(record, EvalRecord) and not record.responses:
                        report.without_response += 1
                    if len(sink.pending) >= BATCH:
                        sink.flush()
                        if progress:
                            progress(source.done, source.total)
                sink.flush()
                if progress:
                    progress(source.total or source.done, source.total)
                if bad or dry_run:
                    raise _Rollback
                if run is not None:
                    finish_run(session, run.id, RunStatus.finished)
                lineage.records = report.records
                lineage.items_added = sink.items_added
                lineage.responses_added = sink.responses_added
                report.import_id = lineage.id
                _fill(report, sink, source)
        except _Rollback:
            if bad:
                raise EvalImportFailed(str(path), report.records, bad, issues) from None
            _fill(report, sink, source)
            report.seconds = time.perf_counter() - started
            return report
    report.committed = True
    report.seconds = time.perf_counter() - started
    return report


def _fill(report: EvalImportReport, sink: EvalSink, source: EvalSource) -> None:
    report.notes = source.notes[:KEEP_ISSUES]
    report.items_added = sink.items_added
    report.items_existing = sink.items_existing
    report.responses_added = sink.responses_added
    report.responses_existing = sink.responses_existing
    report.verdicts_added = sink.verdicts_added
    report.verdicts_existing = sink.verdicts_existing
    report.models = sorted(sink.models)
    report.criteria = sorted(sink.criteria)


def _open_run(session: Session, project_id: int, source: EvalSource, path: Path, digest: str,
              created_by: int | None) -> ModelRun | None:
    """The project's run of this tool and task, made on the first import. One run per task (not per
    file) so several models' logs of the same task are one source that `assay eval compare` and the
    leaderboard rank together; the files it was filled from are listed in its configuration."""
    if source.run_name is None:
        return None
    identity: dict[str, Any] = {"kind": "imported", "tool": source.tool, "task": source.task}
    run, _ = open_run(session, project_id, RunKind.imported, source.run_name, identity, endpoint=None, model=None,
                      user_id=created_by)
    files = [f for f in (run.config or {}).get("files", []) if f.get("sha256") != digest]
    files.append({"source": path.name, "sha256": digest, **source.describe()})
    run.config = {**identity, "files": files}
    return run
