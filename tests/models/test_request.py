from __future__ import annotations

import pytest
from pydantic import ValidationError

from assay.models import Endpoint, ModelRequest

EP = Endpoint(name="a", base_url="http://localhost:8000/v1", model="m", params={"temperature": 0.7, "max_tokens": 64})


def test_request_settings_override_endpoint_defaults() -> None:
    request = ModelRequest.chat("hi", system="be brief", temperature=0, stop="\n\n", extra={"top_k": 5})
    assert request.body(EP) == {
        "model": "m",
        "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
        "temperature": 0.0,
        "max_tokens": 64,
        "stop": ["\n\n"],
        "top_k": 5,
    }


def test_cache_key_is_stable_and_covers_what_determines_the_reply() -> None:
    base = ModelRequest.chat("hi")
    key = base.cache_key(EP)
    assert len(key) == 64 and key == ModelRequest.chat("hi").cache_key(EP)
    # Sorted keys: the order settings were given in does not matter.
    assert ModelRequest(messages=[{"content": "hi", "role": "user"}]).cache_key(EP) == key
    different = [
        ModelRequest.chat("hi!").cache_key(EP),
        ModelRequest.chat("hi", seed=1).cache_key(EP),
        ModelRequest.chat("hi", temperature=0.7 + 1e-9).cache_key(EP),
        ModelRequest.chat("hi", extra={"top_k": 1}).cache_key(EP),
        base.cache_key(EP.model_copy(update={"model": "m2"})),
        base.cache_key(EP.model_copy(update={"base_url": "http://other:8000/v1"})),
    ]
    assert key not in different and len(set(different)) == len(different)
    # A request setting equal to the endpoint's default is the same call.
    assert ModelRequest.chat("hi", temperature=0.7).cache_key(EP) == key


def test_cache_key_ignores_who_pays_and_how_fast() -> None:
    key = ModelRequest.chat("hi").cache_key(EP)
    other = EP.model_copy(update={"api_key_env": "SOME_KEY", "max_concurrency": 99, "price_input_per_mtok": 3.0,
                                  "headers": {"X-Team": "b"}, "timeout_s": 5.0})
    assert ModelRequest.chat("hi").cache_key(other) == key


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValidationError, match="no 'role'"):
        ModelRequest(messages=[{"content": "x"}])
    with pytest.raises(ValidationError):
        ModelRequest(messages=[])
    with pytest.raises(ValidationError, match="extra may not set model"):
        ModelRequest.chat("x", extra={"model": "other"})


def test_last_user_text_reads_content_parts() -> None:
    request = ModelRequest(messages=[
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {}},
                                     {"type": "text", "text": "b"}]},
    ])
    assert request.last_user_text() == "a\nb"
