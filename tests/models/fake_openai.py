"""A local server speaking the OpenAI chat-completions protocol, told per prompt how to misbehave.

Each request's behaviour is taken from `plan[last user message]` (first entry popped per request;
an empty or missing plan means a normal reply), so concurrent tests stay deterministic.

Run alone for benchmarks: `python -m tests.models.fake_openai --port 8077 --latency 0.05`.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn

from tests.servers import uvicorn_in_thread

FIXED_PROMPT_OVERHEAD = 7
"""Tokens the fake adds to every prompt's word count (as a chat template would)."""


def reply_text(prompt: str) -> str:
    return f"reply to: {prompt}"


def expected_usage(prompt: str) -> tuple[int, int]:
    """(prompt_tokens, completion_tokens) the fake reports for a normal reply to `prompt`."""
    return len(prompt.split()) + FIXED_PROMPT_OVERHEAD, len(reply_text(prompt).split())


@dataclass
class Act:
    """One scripted behaviour: `ok`, `status` (with `status`, `retry_after`), `slow` (`delay`), `malformed`,
    `truncated`, `null_content`, `no_usage`, `reasoning`, `error_body` (200 with an `error` object),
    `raw` (`status` and exactly `body`)."""

    kind: str
    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0
    echo_auth: bool = False
    body: bytes = b""


@dataclass
class FakeOpenAI:
    latency_s: float = 0.0
    plan: dict[str, list[Act]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    total_calls: int = 0
    active: int = 0
    max_active: int = 0
    auth_headers: set[str] = field(default_factory=set)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    keep_bodies: bool = True

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if scope["path"] != "/v1/chat/completions" or scope["method"] != "POST":
            await _send(send, 404, b'{"error": {"message": "not found"}}')
            return
        body = orjson.loads(b"".join(chunks))
        if self.keep_bodies:
            self.bodies.append(body)
        prompt = next((m["content"] for m in reversed(body["messages"]) if m["role"] == "user"), "")
        self.total_calls += 1
        self.calls[prompt] += 1
        if "authorization" in headers:
            self.auth_headers.add(headers["authorization"])
        queue = self.plan.get(prompt)
        act = queue.pop(0) if queue else Act("ok")
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            await self._act(act, body, prompt, headers, send)
        finally:
            self.active -= 1

    async def _act(self, act: Act, body: dict[str, Any], prompt: str, headers: dict[str, str], send: Any) -> None:
        if act.kind == "slow":
            await asyncio.sleep(act.delay)
        if act.kind == "status":
            text = f"upstream said no (auth was {headers.get('authorization')})" if act.echo_auth else "upstream said no"
            extra = [(b"retry-after", act.retry_after.encode())] if act.retry_after is not None else []
            await _send(send, act.status, orjson.dumps({"error": {"message": text}}), extra)
            return
        if act.kind == "malformed":
            await _send(send, 200, b'{"id": "x", "choices": [{"message": {"content": "unfinis')
            return
        if act.kind == "truncated":
            full = _completion(body, prompt)
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(full)).encode())]})
            await send({"type": "http.response.body", "body": full[: len(full) // 2], "more_body": True})
            raise ConnectionAbortedError("cut off mid-body on purpose")
        if act.kind == "raw":
            await _send(send, act.status, act.body)
            return
        if act.kind == "error_body":
            await _send(send, 200, b'{"error": {"message": "overloaded"}}')
            return
        await _send(send, 200, _completion(body, prompt, act.kind))


def _completion(body: dict[str, Any], prompt: str, kind: str = "ok") -> bytes:
    prompt_tokens, completion_tokens = expected_usage(prompt)
    message: dict[str, Any] = {"role": "assistant", "content": reply_text(prompt)}
    if kind == "null_content":
        message = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
    if kind == "reasoning":
        message["reasoning_content"] = "thinking it over"
    out: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"] + "-served",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }
    if kind == "no_usage":
        del out["usage"]
    return orjson.dumps(out)


async def _send(send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def serve(app: FakeOpenAI) -> Iterator[str]:
    """Run `app` under uvicorn on a free local port in a thread; yields its base URL (…/v1)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off",
                            http="h11", timeout_graceful_shutdown=1, access_log=False)
    with uvicorn_in_thread(config, "the fake OpenAI server") as url:
        yield f"{url}/v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    app = FakeOpenAI(latency_s=args.latency, keep_bodies=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off", access_log=False, http="auto")


if __name__ == "__main__":
    main()
