from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assay.models import OFFLINE, OFFLINE_ENDPOINT, Endpoint, load_endpoints, parse_endpoints
from assay.spec import SpecError

GOOD = """\
models:
  local-qwen:
    base_url: http://localhost:8000/v1/
    model: Qwen/Qwen2.5-7B-Instruct
    max_concurrency: 32
  hosted:
    base_url: https://api.example.com/v1
    model: gpt-4o-mini
    api_key_env: EXAMPLE_API_KEY
    price_input_per_mtok: 0.15
    price_output_per_mtok: 0.6
    headers: {X-Team: evals}
    params: {temperature: 0, stop: "###", extra: {top_k: 20}}
"""


def test_load_endpoints_reads_every_setting(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(GOOD)
    endpoints = load_endpoints(path)
    assert set(endpoints) == {"local-qwen", "hosted", OFFLINE}
    qwen = endpoints["local-qwen"]
    assert qwen.name == "local-qwen" and qwen.base_url == "http://localhost:8000/v1"  # trailing slash dropped
    assert qwen.max_concurrency == 32 and qwen.provider == "openai" and not qwen.priced
    hosted = endpoints["hosted"]
    assert hosted.api_key_env == "EXAMPLE_API_KEY" and hosted.headers == {"X-Team": "evals"}
    assert hosted.params.temperature == 0.0 and hosted.params.stop == ["###"] and hosted.params.extra == {"top_k": 20}
    assert hosted.cost(1_000_000, 2_000_000) == pytest.approx(0.15 + 1.2)
    assert qwen.cost(10, 10) is None


def test_offline_is_always_there() -> None:
    assert load_endpoints(None) == {OFFLINE: OFFLINE_ENDPOINT}
    assert parse_endpoints("models: {}")[OFFLINE].provider == "offline"
    assert OFFLINE_ENDPOINT.cost(100, 100) == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("models:\n  a:\n    base_url: http://x/v1\n    model: m\n    max_concurency: 3\n",
         "m.yaml:5: models.a.max_concurency: unknown key (did you mean 'max_concurrency'?)"),
        ("models:\n  a:\n    base_url: http://x/v1\n    model: m\n    timeout_s: -1\n",
         "m.yaml:5: models.a.timeout_s: expected a number > 0"),
        ("models:\n  a:\n    model: m\n", "m.yaml:2: models.a: base_url is required for provider 'openai'"),
        ("models:\n  a:\n    base_url: localhost:8000\n    model: m\n", "m.yaml:3: models.a.base_url: expected an http:// or https:// URL"),
        ("models:\n  a:\n    base_url: http://x\n    provider: vllm\n    model: m\n",
         "m.yaml:4: models.a.provider: expected one of 'openai' or 'offline', got 'vllm'"),
        ("models:\n  a:\n    base_url: http://x\n    model: m\n    headers: {Authorization: Bearer sk-1}\n",
         "m.yaml:5: models.a.headers: put the API key in an environment variable named by api_key_env"),
        ("models:\n  offline: {model: x}\n", "m.yaml:2: models.offline: 'offline' is the built-in offline endpoint"),
        ("models:\n  a: 3\n", "m.yaml:2: models.a: expected a mapping of endpoint settings"),
        ("endpoints: {}\n", "m.yaml:1: expected a mapping with a 'models:' mapping"),
        ("models:\n  a: {base_url: http://x, model: m}\n  a: {base_url: http://y, model: m}\n",
         "m.yaml:3: models.a: duplicate key 'a' (first given on line 2)"),
        ("models:\n  a: [unclosed\n", "m.yaml:3: "),
    ],
)
def test_errors_name_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_endpoints(text, source="m.yaml")
    assert any(str(issue).startswith(expected) for issue in info.value.issues), str(info.value)


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = "models:\n  a: {base_url: http://x, model: m, max_retries: -1}\n  b: {model: m, base_url: ftp://x}\n"
    with pytest.raises(SpecError) as info:
        parse_endpoints(text, source="m.yaml")
    assert [i.line for i in info.value.issues] == [2, 3]


def test_endpoint_rejects_reserved_extra_and_inverted_backoff() -> None:
    with pytest.raises(ValidationError, match="extra may not set stream"):
        Endpoint(name="a", base_url="http://x", model="m", params={"extra": {"stream": True}})
    with pytest.raises(ValidationError, match="backoff_max_s must be at least backoff_base_s"):
        Endpoint(name="a", base_url="http://x", model="m", backoff_base_s=5, backoff_max_s=1)


def test_endpoints_are_frozen_so_runs_can_share_them() -> None:
    with pytest.raises(ValidationError):
        OFFLINE_ENDPOINT.max_concurrency = 1  # type: ignore[misc]
    assert OFFLINE_ENDPOINT.model_copy(update={"model": "other"}).model == "other"
