"""`import_file`: one file into one project, all or nothing.

The whole import is one write transaction. Every record is read, parsed by its schema and validated
against the project spec; bad records are collected with their file, line and field. If any record is
bad and `skip_invalid` is off, the transaction is rolled back and nothing is imported; with
`skip_invalid` the good records land and the bad ones are written with their reasons to a rejects file.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.io._item_sink import ItemSink
from assay.io._judgement_sink import JudgementSink
from assay.io._parse_worker import PARALLEL_MIN_BYTES, ParseWorker
from assay.io.containers import RecordSource, SourceRecord, open_source, open_writer
from assay.io.schemas import ItemRecord, RecordError, RecordSchema, detect_schema, get_schema
from assay.store import Database, ImportRun
from assay.store.projects import get_project, load_project_spec

BATCH = 2000
DETECT_SAMPLE = 20
KEEP_ISSUES = 1000
ProgressFn = Callable[[int, int | None], None]


@dataclass
class RecordIssue:
    """A record that could not be imported, and why."""

    number: int
    field: str | None
    message: str

    def format(self, path: str, location: str) -> str:
        where = f"field '{self.field}': " if self.field else ""
        return f"{path}:{location} {self.number}: {where}{self.message}"


@dataclass
class ImportReport:
    path: str
    container: str
    schema: str
    location: str
    records: int = 0
    items_added: int = 0
    items_existing: int = 0
    responses_added: int = 0
    responses_existing: int = 0
    judgements_added: int = 0
    judgements_updated: int = 0
    answers: int = 0
    users_added: int = 0
    rejected: int = 0
    issues: list[RecordIssue] = field(default_factory=list)
    rejects_path: str | None = None
    import_id: int | None = None
    committed: bool = False
    dry_run: bool = False
    seconds: float = 0.0
    prep: dict[str, Any] = field(default_factory=dict)
    """What the preparation steps did (`prep=` of `import_file`): PII redacted, languages, duplicates."""

    def issue_lines(self, limit: int | None = None) -> list[str]:
        shown = self.issues if limit is None else self.issues[:limit]
        return [i.format(self.path, self.location) for i in shown]


class ImportFailed(Exception):
    """Bad records and no `skip_invalid`: nothing was imported. The report lists every problem."""

    def __init__(self, report: ImportReport) -> None:
        n = report.rejected
        super().__init__(f"{report.path}: {n} bad record{'s' if n != 1 else ''}; nothing was imported")
        self.report = report


class _Rollback(Exception):
    pass


class FileDigest:
    """SHA-256 of the file for lineage, computed on a thread while the import reads the file:
    hashlib releases the GIL on large blocks, so it costs the import nothing."""

    def __init__(self, path: Path) -> None:
        self._hex = ""
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        h = hashlib.sha256()
        # A dataset directory (Hugging Face save_to_disk): its files in name order, each name first.
        for file in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            if path.is_dir():
                h.update(str(file.relative_to(path)).encode() + b"\0")
            with file.open("rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        self._hex = h.hexdigest()

    def result(self) -> str:
        self._thread.join()
        return self._hex


class _Rejects:
    """Bad records: counted, the first ones kept for the report, all written to the rejects file."""

    def __init__(self, report: ImportReport, path: Path | None, location: str) -> None:
        self.report = report
        self.location = location
        self.writer = open_writer(path, "jsonl") if path else None

    def add(self, number: int, raw: dict[str, Any] | None, fld: str | None, message: str) -> None:
        self.report.rejected += 1
        if len(self.report.issues) < KEEP_ISSUES:
            self.report.issues.append(RecordIssue(number, fld, message))
        if self.writer is not None:
            self.writer.write({self.location: number, "field": fld, "error": message, "record": raw})

    def finish(self, keep: bool) -> None:
        if self.writer is None:
            return
        if keep and self.report.rejected:
            self.writer.close()
        else:
            self.writer.abort()


def import_file(
    db: Database,
    project: str,
    path: str | Path,
    *,
    container: str | None = None,
    schema: str | None = None,
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    rejects_path: str | Path | None = None,
    dry_run: bool = False,
    sheet: str | None = None,
    progress: ProgressFn | None = None,
    created_by: int | None = None,
    parallel: bool | None = None,
    prep: Any = None,
) -> ImportReport:
    """Import `path` into `project`. Raises ImportFailed (having imported nothing) on bad records
    unless `skip_invalid`; then the rejects go to `rejects_path` (default: `<file>.rejects.jsonl`).
    `parallel`: parse items in a second process (default: for files of 32 MB and more).
    `prep`: a callable applied to each parsed item before it is stored (None leaves it out), with a
    `summary()` for the report — `assay.prep.ImportPrep`."""
    path = Path(path)
    if not (path.is_file() or path.is_dir()):
        raise FileNotFoundError(f"{path}: no such file")
    started = time.perf_counter()
    digest = FileDigest(path)
    with db.session() as session:
        spec = load_project_spec(session, get_project(session, project))
    with open_source(path, container, sheet=sheet) as source:
        head, rest = _peek(source)
        chosen = _choose_schema(schema, mapping, [r.data for r in head if r.data is not None])
        if parallel is None:
            parallel = path.is_file() and path.stat().st_size >= PARALLEL_MIN_BYTES
        if prep is not None:
            parallel = False  # the steps run on parsed records, in this process
        worker = None
        if parallel and chosen.produces == "items":
            worker = ParseWorker(path, container=container, sheet=sheet, schema_name=chosen.name,
                                 mapping=mapping, spec=spec, batch_size=BATCH)
        report = ImportReport(str(path), source.container, chosen.name, source.location, dry_run=dry_run)
        if skip_invalid:
            rejects = Path(rejects_path) if rejects_path else path.with_name(path.name + ".rejects.jsonl")
        else:
            rejects = None
        sink_errors = _Rejects(report, rejects, source.location)
        try:
            with db.write_session() as session:
                proj = get_project(session, project)
                run = ImportRun(
                    project_id=proj.id,
                    source=str(path.resolve()),
                    sha256="",
                    container=source.container,
                    schema=chosen.name,
                    created_by=created_by,
                )
                session.add(run)
                session.flush()
                sink: ItemSink | JudgementSink
                if chosen.produces == "judgements":
                    sink = JudgementSink(session, proj.id, spec, proj.current_spec_version, run.id, path.name)
                else:
                    sink = ItemSink(session.connection(), proj.id, spec, run.id)
                if worker is not None and isinstance(sink, ItemSink):
                    _pump_from_worker(worker, sink, sink_errors, report, progress)
                else:
                    _pump(source, itertools.chain(head, rest), chosen, sink, sink_errors, report, progress, prep)
                _collect(sink, report)
                if prep is not None:
                    report.prep = prep.summary()
                if chosen.produces == "items+judgements":
                    # Tools' exports (Label Studio, Argilla): the items are in; now their annotations,
                    # through the judgement path, for the questions this project has.
                    judgements = JudgementSink(session, proj.id, spec, proj.current_spec_version, run.id, path.name)
                    with open_source(path, container, sheet=sheet) as again:
                        _pump_judgements(again, chosen, judgements, sink_errors, {q.key for q in spec.questions})
                    _collect(judgements, report)
                if report.rejected and not skip_invalid:
                    raise _Rollback
                if dry_run:
                    raise _Rollback
                run.sha256 = digest.result()
                run.records = report.records
                run.items_added = report.items_added
                run.responses_added = report.responses_added
                run.judgements_added = report.judgements_added
                run.rejected = report.rejected
                report.import_id = run.id
        except _Rollback:
            sink_errors.finish(keep=False)
            report.seconds = time.perf_counter() - started
            if report.rejected and not skip_invalid:
                raise ImportFailed(report) from None
            return report
        except BaseException:
            sink_errors.finish(keep=False)
            raise
        finally:
            if worker is not None:
                worker.close()
    sink_errors.finish(keep=True)
    report.rejects_path = str(rejects) if rejects and report.rejected else None
    report.committed = True
    report.seconds = time.perf_counter() - started
    return report


def _peek(source: RecordSource) -> tuple[list[SourceRecord], Iterator[SourceRecord]]:
    """The first records, kept to detect the schema and then imported like the rest."""
    head: list[SourceRecord] = []
    rest = iter(source)
    good = 0
    for rec in rest:
        head.append(rec)
        good += rec.data is not None
        if good >= DETECT_SAMPLE:
            break
    return head, rest


def _choose_schema(name: str | None, mapping: Mapping[str, str] | None, sample: list[dict[str, Any]]) -> RecordSchema:
    if mapping:
        return get_schema("generic", mapping)
    if name:
        return get_schema(name)
    return detect_schema(sample)


def _pump(
    source: RecordSource,
    records: Iterable[SourceRecord],
    schema: RecordSchema,
    sink: ItemSink | JudgementSink,
    rejects: _Rejects,
    report: ImportReport,
    progress: ProgressFn | None,
    prep: Any = None,
) -> None:
    for rec in records:
        report.records += 1
        if rec.data is None:
            rejects.add(rec.number, None, rec.field, rec.error or "unreadable record")
            continue
        try:
            parsed = schema.parse(rec.data)
            if prep is not None and isinstance(parsed, ItemRecord):
                parsed = prep(parsed)
                if parsed is None:
                    continue
            sink.add(rec.number, rec.data, parsed)
        except RecordError as e:
            rejects.add(rec.number, rec.data, e.field, e.message)
            continue
        if len(sink.pending) >= BATCH:
            _flush(sink, rejects)
            if progress:
                progress(source.progress, source.total)
    _flush(sink, rejects)
    if progress:
        progress(source.total or source.progress, source.total)


def _pump_judgements(
    source: RecordSource, schema: RecordSchema, sink: JudgementSink, rejects: _Rejects, questions: set[str]
) -> None:
    """Judgements of records already imported as items; bad records were reported by the item pass."""
    judgements_of = getattr(schema, "judgements")  # noqa: B009 - only "items+judgements" schemas have it
    for rec in source:
        if rec.data is None:
            continue
        try:
            found = judgements_of(rec.data)
        except RecordError:
            continue
        try:
            for judgement in found:
                if judgement.question in questions:
                    sink.add(rec.number, rec.data, judgement)
        except RecordError as e:
            rejects.add(rec.number, rec.data, e.field, e.message)
        if len(sink.pending) >= BATCH:
            _flush(sink, rejects)
    _flush(sink, rejects)


def _pump_from_worker(
    worker: ParseWorker, sink: ItemSink, rejects: _Rejects, report: ImportReport, progress: ProgressFn | None
) -> None:
    for batch in worker:
        report.records += batch.records
        for number, raw, fld, message in batch.errors:
            rejects.add(number, raw, fld, message)
        sink.write(batch.items)
        if progress:
            progress(batch.progress, batch.total)


def _flush(sink: ItemSink | JudgementSink, rejects: _Rejects) -> None:
    for number, raw, err in sink.flush():
        rejects.add(number, raw, err.field, err.message)


def _collect(sink: ItemSink | JudgementSink, report: ImportReport) -> None:
    if isinstance(sink, ItemSink):
        report.items_added = sink.items_added
        report.items_existing = sink.items_existing
        report.responses_added = sink.responses_added
        report.responses_existing = sink.responses_existing
    else:
        report.judgements_added = sink.judgements_added
        report.judgements_updated = sink.judgements_updated
        report.answers = sink.answers
        report.users_added = sink.users_added
    report.issues.sort(key=lambda i: i.number)
