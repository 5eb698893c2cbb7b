"""When to retry and how long to wait: exponential backoff with full jitter, and `Retry-After`."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = frozenset({408, 409, 425, 429})
"""4xx statuses worth retrying (timeout, conflict, too early, rate limit); every 5xx is retryable too."""
RETRY_AFTER_STATUS = frozenset({429, 503})
"""Statuses whose `Retry-After` header is honoured."""


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUS or 500 <= status <= 599


def backoff_delay(retry: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in [0, min(max, base·2^(retry-1))].

    Full jitter spreads clients that failed together, which is what a rate-limited server needs.
    """
    bound = min(max_s, base_s * 2 ** (retry - 1))
    return rng.uniform(0.0, bound)


def parse_retry_after(value: str | None, now_epoch_s: float) -> float | None:
    """Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP date (RFC 9110 §10.2.3).

    None when absent or unreadable; a date in the past means 0.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # an HTTP date is always GMT
            return None
        return max(0.0, when.timestamp() - now_epoch_s)
    if seconds != seconds or seconds < 0:  # NaN or negative
        return None
    return seconds
