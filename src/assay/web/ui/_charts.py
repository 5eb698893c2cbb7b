"""Interval charts drawn on the server as inline SVG (the CSP allows no script and no inline style):
a point and its interval per row on one shared axis. `templates/_charts.html` draws the geometry."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float
    x: float | None
    low: float | None
    high: float | None
    text: str


@dataclass(frozen=True)
class Chart:
    """Geometry of the interval chart, in SVG user units."""

    width: int
    height: int
    left: int
    right: int
    rows: list[ChartRow]
    ticks: list[tuple[float, str]]
    references: list[tuple[float, str]]


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def interval_chart(points: Sequence[tuple[str, dict[str, Any]]], *, lo: float | None = None, hi: float | None = None,
                   step: float | None = None, references: Sequence[float] = (), fmt: str = "{:.2f}",
                   row_height: int = 26) -> Chart:
    """Rows of (label, {"value", "ci_low", "ci_high"}); the axis spans [lo, hi] (default: the data,
    widened to round steps)."""
    width, left, right = 560, 190, 540
    values = [n for _, e in points for k in ("value", "ci_low", "ci_high") if (n := _num(e.get(k))) is not None]
    a = lo if lo is not None else min(values, default=0.0)
    b = hi if hi is not None else max(values, default=1.0)
    if b <= a:
        a, b = a - 1.0, b + 1.0
    step = step or _nice_step((b - a) / 5)
    a = math.floor(a / step) * step if lo is None else a
    b = math.ceil(b / step) * step if hi is None else b

    def x(v: float | None) -> float | None:
        return None if v is None else round(left + (min(max(v, a), b) - a) / (b - a) * (right - left), 1)

    rows = []
    for i, (label, e) in enumerate(points):
        v, low, high = _num(e.get("value")), _num(e.get("ci_low")), _num(e.get("ci_high"))
        text = "—" if v is None else fmt.format(v) + (
            f" ({fmt.format(low)}–{fmt.format(high)})" if low is not None and high is not None else "")
        rows.append(ChartRow(label, 30 + i * row_height, x(v), x(low), x(high), text))
    n = round((b - a) / step)
    ticks = [(x(a + step * k) or 0.0, fmt.format(a + step * k)) for k in range(n + 1)]
    refs = [(x(r) or 0.0, fmt.format(r)) for r in references if a <= r <= b]
    return Chart(width, 30 + len(points) * row_height + 10, left, right, rows, ticks, refs)


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def agreement_chart(points: Sequence[tuple[str, dict[str, Any]]]) -> Chart:
    """Agreement coefficients: up to 1, down to 0 or the lowest bound, with Krippendorff's 0.667 and 0.8."""
    lows = [n for _, e in points for k in ("value", "ci_low") if (n := _num(e.get(k))) is not None]
    start = max(-1.0, min(0.0, math.floor(min(lows, default=0.0) * 5) / 5))
    return interval_chart(points, lo=start, hi=1.0, step=0.2, references=(0.667, 0.8), fmt="{:.2f}")
