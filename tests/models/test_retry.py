from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from assay.models import backoff_delay, parse_retry_after

NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("Wed, 21 Oct 2015 07:28:12 GMT", 12.0),  # RFC 9110's example date, 12 s after NOW
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: go now
        (None, None),
        ("", None),
        ("soon", None),
        ("-3", None),
        ("nan", None),
    ],
)
def test_retry_after_seconds_or_http_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_retry_after_http_date_round_trip() -> None:
    header = format_datetime(datetime.fromtimestamp(NOW + 90, tz=UTC), usegmt=True)
    assert parse_retry_after(header, NOW) == 90.0


def test_full_jitter_stays_within_the_doubling_bound() -> None:
    rng = random.Random(7)
    for retry, bound in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 10.0), (12, 10.0)]:
        delays = [backoff_delay(retry, 0.5, 10.0, rng) for _ in range(300)]
        assert all(0.0 <= d <= bound for d in delays)
        # Full jitter spreads over the whole interval, not just near the bound.
        assert min(delays) < bound * 0.1 and max(delays) > bound * 0.9
