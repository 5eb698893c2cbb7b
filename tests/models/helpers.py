"""Test doubles shared by the model tests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Sleeps:
    """Stands in for asyncio.sleep: records each wait and returns at once."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
