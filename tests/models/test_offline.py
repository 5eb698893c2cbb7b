from __future__ import annotations

import asyncio
import hashlib
import json
import re

import pytest

from assay.models import (
    OFFLINE_ENDPOINT,
    ModelError,
    ModelReply,
    ModelRequest,
    OfflineProvider,
    default_reply,
    judge_script,
    run_requests,
)


def ask(provider: OfflineProvider, request: ModelRequest) -> ModelReply:
    return asyncio.run(provider.complete(request))


def test_the_same_request_always_gets_the_same_reply() -> None:
    request = ModelRequest.chat("Explain entropy.", temperature=0)
    first = ask(OfflineProvider(), request)
    again = ask(OfflineProvider(), ModelRequest.chat("Explain entropy.", temperature=0))
    assert first.text == again.text == default_reply(request)
    assert ask(OfflineProvider(), ModelRequest.chat("Explain entropy.", temperature=1)).text != first.text
    assert ask(OfflineProvider(), ModelRequest.chat("Explain enthalpy.", temperature=0)).text != first.text
    # The derivation, recomputed by hand: a change would silently change every offline demo and fixture.
    canonical = json.dumps({"messages": [{"role": "user", "content": "hello"}], "params": {}},
                           sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "theta", "kappa", "lambda", "zeta", "eta", "iota"]
    expected = f"Offline reply {digest.hex()[:8]}: " + " ".join(words[b % 12] for b in digest[:6]) + "."
    assert default_reply(ModelRequest.chat("hello")) == expected


def test_tokens_are_whitespace_words_and_the_offline_endpoint_is_free() -> None:
    reply = ask(OfflineProvider(lambda r: "four words right here"),
                ModelRequest.chat("two words", system="three more words"))
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (5, 4)
    assert reply.cost_usd == 0.0 and reply.model == OFFLINE_ENDPOINT.model and reply.finish_reason == "stop"


def test_rules_match_the_last_user_message_in_order() -> None:
    provider = OfflineProvider([
        (r"capital of (?P<country>\w+)", "I think {country}'s capital is on a river. {0}"),
        (re.compile(r"sum of (\d+) and (\d+)"), lambda m, r: str(int(m[1]) + int(m[2]))),
        (r"latex", r"\frac{1}{2} stays {1} as written"),
    ])
    assert ask(provider, ModelRequest.chat("What is the capital of France?")).text == (
        "I think France's capital is on a river. capital of France")
    assert ask(provider, ModelRequest.chat("the sum of 19 and 23")).text == "42"
    assert ask(provider, ModelRequest.chat("latex please")).text == r"\frac{1}{2} stays {1} as written"
    unmatched = ModelRequest.chat("nothing here")
    assert ask(provider, unmatched).text == default_reply(unmatched)


def test_judge_script_reasons_first_and_ends_with_a_stable_verdict() -> None:
    script = judge_script([str(i) for i in range(1, 6)])
    verdicts = []
    for i in range(200):
        text = ask(OfflineProvider(script), ModelRequest.chat(f"Rate response {i} from 1 to 5.")).text
        assert text == script(ModelRequest.chat(f"Rate response {i} from 1 to 5."))
        reasoning, _, last = text.rpartition("\n\nVerdict: ")
        assert reasoning.endswith(".") and len(reasoning.split()) >= 10 and "Verdict" not in reasoning
        verdicts.append(last)
    # Every verdict is used, roughly evenly (a hash, not a constant).
    counts = {v: verdicts.count(v) for v in set(verdicts)}
    assert set(counts) == {"1", "2", "3", "4", "5"} and min(counts.values()) > 20


def test_judge_script_choose_and_scale_from_prompt() -> None:
    def scale(request: ModelRequest) -> list[str]:
        found = re.search(r"from (\d+) to (\d+)", request.last_user_text())
        assert found
        return [str(i) for i in range(int(found[1]), int(found[2]) + 1)]

    def agree_with_gold(request: ModelRequest, allowed: object) -> str | None:
        gold = re.search(r"gold=(\d)", request.last_user_text())
        return gold[1] if gold else None

    script = judge_script(scale, choose=agree_with_gold, template="Because: {reasoning}\n[[{verdict}]]")
    assert script(ModelRequest.chat("score from 0 to 2, gold=2")).endswith("\n[[2]]")
    assert script(ModelRequest.chat("score from 7 to 7")).endswith("\n[[7]]")


def test_max_tokens_and_stop_act_like_a_server() -> None:
    provider = OfflineProvider(lambda r: "one two three four five STOP six")
    cut = ask(provider, ModelRequest.chat("x", max_tokens=3))
    assert cut.text == "one two three" and cut.finish_reason == "length" and cut.usage.output_tokens == 3
    stopped = ask(provider, ModelRequest.chat("x", stop=" STOP"))
    assert stopped.text == "one two three four five" and stopped.finish_reason == "stop"


def test_scripts_can_fail_and_runs_report_it() -> None:
    def script(request: ModelRequest) -> str:
        if "bad" in request.last_user_text():
            raise ModelError("scripted failure", kind="http_500", status=500)
        return "fine"

    provider = OfflineProvider(script)
    results: dict[int, object] = {}
    stats = run_requests(OFFLINE_ENDPOINT, [(1, ModelRequest.chat("good")), (2, ModelRequest.chat("bad"))],
                         cache=None, on_result=results.__setitem__, provider=provider)
    assert isinstance(results[1], ModelReply) and isinstance(results[2], ModelError)
    assert stats.errors_by_kind == {"http_500": 1} and stats.cost_usd == 0.0 and provider.calls == 2


def test_a_script_returning_a_non_string_is_a_bug_reported_as_internal() -> None:
    results: dict[int, object] = {}
    run_requests(OFFLINE_ENDPOINT, [(1, ModelRequest.chat("x"))], cache=None, on_result=results.__setitem__,
                 provider=OfflineProvider(lambda r: 3))  # type: ignore[arg-type, return-value]
    assert isinstance(results[1], ModelError) and results[1].kind == "internal"
    assert "offline script returned int" in str(results[1])


def test_judge_script_needs_verdicts() -> None:
    with pytest.raises(ValueError, match="at least one verdict"):
        judge_script([])(ModelRequest.chat("x"))

