"""A fresh fake OpenAI-compatible server per test, on a real local socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.models.fake_openai import FakeOpenAI, serve
from tests.models.helpers import Sleeps


@pytest.fixture
def fake() -> Iterator[tuple[FakeOpenAI, str]]:
    app = FakeOpenAI()
    with serve(app) as url:
        yield app, url


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
