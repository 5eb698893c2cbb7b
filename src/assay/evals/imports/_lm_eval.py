"""lm-evaluation-harness per-sample logs (`--log_samples`): `samples_<task>_<time>.jsonl` with the run's
`results_<time>.json` (found beside it when not given).

A line is one doc under one filter: `doc_id`, `doc`, `target`, `arguments` (`{"gen_args_<i>": {"arg_<j>":
...}}`, one entry per request), `resps` / `filtered_resps` (stringified), `filter`, `metrics` (names) and
one key per metric with its value. Mapping (see docs/design/eval-imports.md):
- a doc is an item `lm-eval/<task>/<doc_id>`. Its prompt is the doc's first text field among
  PROMPT_FIELDS; a doc without one (the task builds its prompt from other fields) gets the context the
  model was given (`arguments.gen_args_0.arg_0`), which a chat template may have made a message list.
  The doc is kept in the item's metadata; `target` is the reference (for multiple choice: the gold
  choice's text);
- the response (model: `model_name` of the results, else `pretrained=`/`model=` of `config.model_args`):
  for generated answers the raw generation (`resps`, the first of any repeats); for multiple choice the
  choice with the highest log-likelihood; for a single log-likelihood request the continuation scored;
  for rolling log-likelihood (perplexity) none;
- each metric is a verdict of the run `lm-eval: <task>`: criterion `acc`, `exact_match`, ... under the
  `none` filter, `metric,filter` (as in the results file) under any other, with the filtered answer as
  the reasoning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from assay.evals.imports._errors import EvalImportError
from assay.evals.imports._records import BadRecord, EvalRecord, ScoredResponse, ScoreRecord
from assay.evals.imports._source import EvalSource, jsonl_records
from assay.evals.imports._values import criterion_name, external_id, json_text, value_to_float
from assay.io.schemas import ItemRecord, RecordError, ResponseRecord
from assay.io.schemas._common import split_prompt

SAMPLES_NAME = re.compile(r"^samples_(?P<task>.+)_(?P<date>\d{4}-\d{2}-\d{2}T[\d\-.]+)\.jsonl$")
PROMPT_FIELDS = ("prompt", "question", "problem", "query", "input", "instruction", "text", "sentence", "ctx",
                 "goal", "context")
"""Doc fields that hold the prompt, in the order they are tried."""
_MODEL_KEYS = ("peft", "delta", "pretrained", "model", "path", "engine")  # lm-eval's own order


class LmEvalSamples(EvalSource):
    schema = "lm-eval"
    tool = "lm-eval"

    def __init__(self, path: Path, results: Path | None) -> None:
        super().__init__(path)
        match = SAMPLES_NAME.match(path.name)
        self.date = match["date"] if match else None
        if results is None:
            if self.date is None or not (guess := path.with_name(f"results_{self.date}.json")).is_file():
                raise EvalImportError(str(path), "needs its results file (results_<time>.json written with it): "
                                                 "give it with --results FILE")
            results = guess
        self.results_path = results
        try:
            data = orjson.loads(results.read_bytes())
        except orjson.JSONDecodeError as e:
            raise EvalImportError(str(results), f"not valid JSON: {e}") from None
        if not isinstance(data, dict) or not isinstance(data.get("configs", {}), dict):
            raise EvalImportError(str(results), "not an lm-eval results file (expected an object with 'results' "
                                                "and 'configs')")
        self.results = data
        tasks = sorted(set(data.get("configs") or {}) | set(data.get("results") or {}))
        if match and match["task"] in tasks:
            self._task = match["task"]
        elif len(tasks) == 1:
            self._task = tasks[0]
        else:
            named = f"task {match['task']!r}" if match else "no task in its name"
            raise EvalImportError(str(path), f"{named}; the results file has tasks {', '.join(tasks) or 'none'} "
                                             "(expected a name samples_<task>_<time>.jsonl)")
        self.config: dict[str, Any] = (data.get("configs") or {}).get(self._task) or {}
        self.model = self._model_name(data)
        self.date = self.date or str(data.get("date") or "")
        self._model_tag = hashlib.blake2b(self.model.encode(), digest_size=4).hexdigest()

    def _model_name(self, data: dict[str, Any]) -> str:
        name = data.get("model_name")
        if isinstance(name, str) and name:
            return name
        config = data.get("config") or {}
        args = config.get("model_args")
        if isinstance(args, dict):
            for key in _MODEL_KEYS:
                if args.get(key):
                    return str(args[key])
        elif isinstance(args, str):
            pairs = dict(p.split("=", 1) for p in args.split(",") if "=" in p)
            for key in _MODEL_KEYS:
                if pairs.get(key):
                    return pairs[key]
        if isinstance(config.get("model"), str) and config["model"]:
            return str(config["model"])
        raise EvalImportError(str(self.results_path), "names no model (model_name, config.model_args or config.model)",
                              field="model_name")

    @property
    def container(self) -> str:
        return "jsonl"

    @property
    def task(self) -> str:
        return self._task

    def describe(self) -> dict[str, Any]:
        return {"model": self.model, "results": self.results_path.name, "date": self.date,
                "n_shot": (self.results.get("n-shot") or {}).get(self._task),
                "output_type": self.config.get("output_type")}

    def records(self) -> Iterator[EvalRecord | BadRecord]:
        return jsonl_records(self, self.path, self._line)

    def _line(self, where: str, line: dict[str, Any]) -> EvalRecord:
        doc_id = line.get("doc_id")
        if not isinstance(doc_id, int | str) or isinstance(doc_id, bool):
            raise RecordError("doc_id", "expected the doc's number")
        doc = line.get("doc")
        if not isinstance(doc, dict):
            raise RecordError("doc", "expected the doc object")
        requests = _arguments(line.get("arguments"))
        resps = line.get("resps")
        if not isinstance(resps, list) or len(resps) != len(requests):
            raise RecordError("resps", f"expected one entry per request ({len(requests)})")
        filtered = line.get("filtered_resps")
        if not isinstance(filtered, list) or len(filtered) != len(requests):
            raise RecordError("filtered_resps", f"expected one entry per request ({len(requests)})")
        flt = line.get("filter") or "none"
        if not isinstance(flt, str):
            raise RecordError("filter", "expected the filter's name")

        item = ItemRecord(external_id=external_id(f"lm-eval/{self._task}/{doc_id}", "doc_id"))
        self._prompt(item, doc, requests)
        kind = self._kind(requests)
        target = line.get("target")
        item.reference = None if target is None or target == "" else str(target)
        choices = [str(r[1]) for r in requests] if kind == "multiple_choice" else []
        if choices and item.reference is not None and item.reference.isdigit() and int(item.reference) < len(choices):
            item.reference = choices[int(item.reference)].strip()
        item.metadata = {"lm_eval": {"task": self._task, "doc_id": doc_id, "doc": doc,
                                     "doc_hash": line.get("doc_hash"), "target": target}}
        record = EvalRecord(where, item)
        response = self._response(kind, requests, resps, filtered, doc_id)
        if response is None:
            return record
        scores: list[ScoreRecord] = []
        extracted = filtered[0] if kind == "generate_until" and filtered else None
        reasoning = f"extracted answer ({flt}): {extracted}" if isinstance(extracted, str) else None
        metrics = line.get("metrics")
        if not isinstance(metrics, list):
            raise RecordError("metrics", "expected the list of metric names")
        for metric in metrics:
            if not isinstance(metric, str) or metric not in line:
                raise RecordError("metrics", f"metric {metric!r} has no value in the line")
            value = line[metric]
            criterion = criterion_name(metric if flt == "none" else f"{metric},{flt}", metric)
            scores.append(ScoreRecord(criterion, metric, value, value_to_float(value), reasoning))
        record.responses.append(ScoredResponse(response, scores))
        return record

    def _prompt(self, item: ItemRecord, doc: dict[str, Any], requests: list[list[Any]]) -> None:
        for key in PROMPT_FIELDS:
            value = doc.get(key)
            if isinstance(value, str) and value.strip():
                item.prompt = value
                return
        context = requests[0][0] if requests and requests[0] else None
        if not isinstance(context, str) or not context.strip():
            raise RecordError("arguments.gen_args_0.arg_0", "the doc has no prompt field and the context is empty")
        if context.lstrip().startswith("["):
            # A chat template's message list, JSON-encoded (local-chat-completions and the like).
            try:
                messages = orjson.loads(context)
            except orjson.JSONDecodeError:
                messages = None
            if isinstance(messages, list) and messages and all(isinstance(m, dict) and "role" in m for m in messages):
                split_prompt([{"role": m["role"], "content": m.get("content") or ""} for m in messages], item)
                return
        item.prompt = context

    def _kind(self, requests: list[list[Any]]) -> str:
        output_type = self.config.get("output_type")
        if isinstance(output_type, str) and output_type:
            return output_type
        first = requests[0] if requests else []
        if len(first) > 1 and isinstance(first[1], dict):
            return "generate_until"
        if len(requests) > 1:
            return "multiple_choice"
        return "loglikelihood" if len(first) > 1 else "loglikelihood_rolling"

    def _response(self, kind: str, requests: list[list[Any]], resps: list[Any], filtered: list[Any],
                  doc_id: Any) -> ResponseRecord | None:
        meta: dict[str, Any] = {"lm_eval": {"date": self.date}}
        if kind == "generate_until":
            generations = resps[0] if isinstance(resps[0], list) else [resps[0]]
            if not generations:
                raise RecordError("resps.0", "has no generation")
            text = generations[0] if isinstance(generations[0], str) else json_text(generations[0])
            if len(generations) > 1:
                meta["lm_eval"]["repeats"] = len(generations)
        elif kind == "multiple_choice":
            scored = [_loglikelihood(f, f"filtered_resps.{i}") for i, f in enumerate(filtered)]
            best = max(range(len(scored)), key=lambda i: scored[i][0])
            text = str(requests[best][1]).strip()
            meta["lm_eval"].update(choice=best, loglikelihoods=[s[0] for s in scored])
        elif kind == "loglikelihood":
            ll, greedy = _loglikelihood(filtered[0], "filtered_resps.0")
            text = str(requests[0][1]) if len(requests[0]) > 1 else ""
            meta["lm_eval"].update(loglikelihood=ll, is_greedy=greedy)
        else:
            return None
        rid = external_id(f"lm-eval/{self.date}/{self._model_tag}/{doc_id}", "doc_id")
        return ResponseRecord(content=text, model=self.model, external_id=rid, metadata=meta)


def _arguments(raw: Any) -> list[list[Any]]:
    """`arguments` as a list of requests, each a list of its arguments (lm-eval ≥ 0.4.3 writes
    `{"gen_args_0": {"arg_0": ...}}`; earlier versions a list of lists)."""
    if isinstance(raw, dict):
        out = []
        for i in range(len(raw)):
            request = raw.get(f"gen_args_{i}")
            if not isinstance(request, dict):
                raise RecordError(f"arguments.gen_args_{i}", "is missing or not an object")
            out.append([request.get(f"arg_{j}") for j in range(len(request))])
        return out
    if isinstance(raw, list) and all(isinstance(r, list) for r in raw):
        return raw
    raise RecordError("arguments", "expected the requests' arguments")


def _loglikelihood(value: Any, field: str) -> tuple[float, bool]:
    """A stringified (log-likelihood, is_greedy) pair."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]
    if not isinstance(value, list) or not value:
        raise RecordError(field, "expected [log-likelihood, is_greedy]")
    number = value_to_float(value[0])
    if number is None:
        raise RecordError(field, f"expected a log-likelihood, got {value[0]!r}")
    greedy = len(value) > 1 and str(value[1]).lower() == "true"
    return number, greedy
