"""Parsing large item files in a second process.

Reading, parsing, validating and hashing records is Python work that holds the GIL, and so is most of
feeding rows to the database driver; threads cannot overlap them (measured: no gain). A worker
process can: it reads the file and sends prepared items (plain tuples, cheap to pickle) through a
short queue, while this process only looks keys up and inserts. Errors travel with their record
number and the raw record, so the report and the rejects file are the same as in-process.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from assay.io._item_sink import ItemPreparer, PreparedItem
from assay.io.containers import open_source
from assay.io.schemas import RecordError, get_schema
from assay.spec import ProjectSpec

# Below this size the second process's start-up (importing Assay, ~0.5 s) costs more than it saves.
PARALLEL_MIN_BYTES = 32 << 20


@dataclass
class WorkerBatch:
    items: list[PreparedItem] = field(default_factory=list)
    errors: list[tuple[int, dict[str, Any] | None, str | None, str]] = field(default_factory=list)
    records: int = 0
    progress: int = 0
    total: int | None = None


@dataclass
class _Done:
    pass


@dataclass
class _Failed:
    error: BaseException


def _run(
    path: str,
    container: str | None,
    sheet: str | None,
    schema_name: str,
    mapping: dict[str, str] | None,
    spec_json: dict[str, Any],
    out: BinaryIO,
    batch_size: int,
) -> None:
    def send(msg: Any) -> None:
        pickle.dump(msg, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        preparer = ItemPreparer(ProjectSpec.model_validate(spec_json))
        schema = get_schema(schema_name, mapping)
        with open_source(path, container, sheet=sheet) as source:
            batch = WorkerBatch(total=source.total)
            for rec in source:
                batch.records += 1
                if rec.data is None:
                    batch.errors.append((rec.number, None, rec.field, rec.error or "unreadable record"))
                else:
                    try:
                        batch.items.append(preparer.prepare(schema.parse(rec.data)))
                    except RecordError as e:
                        batch.errors.append((rec.number, rec.data, e.field, e.message))
                if len(batch.items) + len(batch.errors) >= batch_size:
                    batch.progress = source.progress
                    send(batch)
                    batch = WorkerBatch(total=source.total)
            batch.progress = source.total or source.progress
            send(batch)
        send(_Done())
    except BaseException as e:
        try:
            send(_Failed(e))
        except Exception:  # an exception that does not pickle still reaches the user as text
            send(_Failed(RuntimeError(f"{type(e).__name__}: {e}")))
    out.flush()


def main() -> None:
    """Entry point of the worker process: arguments arrive pickled on stdin, batches leave on stdout."""
    path, container, sheet, schema_name, mapping, spec_json, batch_size = pickle.load(sys.stdin.buffer)
    _run(path, container, sheet, schema_name, mapping, spec_json, sys.stdout.buffer, batch_size)


class ParseWorker:
    """A process that parses `path` and yields `WorkerBatch`es in file order.

    A plain subprocess running `main()`, not multiprocessing: spawn would
    re-import the caller's `__main__`, which breaks any script without a main guard, and fork would
    copy this process's database connections and threads. The pipe's buffer bounds memory: the
    worker blocks when it is more than a batch or two ahead."""

    def __init__(
        self,
        path: Path,
        *,
        container: str | None,
        sheet: str | None,
        schema_name: str,
        mapping: Mapping[str, str] | None,
        spec: ProjectSpec,
        batch_size: int,
    ) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker; closed in close()
        self._proc = subprocess.Popen(
            # -c, not -m: as __main__ the batch classes would pickle under the wrong module name.
            [sys.executable, "-c", "from assay.io._parse_worker import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        assert self._proc.stdin is not None
        args = (str(path), container, sheet, schema_name, dict(mapping) if mapping else None,
                spec.to_json_dict(), batch_size)
        pickle.dump(args, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._proc.stdin.close()

    def __iter__(self) -> Iterator[WorkerBatch]:
        assert self._proc.stdout is not None
        while True:
            try:
                msg = pickle.load(self._proc.stdout)
            except EOFError:
                code = self._proc.wait()
                self._stderr.seek(0)
                tail = self._stderr.read().decode(errors="replace").strip().splitlines()[-3:]
                raise RuntimeError(f"the import's parser process stopped (exit code {code}): {' | '.join(tail)}") from None
            if isinstance(msg, _Failed):
                raise msg.error
            if isinstance(msg, _Done):
                return
            yield msg

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()
