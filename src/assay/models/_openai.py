"""`OpenAICompatible`: chat completions over HTTP for vLLM, SGLang, Ollama and hosted APIs."""

from __future__ import annotations

import asyncio
import functools
import os
import random
import re
import ssl
import time
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import orjson

from assay.models._endpoint import Endpoint
from assay.models._reply import ModelError, ModelReply, Usage
from assay.models._request import ModelRequest, content_text
from assay.models._retry import RETRY_AFTER_STATUS, backoff_delay, is_retryable_status, parse_retry_after

RetryHook = Callable[[ModelError, float], None]
"""Called before each retry with the failure and the wait about to happen (seconds)."""

_SNIPPET = 300
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class OpenAICompatible:
    """`POST {base_url}/chat/completions` over kept-alive connections, with retries and backoff.

    Use one instance per event loop (its connections belong to the loop that first uses them) and
    `aclose()` it when done; `run_requests` does both. Its connection pool has no limit of its own,
    so bound concurrency outside (the run's endpoint limiter does).

    HTTP goes through aiohttp: measured against httpx at 64 calls in flight to a 50 ms local server,
    aiohttp spent ~0.12 ms of client CPU per call and httpx ~0.4 ms, which decided whether a run keeps
    up with the server (docs/design/models.md).

    `sleep`, `wall_clock` and `rng` are injectable so tests can observe waits without waiting.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if endpoint.provider != "openai" or endpoint.base_url is None:
            raise ValueError(f"{endpoint.describe()} is not an OpenAI-compatible endpoint")
        self.endpoint = endpoint
        self._secret = _api_key(endpoint, os.environ if environ is None else environ)
        self._url = f"{endpoint.base_url}/chat/completions"
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()
        headers = {"content-type": "application/json", "accept": "application/json", **endpoint.headers}
        if self._secret:
            headers["authorization"] = f"Bearer {self._secret}"
        self._headers = headers
        self._proxy = _proxy_for(self._url)
        self._client: aiohttp.ClientSession | None = None

    async def complete(self, request: ModelRequest, *, on_retry: RetryHook | None = None) -> ModelReply:
        """The reply to `request`, retrying retryable failures; raises `ModelError` when it gives up."""
        endpoint = self.endpoint
        body = orjson.dumps(request.body(endpoint))
        started = time.perf_counter()
        attempt = 0
        while True:
            attempt += 1
            try:
                reply = await self._attempt(body)
            except ModelError as err:
                err.attempts = attempt
                if not err.retryable or attempt > endpoint.max_retries:
                    raise
                delay = self._delay(attempt, err)
                if on_retry is not None:
                    on_retry(err, delay)
                await self._sleep(delay)
                continue
            reply.attempts = attempt
            reply.latency_ms = (time.perf_counter() - started) * 1000.0
            if reply.usage.reported:
                reply.cost_usd = endpoint.cost(reply.usage.input_tokens, reply.usage.output_tokens)
            return reply

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def __aenter__(self) -> OpenAICompatible:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None or self._client.closed:
            # No pool limit here (the endpoint limiter bounds calls in flight) and no environment
            # reading (proxies are chosen once, above; netrc credentials must never be sent).
            connector = aiohttp.TCPConnector(limit=0, ssl=_ssl_context())
            self._client = aiohttp.ClientSession(connector=connector, trust_env=False,
                                                 timeout=aiohttp.ClientTimeout(total=None))
        return self._client

    def _delay(self, attempt: int, err: ModelError) -> float:
        endpoint = self.endpoint
        if err.retry_after_s is not None:
            return min(err.retry_after_s, endpoint.backoff_max_s)
        return backoff_delay(attempt, endpoint.backoff_base_s, endpoint.backoff_max_s, self._rng)

    async def _attempt(self, body: bytes) -> ModelReply:
        try:
            # One deadline for the whole attempt, so a server trickling bytes cannot hold a slot forever.
            async with asyncio.timeout(self.endpoint.timeout_s):
                async with self._session().post(self._url, data=body, headers=self._headers,
                                                proxy=self._proxy) as response:
                    content = await response.read()
                    status = response.status
                    retry_after = response.headers.get("retry-after")
        except TimeoutError:
            raise self._error(f"no reply within {self.endpoint.timeout_s:g} s", "timeout", True) from None
        except aiohttp.ClientSSLError as exc:
            # A certificate problem does not go away by asking again.
            raise self._error(f"TLS failed ({_exc_text(exc)})", "tls", False) from None
        except aiohttp.ClientConnectorError as exc:
            raise self._error(f"cannot connect ({_exc_text(exc)})", "connect", True) from None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError,
                aiohttp.ClientOSError) as exc:
            # Typically a body cut off mid-way or a connection dropped by the server.
            raise self._error(f"connection broken mid-reply ({_exc_text(exc)})", "protocol", True) from None
        except aiohttp.ClientError as exc:
            raise self._error(f"network error ({_exc_text(exc)})", "network", True) from None
        if status >= 300:
            raise self._http_error(status, retry_after, content)
        return self._parse(content)

    def _http_error(self, status: int, retry_after_header: str | None, content: bytes) -> ModelError:
        retry_after = None
        if status in RETRY_AFTER_STATUS:
            retry_after = parse_retry_after(retry_after_header, self._wall_clock())
        snippet = _snippet(content.decode("utf-8", "replace"))
        message = f"HTTP {status}" + (f": {snippet}" if snippet else "")
        err = self._error(message, f"http_{status}", is_retryable_status(status))
        err.status = status
        err.retry_after_s = retry_after
        return err

    def _parse(self, content: bytes) -> ModelReply:
        try:
            data = orjson.loads(content)
        except orjson.JSONDecodeError:
            raise self._error(f"malformed JSON in reply: {_snippet(content.decode('utf-8', 'replace'))}", "malformed", True) from None
        choices = data.get("choices") if isinstance(data, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            if isinstance(data, dict) and "error" in data:
                raise self._error(f"server error in reply: {_snippet(orjson.dumps(data['error']).decode())}", "api_error", True)
            raise self._error("reply has no choices[0]", "malformed", True)
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            raise self._error("reply has no choices[0].message", "malformed", True)
        content_value = message.get("content")
        if content_value is not None and not isinstance(content_value, str | list):
            raise self._error("choices[0].message.content is neither text nor a list of parts", "malformed", True)
        reasoning = message.get("reasoning_content")
        if not isinstance(reasoning, str):
            reasoning = message.get("reasoning")
        refusal = message.get("refusal")
        finish = choice.get("finish_reason")
        model = data.get("model")
        return ModelReply.model_construct(
            # content is null for refusals and tool calls: an empty answer, with the reason kept beside it.
            text=content_text(content_value),
            finish_reason=finish if isinstance(finish, str) else None,
            usage=_usage(data.get("usage")),
            model=model if isinstance(model, str) and model else self.endpoint.model,
            cached=False,
            latency_ms=0.0,
            cost_usd=None,
            attempts=1,
            reasoning=reasoning if isinstance(reasoning, str) else None,
            refusal=refusal if isinstance(refusal, str) else None,
        )

    def _error(self, message: str, kind: str, retryable: bool) -> ModelError:
        text = f"{self.endpoint.describe()}: {message}"
        if self._secret:
            text = text.replace(self._secret, "[redacted]")
        return ModelError(text, kind=kind, retryable=retryable)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Building a context loads the CA bundle (~90 ms); every client of the process shares one.
    # certifi's bundle when installed (it comes with httpx, as before), else the system's.
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def _proxy_for(url: str) -> str | None:
    """The proxy the environment asks for (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY)."""
    proxies = urllib.request.getproxies_environment()
    parts = urllib.parse.urlsplit(url)
    # proxy_bypass_environment is public in CPython but missing from typeshed.
    if not proxies or urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):  # type: ignore[attr-defined]
        return None
    return proxies.get(parts.scheme) or proxies.get("all")


def _api_key(endpoint: Endpoint, environ: Mapping[str, str]) -> str | None:
    if endpoint.api_key_env is None:
        return None
    key = environ.get(endpoint.api_key_env)
    if not key:
        raise ModelError(
            f"{endpoint.describe()}: environment variable {endpoint.api_key_env} (its api_key_env) is not set",
            kind="config",
        )
    return key


def _usage(raw: Any) -> Usage:
    if isinstance(raw, dict):
        prompt, completion = raw.get("prompt_tokens"), raw.get("completion_tokens")
        if isinstance(prompt, int) and isinstance(completion, int):
            return Usage.model_construct(input_tokens=prompt, output_tokens=completion, reported=True)
    return Usage.model_construct(input_tokens=0, output_tokens=0, reported=False)


def _snippet(text: str) -> str:
    """A short, single-line excerpt of an untrusted body for an error message."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."


def _exc_text(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
