"""The OpenAI-compatible provider against a real local server: retries, waits, failures, parsing, secrets."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import orjson
import pytest

from assay.models import Endpoint, ModelError, ModelReply, ModelRequest, OpenAICompatible
from tests.models.fake_openai import Act, FakeOpenAI, expected_usage
from tests.models.helpers import Sleeps

SECRET = "sk-test-5f1c9a7e-never-print-me"


def endpoint(url: str, **settings: Any) -> Endpoint:
    values: dict[str, Any] = {"name": "fake", "base_url": url, "model": "judge-1", "backoff_base_s": 0.5,
                              "backoff_max_s": 20.0, "max_retries": 3, "timeout_s": 10.0}
    values.update(settings)
    return Endpoint(**values)


def complete(ep: Endpoint, prompt: str, sleeps: Sleeps | None = None, **kwargs: Any) -> ModelReply:
    async def go() -> ModelReply:
        provider = OpenAICompatible(ep, sleep=sleeps or Sleeps(), rng=random.Random(1), **kwargs)
        try:
            return await provider.complete(ModelRequest.chat(prompt, temperature=0))
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_a_normal_reply_is_read_with_usage_and_cost(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    ep = endpoint(url, price_input_per_mtok=2.0, price_output_per_mtok=6.0, params={"max_tokens": 50})
    reply = complete(ep, "what is two plus two")
    prompt_tokens, completion_tokens = expected_usage("what is two plus two")
    assert reply.text == "reply to: what is two plus two"
    assert reply.usage.input_tokens == prompt_tokens and reply.usage.output_tokens == completion_tokens
    assert reply.cost_usd == pytest.approx((prompt_tokens * 2.0 + completion_tokens * 6.0) / 1e6)
    assert reply.model == "judge-1-served" and reply.finish_reason == "stop"
    assert reply.attempts == 1 and not reply.cached and reply.latency_ms > 0
    assert app.bodies == [{"model": "judge-1", "messages": [{"role": "user", "content": "what is two plus two"}],
                           "temperature": 0.0, "max_tokens": 50}]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 408, 409, 425])
def test_retryable_statuses_are_retried_then_succeed(fake: tuple[FakeOpenAI, str], sleeps: Sleeps, status: int) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", status), Act("status", status)]
    reply = complete(endpoint(url), "p", sleeps)
    assert reply.text == "reply to: p" and reply.attempts == 3 and app.calls["p"] == 3
    # Full jitter under the doubling bound: first wait <= 0.5 s, second <= 1 s.
    assert len(sleeps.waits) == 2 and 0 <= sleeps.waits[0] <= 0.5 and 0 <= sleeps.waits[1] <= 1.0


def test_gives_up_after_max_retries_with_the_count(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", 500)] * 10
    with pytest.raises(ModelError) as info:
        complete(endpoint(url, max_retries=2), "p", sleeps)
    err = info.value
    assert err.kind == "http_500" and err.status == 500 and err.retryable and err.attempts == 3
    assert app.calls["p"] == 3 and len(sleeps.waits) == 2
    assert "HTTP 500" in str(err) and "endpoint 'fake'" in str(err)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_are_not_retried(fake: tuple[FakeOpenAI, str], sleeps: Sleeps, status: int) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", status)]
    with pytest.raises(ModelError) as info:
        complete(endpoint(url), "p", sleeps)
    assert info.value.status == status and not info.value.retryable and info.value.attempts == 1
    assert app.calls["p"] == 1 and sleeps.waits == []


def test_retry_after_seconds_is_honoured_on_429(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", 429, retry_after="7")]
    reply = complete(endpoint(url), "p", sleeps)
    assert sleeps.waits == [7.0] and reply.attempts == 2


def test_retry_after_http_date_is_honoured_on_503(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", 503, retry_after="Wed, 21 Oct 2015 07:28:12 GMT")]
    now = 1445412480.0  # 07:28:00 that day
    reply = complete(endpoint(url), "p", sleeps, wall_clock=lambda: now)
    assert sleeps.waits == [12.0] and reply.attempts == 2


def test_retry_after_is_capped_by_backoff_max(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", 429, retry_after="3600")]
    complete(endpoint(url, backoff_max_s=2.5), "p", sleeps)
    assert sleeps.waits == [2.5]


def test_retry_after_is_ignored_where_it_does_not_apply(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("status", 500, retry_after="9")]
    complete(endpoint(url), "p", sleeps)
    assert len(sleeps.waits) == 1 and sleeps.waits[0] <= 0.5


def test_a_slow_reply_times_out_and_is_retried(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("slow", delay=2.0)]
    reply = complete(endpoint(url, timeout_s=0.3), "p", sleeps)
    assert reply.attempts == 2 and app.calls["p"] == 2


def test_timeouts_give_a_timeout_error(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [Act("slow", delay=2.0)] * 2
    with pytest.raises(ModelError) as info:
        complete(endpoint(url, timeout_s=0.2, max_retries=1), "p", sleeps)
    assert info.value.kind == "timeout" and info.value.attempts == 2 and "no reply within 0.2 s" in str(info.value)


@pytest.mark.parametrize(("act", "kind"), [("malformed", "malformed"), ("truncated", "protocol"), ("error_body", "api_error")])
def test_broken_bodies_are_retried(fake: tuple[FakeOpenAI, str], sleeps: Sleeps, act: str, kind: str) -> None:
    app, url = fake
    app.plan["p"] = [Act(act)]
    kinds: list[str] = []

    async def go() -> ModelReply:
        async with OpenAICompatible(endpoint(url), sleep=sleeps) as provider:
            return await provider.complete(ModelRequest.chat("p"), on_retry=lambda e, d: kinds.append(e.kind))

    reply = asyncio.run(go())
    assert reply.text == "reply to: p" and reply.attempts == 2 and kinds == [kind]


def test_connection_refused_is_a_retryable_connect_error(sleeps: Sleeps) -> None:
    with pytest.raises(ModelError) as info:
        complete(endpoint("http://127.0.0.1:9", max_retries=2), "p", sleeps)
    assert info.value.kind == "connect" and info.value.attempts == 3 and len(sleeps.waits) == 2


def test_null_content_is_an_empty_answer_with_the_refusal_kept(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    app.plan["p"] = [Act("null_content")]
    reply = complete(endpoint(url), "p")
    assert reply.text == "" and reply.refusal == "I can't help with that." and reply.attempts == 1


def test_reasoning_content_is_kept_apart(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    app.plan["p"] = [Act("reasoning")]
    reply = complete(endpoint(url), "p")
    assert reply.text == "reply to: p" and reply.reasoning == "thinking it over"


def test_missing_usage_means_unknown_cost(fake: tuple[FakeOpenAI, str]) -> None:
    app, url = fake
    app.plan["p"] = [Act("no_usage")]
    reply = complete(endpoint(url, price_input_per_mtok=1.0, price_output_per_mtok=1.0), "p")
    assert not reply.usage.reported and reply.usage.input_tokens == 0 and reply.cost_usd is None


def test_the_api_key_is_sent_but_never_shown(fake: tuple[FakeOpenAI, str], sleeps: Sleeps,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    app, url = fake
    monkeypatch.setenv("FAKE_API_KEY", SECRET)
    app.plan["p"] = [Act("status", 401, echo_auth=True)]
    app.plan["q"] = [Act("status", 500, echo_auth=True)] * 3
    ep = endpoint(url, api_key_env="FAKE_API_KEY", max_retries=2)
    errors = []
    for prompt in ("p", "q"):
        with pytest.raises(ModelError) as info:
            complete(ep, prompt, sleeps)
        errors.append(info.value)
    assert app.auth_headers == {f"Bearer {SECRET}"}
    for err in errors:
        assert SECRET not in str(err) and SECRET not in repr(err) and "[redacted]" in str(err)
    assert SECRET not in repr(ep) and SECRET not in ep.model_dump_json()


def test_a_missing_key_variable_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    ep = endpoint("http://127.0.0.1:9", api_key_env="NOT_SET_ANYWHERE")
    with pytest.raises(ModelError, match=r"environment variable NOT_SET_ANYWHERE .* is not set") as info:
        OpenAICompatible(ep)
    assert info.value.kind == "config" and not info.value.retryable


def test_content_parts_and_odd_shapes(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    app.plan["p"] = [
        Act("raw", body=orjson.dumps({"choices": []})),
        Act("raw", body=orjson.dumps([1, 2])),
        Act("raw", body=orjson.dumps({"model": "x", "choices": [{"message": {"content": [
            {"type": "text", "text": "part one"}, {"type": "text", "text": "part two"}]}, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4}})),
    ]
    reply = complete(endpoint(url), "p", sleeps)
    assert reply.text == "part one\npart two" and reply.finish_reason == "length" and reply.attempts == 3


def test_error_bodies_are_shortened_to_one_line(fake: tuple[FakeOpenAI, str], sleeps: Sleeps) -> None:
    app, url = fake
    body = orjson.dumps({"error": {"message": "line one\nline two\x1b[31m" + "x" * 1000}})
    app.plan["p"] = [Act("raw", status=400, body=body)]
    with pytest.raises(ModelError) as info:
        complete(endpoint(url), "p", sleeps)
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and len(message) < 400 and message.endswith("...")


def test_proxies_from_the_environment_are_used_unless_bypassed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    hosted = OpenAICompatible(endpoint("https://api.example.com/v1"))
    local = OpenAICompatible(endpoint("http://127.0.0.1:8000/v1"))
    assert hosted._proxy == "http://proxy.internal:3128" and local._proxy is None
