"""`ModelRequest`: one chat-completions call, and the key that identifies its reply."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assay.models._endpoint import Endpoint, check_extra

_PARAMS = ("temperature", "top_p", "max_tokens", "seed", "stop")


class ModelRequest(BaseModel):
    """Messages in OpenAI chat format plus sampling settings; unset settings fall back to the endpoint's."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)

    messages: list[dict[str, Any]] = Field(min_length=1)
    """Chat messages, e.g. `[{"role": "system", "content": "..."}, {"role": "user", "content": "..."}]`."""
    temperature: float | None = Field(default=None, ge=0)
    """Sampling temperature; None uses the endpoint's default (or the server's)."""
    top_p: float | None = Field(default=None, gt=0, le=1)
    """Nucleus sampling mass; None uses the endpoint's default."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Upper bound on generated tokens; None uses the endpoint's default."""
    seed: int | None = None
    """Sampling seed; None uses the endpoint's default."""
    stop: list[str] | None = None
    """Stop sequences (a single string becomes a one-item list); None uses the endpoint's default."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Other request fields passed through unchanged; merged over the endpoint's `params.extra`."""

    @field_validator("messages")
    @classmethod
    def _roles(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, message in enumerate(value):
            if not isinstance(message.get("role"), str):
                raise ValueError(f"messages[{i}] has no 'role'")
        return value

    @field_validator("stop", mode="before")
    @classmethod
    def _one_stop(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("extra")
    @classmethod
    def _no_reserved(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_extra(value)

    @classmethod
    def chat(cls, user: str, *, system: str | None = None, **params: Any) -> ModelRequest:
        """A request with one user message (and optionally a system message)."""
        messages = [{"role": "system", "content": system}] if system is not None else []
        messages.append({"role": "user", "content": user})
        return cls(messages=messages, **params)

    def effective_params(self, endpoint: Endpoint) -> dict[str, Any]:
        """Sampling settings actually sent: the request's, else the endpoint's; unset ones left out."""
        defaults = endpoint.params
        out: dict[str, Any] = {}
        for name in _PARAMS:
            value = getattr(self, name)
            if value is None:
                value = getattr(defaults, name)
            if value is not None:
                out[name] = value
        if defaults.extra or self.extra:
            out.update(defaults.extra)
            out.update(self.extra)
        return out

    def body(self, endpoint: Endpoint) -> dict[str, Any]:
        """The JSON body of `POST {base_url}/chat/completions`."""
        return {"model": endpoint.model, "messages": self.messages, **self.effective_params(endpoint)}

    def cache_key(self, endpoint: Endpoint) -> str:
        """sha256 of the canonical JSON of everything that determines the reply: where, which model, what, how.

        The API key, headers, limits and prices are left out: they change who pays or how fast, not the reply.
        """
        canonical = {
            "provider": endpoint.provider,
            "base_url": endpoint.base_url,
            "model": endpoint.model,
            "messages": self.messages,
            "params": self.effective_params(endpoint),
        }
        return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def last_user_text(self) -> str:
        """Text of the last user message (text parts joined), '' when there is none."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return content_text(message.get("content"))
        return ""


def content_text(content: Any) -> str:
    """A message's text: the string itself, or the `text` parts of a content-parts list joined by newlines."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", "")) for part in content if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""
