"""OpenAI Batch API output files (`{id, custom_id, response: {status_code, request_id, body}, error}` per
line, `body` a chat completion) with the batch's input file (`{custom_id, method, url, body: {model,
messages, ...}}` per line), which holds the prompts.

The input is indexed by custom_id (byte offsets only, so memory stays small for the 200 MB files OpenAI
allows) and each output line looks its request up. Mapping (see docs/design/eval-imports.md):
- the request's messages are the item (a system message becomes its system prompt; identified by the
  prompt's text, so the same prompt sent to several models in several batches is one item); the
  custom_id and sampling parameters are kept in its metadata;
- each choice of a successful reply is a response of the requested model (`body.model` of the input;
  the model that served it is kept in the response's metadata);
- a failed request (an `error`, or a status other than 200) adds its item without a response and is
  reported with its line number; there are no scores, so no run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from assay.evals.imports._errors import EvalImportError
from assay.evals.imports._records import BadRecord, EvalRecord, ScoredResponse
from assay.evals.imports._source import EvalSource, jsonl_records
from assay.evals.imports._values import content_text, external_id
from assay.io.schemas import ItemRecord, RecordError, ResponseRecord
from assay.io.schemas._common import split_prompt

CHAT_URL = "/v1/chat/completions"
_PARAMS = ("temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "n", "stop", "response_format")


class OpenAIBatchOutput(EvalSource):
    schema = "openai-batch"
    tool = "openai-batch"

    def __init__(self, path: Path, batch_input: Path) -> None:
        super().__init__(path)
        self.batch_input = batch_input
        self._offsets = self._index(batch_input)
        self._input = batch_input.open("rb")

    @property
    def container(self) -> str:
        return "jsonl"

    @property
    def task(self) -> None:
        return None

    def _index(self, path: Path) -> dict[str, tuple[int, int]]:
        """custom_id → (line number, byte offset) of every request in the input file."""
        offsets: dict[str, tuple[int, int]] = {}
        with path.open("rb") as f:
            offset = 0
            for number, line in enumerate(f, start=1):
                start = offset
                offset += len(line)
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if not line.strip():
                    continue
                try:
                    request = orjson.loads(line)
                except orjson.JSONDecodeError as e:
                    raise EvalImportError(str(path), f"not valid JSON: {e}", location=f"line {number}") from None
                cid = request.get("custom_id") if isinstance(request, dict) else None
                if not isinstance(cid, str) or not cid:
                    raise EvalImportError(str(path), "expected the request's custom_id", location=f"line {number}",
                                          field="custom_id")
                if cid in offsets:
                    raise EvalImportError(str(path), f"custom_id {cid!r} is also on line {offsets[cid][0]}",
                                          location=f"line {number}", field="custom_id")
                offsets[cid] = (number, start)
        if not offsets:
            raise EvalImportError(str(path), "the batch input file has no requests")
        return offsets

    def _request(self, cid: str) -> tuple[int, dict[str, Any]]:
        number, offset = self._offsets[cid]
        self._input.seek(offset)
        return number, orjson.loads(self._input.readline().removeprefix(b"\xef\xbb\xbf"))

    def records(self) -> Iterator[EvalRecord | BadRecord]:
        return jsonl_records(self, self.path, self._line)

    def _line(self, where: str, line: dict[str, Any]) -> EvalRecord:
        cid = line.get("custom_id")
        if not isinstance(cid, str) or not cid:
            raise RecordError("custom_id", "expected the request's custom_id")
        if cid not in self._offsets:
            raise RecordError("custom_id", f"{cid!r} is not in the batch input file {self.batch_input.name}")
        number, request = self._request(cid)
        body = request.get("body")
        url = request.get("url")
        source = f"{self.batch_input.name} line {number}"
        if url not in (None, CHAT_URL):
            raise RecordError("custom_id", f"{source} is a {url} request; only {CHAT_URL} batches are read")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body["messages"]:
            raise RecordError("custom_id", f"{source} has no body.messages")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise RecordError("custom_id", f"{source} has no body.model")
        item = ItemRecord()
        messages = []
        for i, m in enumerate(body["messages"]):
            if not isinstance(m, dict) or not isinstance(m.get("role"), str):
                raise RecordError("custom_id", f"{source}: body.messages.{i} is not a chat message")
            role = "system" if m["role"] == "developer" else m["role"]
            messages.append({"role": role, "content": content_text(m.get("content"), f"body.messages.{i}.content")[0]})
        split_prompt(messages, item)
        item.metadata = {"openai_batch": {"custom_id": cid, "params": {k: body[k] for k in _PARAMS if k in body}}}
        record = EvalRecord(where, item)

        failure = _failure(line)
        if failure is not None:
            self.notes.append(f"{self.path}:{where}: custom_id {cid!r}: {failure}")
            return record
        reply = line["response"]["body"]
        choices = reply.get("choices")
        if not isinstance(choices, list) or not choices:
            raise RecordError("response.body.choices", "a successful reply has no choices")
        rid_base = line.get("id") or cid
        meta = {"custom_id": cid, "served_by": reply.get("model"), "usage": reply.get("usage"),
                "request_id": line["response"].get("request_id")}
        for i, choice in enumerate(choices):
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                raise RecordError(f"response.body.choices.{i}.message", "expected the reply's message")
            text, _ = content_text(message.get("content"), f"response.body.choices.{i}.message.content")
            if not text and isinstance(message.get("refusal"), str):
                text = message["refusal"]
            rmeta = {**meta, "finish_reason": choice.get("finish_reason")}
            if message.get("tool_calls"):
                rmeta["tool_calls"] = message["tool_calls"]
            rid = external_id(f"openai-batch/{rid_base}/{choice.get('index', i)}", "id")
            record.responses.append(ScoredResponse(ResponseRecord(content=text, model=model, external_id=rid,
                                                                  metadata=rmeta)))
        return record

    def close(self) -> None:
        self._input.close()


def _failure(line: dict[str, Any]) -> str | None:
    """What went wrong with a request, or None when it has a reply."""
    error = line.get("error")
    if error:
        if isinstance(error, dict):
            return f"{error.get('code') or 'error'}: {error.get('message') or ''}".strip()
        return str(error)
    response = line.get("response")
    if not isinstance(response, dict):
        return "no response and no error"
    status = response.get("status_code")
    body = response.get("body")
    if status != 200:
        detail = body.get("error") if isinstance(body, dict) else None
        message = detail.get("message") if isinstance(detail, dict) else None
        return f"HTTP {status}" + (f": {message}" if message else "")
    if not isinstance(body, dict):
        return "status 200 without a body"
    return None
