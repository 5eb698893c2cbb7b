"""A fresh fake OpenAI-compatible server per test, on a real local socket."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.models.fake_openai import FakeOpenAI, serve


@dataclass
class Sleeps:
    """Stands in for asyncio.sleep: records each wait and returns at once."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def fake() -> Iterator[tuple[FakeOpenAI, str]]:
    app = FakeOpenAI()
    with serve(app) as url:
        yield app, url


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
