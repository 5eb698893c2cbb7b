"""The one interface every model call goes through, and the provider for an endpoint."""

from __future__ import annotations

from typing import Protocol

from assay.models._endpoint import Endpoint
from assay.models._offline import OfflineProvider
from assay.models._openai import OpenAICompatible, RetryHook
from assay.models._reply import ModelReply
from assay.models._request import ModelRequest


class Provider(Protocol):
    """Answers requests for one endpoint; raises `ModelError` on failure (after its own retries)."""

    endpoint: Endpoint

    async def complete(self, request: ModelRequest, *, on_retry: RetryHook | None = None) -> ModelReply: ...

    async def aclose(self) -> None: ...


def provider_for(endpoint: Endpoint) -> Provider:
    """A fresh provider for `endpoint` (close it with `aclose()`); raises `ModelError` when its API key is missing."""
    if endpoint.provider == "offline":
        return OfflineProvider(endpoint=endpoint)
    return OpenAICompatible(endpoint)
