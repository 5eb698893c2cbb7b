"""Inspect AI evaluation logs, `.json` and `.eval`, read without Inspect itself.

A `.json` log is one JSON object (`eval`, `results`, ..., `samples`); it is streamed with ijson, so a log
of any size costs the memory of one sample. A `.eval` log is a zip archive: `header.json` (or, for a
log whose run was cut short, `_journal/start.json`), then one `samples/<id>_epoch_<n>.json` entry per
sample and epoch.

Mapping (see docs/design/eval-imports.md):
- a sample is an item, identified as `inspect/<task>/<sample id>`: `input` (text or chat messages) is the
  prompt, `target` the reference, `metadata` kept (with the choices, if any);
- each epoch's output (`output.completion`, else the last assistant message) is one response of
  `eval.model`, identified by eval id, sample id and epoch;
- each score is a verdict of the run `inspect: <task>`, criterion = scorer name (a dict value gives one
  criterion per key, `scorer.key`), value as written, number per Inspect's `value_to_float` (C/I/P/N =
  1/0/0.5/0), explanation as the reasoning.
Long strings Inspect moved to `attachments` (`attachment://<hash>`) are put back.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from assay.evals.imports._errors import EvalImportError
from assay.evals.imports._records import BadRecord, EvalRecord, ScoredResponse, ScoreRecord
from assay.evals.imports._source import EvalSource
from assay.evals.imports._values import content_text, criterion_name, external_id, value_to_float
from assay.evals.imports._zip import ZipEntryError, read_entry
from assay.io.schemas import ItemRecord, RecordError, ResponseRecord
from assay.io.schemas._common import split_prompt

_ATTACHMENT = "attachment://"


class InspectLog(EvalSource):
    schema = "inspect"
    tool = "inspect"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._zip: zipfile.ZipFile | None = None
        self._file: IO[bytes] | None = None
        if path.suffix.lower() == ".eval":
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as e:
                raise EvalImportError(str(path), f"not an Inspect .eval log (a zip archive): {e}") from None
            header = self._zip_header()
            self._entries = [i for i in self._zip.infolist()
                             if i.filename.startswith("samples/") and i.filename.endswith(".json")]
            self.total = len(self._entries)
        else:
            self._file = path.open("rb")
            header = self._json_header()
            self.total = path.stat().st_size
        evaluation = header.get("eval")
        if not isinstance(evaluation, dict):
            raise EvalImportError(str(path), "not an Inspect log: no 'eval' header", field="eval")
        self.eval = evaluation
        self.status = header.get("status")
        for key in ("task", "model"):
            if not isinstance(evaluation.get(key), str) or not evaluation[key]:
                raise EvalImportError(str(path), "is missing from the log's header", field=f"eval.{key}")
        self._task: str = evaluation["task"]
        self.model: str = evaluation["model"]
        self.eval_id = str(evaluation.get("eval_id") or evaluation.get("run_id") or evaluation.get("created") or "")

    @property
    def container(self) -> str:
        return "eval" if self._zip is not None else "json"

    @property
    def task(self) -> str:
        return self._task

    def describe(self) -> dict[str, Any]:
        return {"model": self.model, "eval_id": self.eval_id, "status": self.status,
                "created": self.eval.get("created")}

    # -- headers -------------------------------------------------------------------------------------

    def _zip_header(self) -> dict[str, Any]:
        assert self._zip is not None
        names = set(self._zip.namelist())
        for name in ("header.json", "_journal/start.json"):
            if name in names:
                return self._zip_json(name)
        raise EvalImportError(str(self.path), "not an Inspect .eval log: no header.json or _journal/start.json entry")

    def _zip_json(self, name: str) -> dict[str, Any]:
        assert self._zip is not None
        try:
            data = orjson.loads(read_entry(self._zip, self._zip.getinfo(name)))
        except ZipEntryError as e:
            raise EvalImportError(str(self.path), str(e), location=f"entry {name}") from None
        except orjson.JSONDecodeError as e:
            raise EvalImportError(str(self.path), f"not valid JSON: {e}", location=f"entry {name}") from None
        if not isinstance(data, dict):
            raise EvalImportError(str(self.path), "expected a JSON object", location=f"entry {name}")
        return data

    def _json_header(self) -> dict[str, Any]:
        assert self._file is not None
        header: dict[str, Any] = {}
        try:
            # The header keys come before `samples` in every log Inspect writes: stop at `samples`.
            for key, value in ijson.kvitems(self._file, "", use_float=True):
                if key == "samples":
                    break
                if key in ("eval", "status"):
                    header[key] = value
                if "eval" in header and "status" in header:
                    break
        except ijson.JSONError as e:
            raise EvalImportError(str(self.path), f"not valid JSON: {e}") from None
        return header

    # -- samples -------------------------------------------------------------------------------------

    def records(self) -> Iterator[EvalRecord | BadRecord]:
        if self._zip is not None:
            for info in self._entries:
                where = f"entry {info.filename}"
                try:
                    sample = orjson.loads(read_entry(self._zip, info))
                except ZipEntryError as e:
                    yield BadRecord(where, None, str(e))
                    continue
                except orjson.JSONDecodeError as e:
                    yield BadRecord(where, None, f"not valid JSON: {e}")
                    continue
                self.done += 1
                yield self._record(where, sample)
            return
        assert self._file is not None
        self._file.seek(0)
        try:
            for n, sample in enumerate(ijson.items(self._file, "samples.item", use_float=True), start=1):
                self.done = self._file.tell()
                yield self._record(f"sample {n}", sample)
        except ijson.JSONError as e:
            raise EvalImportError(str(self.path), f"not valid JSON: {e}") from None
        self.done = self.total or 0

    def _record(self, where: str, sample: Any) -> EvalRecord | BadRecord:
        try:
            return self._sample(where, sample)
        except RecordError as e:
            return BadRecord(where, e.field, e.message)

    def _sample(self, where: str, sample: Any) -> EvalRecord:
        if not isinstance(sample, dict):
            raise RecordError(None, f"expected a sample object, got {type(sample).__name__}")
        sid = sample.get("id")
        if not isinstance(sid, str | int) or isinstance(sid, bool) or sid == "":
            raise RecordError("id", "a sample needs an id (text or number)")
        epoch = sample.get("epoch", 1)
        if not isinstance(epoch, int) or isinstance(epoch, bool):
            raise RecordError("epoch", f"expected a whole number, got {epoch!r}")
        attachments = sample.get("attachments") or {}
        if not isinstance(attachments, dict):
            raise RecordError("attachments", "expected an object")

        def resolve(value: Any) -> Any:
            if isinstance(value, str) and value.startswith(_ATTACHMENT):
                return attachments.get(value[len(_ATTACHMENT):], value)
            return value

        item = ItemRecord(external_id=external_id(f"inspect/{self._task}/{sid}", "id"))
        raw_input = resolve(sample.get("input"))
        if isinstance(raw_input, str):
            if not raw_input.strip():
                raise RecordError("input", "is empty")
            item.prompt = raw_input
        elif isinstance(raw_input, list) and raw_input:
            split_prompt([_message(m, f"input.{i}", resolve) for i, m in enumerate(raw_input)], item)
        else:
            raise RecordError("input", "expected text or a non-empty list of chat messages")
        target = sample.get("target")
        if isinstance(target, list):
            item.reference = "\n".join(str(resolve(t)) for t in target) or None
        elif target is not None:
            item.reference = str(resolve(target)) or None
        meta = dict(sample.get("metadata") or {})
        if sample.get("choices"):
            meta["choices"] = sample["choices"]
        if isinstance(target, list) and len(target) > 1:
            meta["targets"] = target
        meta["inspect"] = {"task": self._task, "sample_id": sid}
        item.metadata = meta

        record = EvalRecord(where, item)
        text, reasoning = self._output(sample, resolve)
        if text is None:
            return record  # a sample that errored before answering: the item, no response
        rmeta: dict[str, Any] = {"inspect": {"eval_id": self.eval_id, "epoch": epoch}}
        if reasoning:
            rmeta["reasoning"] = reasoning
        if sample.get("error"):
            rmeta["error"] = _error_text(sample["error"])
        response = ResponseRecord(content=text, model=self.model, metadata=rmeta,
                                  external_id=external_id(f"inspect/{self.eval_id}/{sid}/{epoch}", "id"))
        record.responses.append(ScoredResponse(response, self._scores(sample.get("scores"), resolve)))
        return record

    def _output(self, sample: dict[str, Any], resolve: Any) -> tuple[str | None, str | None]:
        output = sample.get("output")
        reasoning: str | None = None
        if isinstance(output, dict):
            completion = resolve(output.get("completion"))
            choices = output.get("choices") or []
            if choices and isinstance(choices[0], dict) and isinstance(choices[0].get("message"), dict):
                _, reasoning = content_text(resolve(choices[0]["message"].get("content")), "output.choices.0.message.content")
            if isinstance(completion, str) and completion:
                return completion, reasoning
        for i in range(len(sample.get("messages") or []) - 1, -1, -1):
            msg = sample["messages"][i]
            if isinstance(msg, dict) and msg.get("role") == "assistant":
                return content_text(resolve(msg.get("content")), f"messages.{i}.content")
        if sample.get("error"):
            return None, None
        return "", reasoning

    def _scores(self, scores: Any, resolve: Any) -> list[ScoreRecord]:
        if scores is None:
            return []
        if not isinstance(scores, dict):
            raise RecordError("scores", f"expected an object of scores by scorer, got {type(scores).__name__}")
        out: list[ScoreRecord] = []
        for name, score in scores.items():
            field = f"scores.{name}"
            if not isinstance(score, dict) or "value" not in score:
                raise RecordError(field, "expected a score object with a value")
            value = score["value"]
            explanation = resolve(score.get("explanation"))
            reasoning = explanation if isinstance(explanation, str) and explanation else None
            if isinstance(value, dict):
                for key, part in value.items():
                    if part is None:
                        continue
                    out.append(ScoreRecord(criterion_name(f"{name}.{key}", f"{field}.value.{key}"), name, part,
                                           value_to_float(part), reasoning))
            elif value is not None:
                out.append(ScoreRecord(criterion_name(str(name), field), str(name), value, value_to_float(value),
                                       reasoning))
        return out

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._file is not None:
            self._file.close()


def _message(raw: Any, field: str, resolve: Any) -> dict[str, Any]:
    """An Inspect chat message as an OpenAI-style message dict."""
    if not isinstance(raw, dict):
        raise RecordError(field, f"expected a chat message object, got {type(raw).__name__}")
    role = raw.get("role")
    if role not in ("system", "user", "assistant", "tool"):
        raise RecordError(f"{field}.role", f"expected system, user, assistant or tool, got {role!r}")
    text, _ = content_text(resolve(raw.get("content")), f"{field}.content")
    out: dict[str, Any] = {"role": role, "content": text}
    calls = raw.get("tool_calls")
    if role == "assistant" and calls:
        # OpenAI's shape: arguments as a JSON string (Inspect keeps a dict).
        out["tool_calls"] = [
            {"id": c.get("id"), "type": "function",
             "function": {"name": c.get("function"), "arguments": orjson.dumps(c.get("arguments") or {}).decode()}}
            for c in calls if isinstance(c, dict)]
    if role == "tool" and raw.get("tool_call_id"):
        out["tool_call_id"] = raw["tool_call_id"]
    return out


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error)
