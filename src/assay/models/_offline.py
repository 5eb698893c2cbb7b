"""`OfflineProvider`: deterministic replies with no network, for tests, demos and dry runs.

    OfflineProvider()                                          # a hash-derived default reply per request
    OfflineProvider(lambda req: "4")                           # any function of the request
    OfflineProvider([(r"capital of (\\w+)", "I don't know {1}'s capital.")])   # rules on the last user message
    OfflineProvider(judge_script(["1", "2", "3", "4", "5"]))   # "reasoning ... Verdict: N"
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from assay.models._endpoint import OFFLINE_ENDPOINT, Endpoint
from assay.models._reply import ModelReply, Usage
from assay.models._request import ModelRequest, content_text

Script = Callable[[ModelRequest], str]
"""Computes a reply from the request; it may raise `ModelError` to play a failing call."""
RuleReply = str | Callable[[re.Match[str], ModelRequest], str]
Rule = tuple[str | re.Pattern[str], RuleReply]
"""(regex searched in the last user message, reply): a template with `{0}`, `{1}`, `{name}` for groups, or a function."""

_GROUP_REF = re.compile(r"\{(\w+)\}")
_REASONS = (
    "The response addresses the question that was asked.",
    "Some steps are stated without justification.",
    "The final answer is stated clearly.",
    "The explanation is consistent with the guidelines.",
    "A few details could be more precise.",
    "The response stays on topic throughout.",
    "The key claim is supported by the reasoning shown.",
    "The structure makes the answer easy to follow.",
)
_WORDS = ("alpha", "beta", "gamma", "delta", "omega", "sigma", "theta", "kappa", "lambda", "zeta", "eta", "iota")


def request_digest(request: ModelRequest) -> bytes:
    """A digest of the request's messages and settings (not of the endpoint): the seed of offline replies."""
    canonical = {"messages": request.messages, "params": request.effective_params(OFFLINE_ENDPOINT)}
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).digest()


def default_reply(request: ModelRequest) -> str:
    """The reply when nothing is scripted: a few words chosen by the request's digest, so it is stable."""
    digest = request_digest(request)
    words = " ".join(_WORDS[b % len(_WORDS)] for b in digest[:6])
    return f"Offline reply {digest.hex()[:8]}: {words}."


def judge_script(
    verdicts: Sequence[str] | Callable[[ModelRequest], Sequence[str]],
    *,
    choose: Callable[[ModelRequest, Sequence[str]], str | None] | None = None,
    template: str = "{reasoning}\n\nVerdict: {verdict}",
) -> Script:
    """A script that plays a judge: reasoning first, then a verdict line, both fixed by the request.

    `verdicts` is the allowed list (e.g. `["1", ..., "5"]`, `["A", "B", "tie"]`), or a function that reads
    it off the prompt. `choose` may pick the verdict (e.g. to agree with a gold answer most of the time);
    when it returns None, or is not given, the verdict is drawn from the request's digest.
    """

    def script(request: ModelRequest) -> str:
        allowed = verdicts(request) if callable(verdicts) else verdicts
        if not allowed:
            raise ValueError("judge_script needs at least one verdict")
        digest = request_digest(request)
        verdict = choose(request, allowed) if choose is not None else None
        if verdict is None:
            verdict = allowed[int.from_bytes(digest[:8], "big") % len(allowed)]
        reasoning = " ".join(_REASONS[b % len(_REASONS)] for b in digest[8:11])
        return template.replace("{reasoning}", reasoning).replace("{verdict}", str(verdict))

    return script


def rules_script(rules: Sequence[Rule], default: Script = default_reply) -> Script:
    """A script from (regex, reply) rules tried in order on the last user message; `default` when none match."""
    compiled = [(re.compile(p) if isinstance(p, str) else p, reply) for p, reply in rules]

    def script(request: ModelRequest) -> str:
        text = request.last_user_text()
        for pattern, reply in compiled:
            match = pattern.search(text)
            if match is not None:
                return reply(match, request) if callable(reply) else _fill(reply, match)
        return default(request)

    return script


def _fill(template: str, match: re.Match[str]) -> str:
    # Not `match.expand`: replies often hold LaTeX or code, whose backslashes it would read as escapes.
    def group(ref: re.Match[str]) -> str:
        name = ref.group(1)
        try:
            value = match.group(int(name) if name.isdigit() else name)
        except IndexError:  # no such group: leave the braces as written
            return ref.group(0)
        return value or ""

    return _GROUP_REF.sub(group, template)



def whitespace_tokens(text: str) -> int:
    """Token count used offline: whitespace-separated words (enough for accounting to add up)."""
    return len(text.split())


class OfflineProvider:
    """Deterministic provider: the same request always gets the same reply, with no network.

    `script` is a function of the request or a list of rules (see `rules_script`); None gives
    `default_reply`. `max_tokens` cuts the reply (finish_reason `length`) and `stop` sequences end it,
    as a server would. `delay_s` simulates latency.
    """

    def __init__(
        self,
        script: Script | Sequence[Rule] | None = None,
        *,
        endpoint: Endpoint = OFFLINE_ENDPOINT,
        delay_s: float = 0.0,
    ) -> None:
        if script is None:
            self._script: Script = default_reply
        elif callable(script):
            self._script = script
        else:
            self._script = rules_script(script)
        self.endpoint = endpoint
        self.delay_s = delay_s
        self.calls = 0
        """Requests answered so far (cache hits never reach the provider)."""

    async def complete(self, request: ModelRequest, *, on_retry: Any = None) -> ModelReply:
        started = time.perf_counter()
        self.calls += 1
        if self.delay_s > 0:
            await asyncio.sleep(self.delay_s)
        text = self._script(request)
        if not isinstance(text, str):
            raise TypeError(f"offline script returned {type(text).__name__}, expected str")
        params = request.effective_params(self.endpoint)
        finish = "stop"
        for stop in params.get("stop") or ():
            cut = text.find(stop)
            if cut >= 0:
                text = text[:cut]
        max_tokens = params.get("max_tokens")
        if max_tokens is not None and whitespace_tokens(text) > max_tokens:
            text = " ".join(text.split()[:max_tokens])
            finish = "length"
        input_tokens = sum(whitespace_tokens(content_text(m.get("content"))) for m in request.messages)
        output_tokens = whitespace_tokens(text)
        return ModelReply(
            text=text,
            finish_reason=finish,
            usage=Usage(input_tokens=input_tokens, output_tokens=output_tokens),
            model=self.endpoint.model,
            latency_ms=(time.perf_counter() - started) * 1000.0,
            cost_usd=self.endpoint.cost(input_tokens, output_tokens),
            attempts=1,
        )

    async def aclose(self) -> None:
        return None
