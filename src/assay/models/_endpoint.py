"""`Endpoint`: where a model lives and how Assay may call it (limits, retries, prices, default sampling)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from assay.spec._base import SpecModel

OFFLINE = "offline"
"""Name of the built-in deterministic endpoint (and of its provider kind)."""


class SamplingParams(SpecModel):
    """Sampling settings; an endpoint's are defaults that a `ModelRequest` overrides field by field."""

    model_config = ConfigDict(frozen=True)

    temperature: float | None = Field(default=None, ge=0)
    """Sampling temperature; None leaves it to the server."""
    top_p: float | None = Field(default=None, gt=0, le=1)
    """Nucleus sampling mass; None leaves it to the server."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Upper bound on generated tokens; None leaves it to the server."""
    seed: int | None = None
    """Sampling seed for servers that support reproducible sampling (vLLM, SGLang, OpenAI)."""
    stop: list[str] | None = None
    """Stop sequences; a single string is accepted and becomes a one-item list."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Other request fields passed through unchanged (e.g. `response_format`, `top_k` for vLLM)."""

    @field_validator("stop", mode="before")
    @classmethod
    def _one_stop(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("extra")
    @classmethod
    def _no_reserved(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_extra(value)


# Fields the layer owns: letting `extra` set them would break parsing (stream) or the cache key's meaning.
_RESERVED = ("model", "messages", "stream", "n")


def check_extra(value: dict[str, Any]) -> dict[str, Any]:
    bad = [k for k in _RESERVED if k in value]
    if bad:
        raise ValueError(f"extra may not set {', '.join(bad)} (the provider layer sets it)")
    return value


class Endpoint(SpecModel):
    """One model behind one server, as configured in the `models:` file. Frozen: runs share instances."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    """The name runs and results refer to (the key in the `models:` mapping)."""
    provider: Literal["openai", "offline"] = "openai"
    """`openai`: any OpenAI-compatible chat-completions server; `offline`: the deterministic built-in provider."""
    base_url: str | None = None
    """Root of the OpenAI-compatible API, e.g. http://localhost:8000/v1 (vLLM, SGLang) or http://localhost:11434/v1 (Ollama)."""
    model: str = Field(min_length=1)
    """Model name sent in each request (as the server knows it)."""
    api_key_env: str | None = None
    """Name of the environment variable holding the API key; the key itself never goes in a config file or a log."""
    max_concurrency: int = Field(default=8, ge=1, le=4096)
    """Most requests in flight to this endpoint at once, across every run in the process."""
    timeout_s: float = Field(default=120.0, gt=0)
    """Deadline for one attempt (connect, send, wait and read), in seconds."""
    max_retries: int = Field(default=5, ge=0, le=100)
    """Retries after the first attempt on retryable failures (timeouts, connection errors, 408/409/425/429/5xx, bad bodies)."""
    backoff_base_s: float = Field(default=0.5, ge=0)
    """First retry waits up to this long; each further retry doubles the bound (full jitter)."""
    backoff_max_s: float = Field(default=30.0, ge=0)
    """No single wait is longer than this, whatever the backoff or a `Retry-After` header says."""
    price_input_per_mtok: float | None = Field(default=None, ge=0)
    """USD per million input (prompt) tokens; unset means cost is unknown."""
    price_output_per_mtok: float | None = Field(default=None, ge=0)
    """USD per million output (completion) tokens; unset means cost is unknown."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra HTTP headers sent with every request (not for keys: use `api_key_env`)."""
    params: SamplingParams = Field(default_factory=SamplingParams)
    """Default sampling settings for every request to this endpoint."""

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value

    @field_validator("headers")
    @classmethod
    def _no_auth_header(cls, value: dict[str, str]) -> dict[str, str]:
        # A literal Authorization header would put a key in the config file; the key belongs in the environment.
        if any(k.lower() == "authorization" for k in value):
            raise ValueError("put the API key in an environment variable named by api_key_env, not in headers")
        return value

    @model_validator(mode="after")
    def _url_for_openai(self) -> Endpoint:
        if self.provider == "openai" and self.base_url is None:
            raise ValueError("base_url is required for provider 'openai' (e.g. http://localhost:8000/v1)")
        if self.backoff_max_s < self.backoff_base_s:
            raise ValueError("backoff_max_s must be at least backoff_base_s")
        return self

    @property
    def priced(self) -> bool:
        """Whether both prices are known, so calls have a cost."""
        return self.price_input_per_mtok is not None and self.price_output_per_mtok is not None

    def cost(self, input_tokens: int, output_tokens: int) -> float | None:
        """USD for one call with these token counts, or None when the endpoint is unpriced."""
        if self.price_input_per_mtok is None or self.price_output_per_mtok is None:
            return None
        return (input_tokens * self.price_input_per_mtok + output_tokens * self.price_output_per_mtok) / 1_000_000

    def describe(self) -> str:
        """How errors name the endpoint: its name, model and where it is (never a key)."""
        where = self.base_url or "built-in"
        return f"endpoint '{self.name}' (model {self.model} at {where})"


OFFLINE_ENDPOINT = Endpoint(
    name=OFFLINE,
    provider="offline",
    model="assay-offline",
    max_concurrency=64,
    max_retries=0,
    price_input_per_mtok=0.0,
    price_output_per_mtok=0.0,
)
"""The built-in deterministic endpoint: always present, free, no network."""
