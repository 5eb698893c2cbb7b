"""promptfoo result exports: `promptfoo eval -o results.json` (`{evalId, results: {version, results: [...],
prompts, stats}, config, ...}`, version 3 and later) and `-o results.jsonl` (one result per line).

A result is one test × prompt × provider: `prompt.raw` (the rendered prompt), `vars`, `provider` (`id`,
`label`), `response.output`, `success`, `score`, `gradingResult` (`pass`, `score`, `reason`,
`componentResults`: one per assertion, with its `assertion`), `failureReason` (2 = the call failed).
Mapping (see docs/design/eval-imports.md):
- the rendered prompt is the item (identified by its text: the same prompt from two evals is one item);
  a prompt that is a JSON chat message list becomes messages; vars, test description and prompt label
  are kept in its metadata;
- the output is a response of the provider's label, else its id;
- verdicts of the run `promptfoo: <description>` (else the eval id): `pass` (success, 1/0), `score`
  (the weighted score) and one per assertion, named by its metric, else its type (`contains`,
  `llm-rubric`, ...; repeated names numbered), valued pass/fail with the assertion's own score and
  reason. A result whose call failed has no response and no verdicts: an outage is not a wrong answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson
import orjson

from assay.evals.imports._errors import EvalImportError
from assay.evals.imports._records import BadRecord, EvalRecord, ScoredResponse, ScoreRecord
from assay.evals.imports._source import EvalSource, jsonl_records
from assay.evals.imports._values import content_text, criterion_name, external_id, json_text, value_to_float
from assay.io.schemas import ItemRecord, RecordError, ResponseRecord
from assay.io.schemas._common import split_prompt

ERROR = 2
"""promptfoo's ResultFailureReason.ERROR: the provider call failed."""


class PromptfooResults(EvalSource):
    schema = "promptfoo"
    tool = "promptfoo"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._jsonl = path.suffix.lower() == ".jsonl"
        self.eval_id: str | None = None
        self.description: str | None = None
        self.version: Any = None
        if self._jsonl:
            with path.open("rb") as f:
                first = f.readline().lstrip(b"\xef\xbb\xbf")
            try:
                head = orjson.loads(first) if first.strip() else None
            except orjson.JSONDecodeError as e:
                raise EvalImportError(str(path), f"not valid JSON: {e}", location="line 1") from None
            if not isinstance(head, dict) or "provider" not in head:
                raise EvalImportError(str(path), "not a promptfoo results file (expected one result per line, "
                                                 "with prompt, provider and response)", location="line 1")
            self.eval_id = head.get("evalId")
        else:
            self._scan_header()
        self._task = self.description or self.eval_id or path.stem

    def _scan_header(self) -> None:
        """evalId, config.description and results.version, in one streaming pass (config comes last)."""
        found_results = False
        try:
            with self.path.open("rb") as f:
                for prefix, event, value in ijson.parse(f):
                    if prefix == "evalId" and event == "string":
                        self.eval_id = value
                    elif prefix == "config.description" and event == "string":
                        self.description = value
                    elif prefix == "results.version":
                        self.version = value
                    elif prefix == "results.results" and event == "start_array":
                        found_results = True
        except ijson.JSONError as e:
            raise EvalImportError(str(self.path), f"not valid JSON: {e}") from None
        if not found_results:
            raise EvalImportError(str(self.path), "not a promptfoo results file (promptfoo eval -o results.json): "
                                                  "no results.results list", field="results.results")

    @property
    def container(self) -> str:
        return "jsonl" if self._jsonl else "json"

    @property
    def task(self) -> str:
        return self._task

    def describe(self) -> dict[str, Any]:
        return {"eval_id": self.eval_id, "description": self.description, "version": self.version}

    def records(self) -> Iterator[EvalRecord | BadRecord]:
        if self._jsonl:
            yield from jsonl_records(self, self.path, self._result)
            return
        self.total = self.path.stat().st_size
        try:
            with self.path.open("rb") as f:
                for n, result in enumerate(ijson.items(f, "results.results.item", use_float=True), start=1):
                    self.done = f.tell()
                    yield self._record(f"result {n}", result)
        except ijson.JSONError as e:
            raise EvalImportError(str(self.path), f"not valid JSON: {e}") from None
        self.done = self.total

    def _record(self, where: str, result: Any) -> EvalRecord | BadRecord:
        try:
            return self._result(where, result)
        except RecordError as e:
            return BadRecord(where, e.field, e.message)

    def _result(self, where: str, result: Any) -> EvalRecord:
        if not isinstance(result, dict):
            raise RecordError(None, f"expected a result object, got {type(result).__name__}")
        item = ItemRecord()
        prompt = result.get("prompt")
        raw = prompt.get("raw") if isinstance(prompt, dict) else prompt
        if not isinstance(raw, str) or not raw.strip():
            raise RecordError("prompt.raw", "expected the rendered prompt")
        _set_prompt(item, raw)
        test = _dict(result.get("testCase"))
        variables = result.get("vars") if isinstance(result.get("vars"), dict) else test.get("vars")
        meta: dict[str, Any] = {"vars": variables or {}}
        if test.get("description") or result.get("description"):
            meta["test"] = test.get("description") or result.get("description")
        if isinstance(prompt, dict) and prompt.get("label") and prompt.get("label") != raw:
            meta["prompt_label"] = prompt["label"]
        meta["promptfoo"] = {"eval_id": result.get("evalId") or self.eval_id, "test_idx": result.get("testIdx"),
                             "prompt_idx": result.get("promptIdx")}
        item.metadata = meta
        record = EvalRecord(where, item)

        provider = result.get("provider")
        if isinstance(provider, dict):
            pid, model = provider.get("id"), provider.get("label") or provider.get("id")
        else:
            pid = model = provider
        if not isinstance(model, str) or not model:
            raise RecordError("provider.id", "expected the provider's id or label")
        response = _dict(result.get("response"))
        output = response.get("output")
        if result.get("failureReason") == ERROR or (output is None and (result.get("error") or response.get("error"))):
            return record  # the call failed: the item, no response, no verdicts
        if output is None:
            text = ""
        elif isinstance(output, str):
            text = output
        else:
            text = json_text(output)
        rid = "/".join(str(p) for p in ("promptfoo", result.get("evalId") or self.eval_id or self.path.stem,
                                        result.get("testIdx"), result.get("promptIdx"), pid))
        rmeta: dict[str, Any] = {"provider": pid}
        for key in ("latencyMs", "cost", "tokenUsage"):
            value = result.get(key, response.get(key))
            if value is not None:
                rmeta[key] = value
        scored = ScoredResponse(ResponseRecord(content=text, model=model, external_id=external_id(rid, "testIdx"),
                                               metadata=rmeta))
        scored.scores = _scores(result)
        record.responses.append(scored)
        return record


def _set_prompt(item: ItemRecord, raw: str) -> None:
    if raw.lstrip().startswith("["):
        try:
            messages = orjson.loads(raw)
        except orjson.JSONDecodeError:
            messages = None
        if isinstance(messages, list) and messages and all(isinstance(m, dict) and "role" in m for m in messages):
            split_prompt([{"role": str(m["role"]), "content": content_text(m.get("content"), f"prompt.raw.{i}")[0]}
                          for i, m in enumerate(messages)], item)
            return
    item.prompt = raw


def _scores(result: dict[str, Any]) -> list[ScoreRecord]:
    grading = _dict(result.get("gradingResult"))
    reason = grading.get("reason") if isinstance(grading.get("reason"), str) else None
    out: list[ScoreRecord] = []
    success = result.get("success", grading.get("pass"))
    if isinstance(success, bool):
        out.append(ScoreRecord("pass", "promptfoo", success, 1.0 if success else 0.0, reason))
    score = result.get("score", grading.get("score"))
    if isinstance(score, int | float) and not isinstance(score, bool):
        out.append(ScoreRecord("score", "promptfoo", score, value_to_float(score), reason))
    components = grading.get("componentResults")
    if isinstance(components, list) and components:
        seen: dict[str, int] = {}
        for i, c in enumerate(components):
            field = f"gradingResult.componentResults.{i}"
            if not isinstance(c, dict):
                raise RecordError(field, "expected an assertion result object")
            assertion = _dict(c.get("assertion"))
            kind = str(assertion.get("type") or "assertion")
            name = str(assertion.get("metric") or kind)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            passed = c.get("pass")
            number = c.get("score")
            value_num = value_to_float(number) if number is not None else value_to_float(passed)
            out.append(ScoreRecord(criterion_name(name, f"{field}.assertion"), kind, passed, value_num,
                                   c.get("reason") if isinstance(c.get("reason"), str) else None))
    else:
        named = result.get("namedScores") or grading.get("namedScores") or {}
        if isinstance(named, dict):
            for name, value in named.items():
                if name not in ("pass", "score"):
                    out.append(ScoreRecord(criterion_name(str(name), f"namedScores.{name}"), "promptfoo", value,
                                           value_to_float(value)))
    return out


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
