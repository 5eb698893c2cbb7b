"""What a model call gives back: `ModelReply` on success, `ModelError` on failure."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Usage(BaseModel):
    """Token counts of one call, as the server reported them."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    input_tokens: int = 0
    """Prompt tokens (`usage.prompt_tokens`)."""
    output_tokens: int = 0
    """Generated tokens (`usage.completion_tokens`)."""
    reported: bool = True
    """False when the server sent no `usage`; the counts are then 0 and the call's cost is unknown."""


class ModelReply(BaseModel):
    """A successful reply. Its text is untrusted model output: display it, never execute it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    text: str
    """The reply's content; '' when the server sent none (a refusal or tool calls, see `refusal`, `finish_reason`)."""
    finish_reason: str | None = None
    """Why generation stopped: `stop`, `length`, `content_filter`, `tool_calls`, ... as the server said."""
    usage: Usage
    """Token counts of the call that produced this reply (for a cached reply: of the original call)."""
    model: str
    """Model name the server reported (it may differ from the requested alias)."""
    cached: bool = False
    """True when the reply came from the response cache; it cost nothing this time."""
    latency_ms: float = 0.0
    """Time from the first attempt to the reply, retries and waits included (cache lookup time when cached)."""
    cost_usd: float | None = None
    """USD this call cost: 0 when cached, None when the endpoint is unpriced or usage was not reported."""
    attempts: int = 1
    """HTTP attempts made (1 + retries); 0 for a cached reply."""
    reasoning: str | None = None
    """`reasoning_content` (or `reasoning`) the server returned alongside the answer, if any."""
    refusal: str | None = None
    """The `refusal` message when the model refused instead of answering."""


class ModelError(Exception):
    """A model call that failed for good (after retries when retryable). The message never holds an API key."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        retryable: bool = False,
        status: int | None = None,
        attempts: int = 1,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        """Short category for counting: `timeout`, `connect`, `protocol`, `malformed`, `http_429`, `config`, ..."""
        self.retryable = retryable
        """Whether the failure was of a kind worth retrying (it may still be final once retries ran out)."""
        self.status = status
        """HTTP status, when the server answered."""
        self.attempts = attempts
        """Attempts made before giving up."""
        self.retry_after_s = retry_after_s
        """Wait the server asked for (`Retry-After`), when it gave one."""

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields would be lost by Exception's default pickling (worker processes, job queues).
        fields = {"kind": self.kind, "retryable": self.retryable, "status": self.status,
                  "attempts": self.attempts, "retry_after_s": self.retry_after_s}
        return (_rebuild_error, (self.message, fields))

    def __repr__(self) -> str:
        return f"ModelError({self.message!r}, kind={self.kind!r}, status={self.status}, attempts={self.attempts})"


def _rebuild_error(message: str, fields: dict[str, Any]) -> ModelError:
    return ModelError(message, **fields)
