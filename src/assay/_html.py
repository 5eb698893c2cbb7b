"""Self-contained HTML documents for reports Assay writes to disk: tables and SVG charts drawn on the
server, no scripts, no network. Every piece of data-derived text is escaped (model names, criteria
and domains come from imported files and are untrusted)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from assay import __version__
from assay.io.containers._writer import create_temp

FONT = 'font-family="system-ui, sans-serif" font-size="12"'
COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")
CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { margin-top: 1.4em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #666; } .grid { display: flex; flex-wrap: wrap; gap: 1.5em; }
"""


def table(head: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    out = ["<table><tr>", *(f"<th>{escape(str(h))}</th>" for h in head), "</tr>"]
    for row in rows:
        out.append("<tr>")
        out.extend(f'<td class="num">{escape(str(c))}</td>' if i in numeric else f"<td>{escape(str(c))}</td>"
                   for i, c in enumerate(row))
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def page(title: str, body: Sequence[str], *, lang: str = "en") -> str:
    return "".join([
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        f"<style>{CSS}</style></head><body>", *body,
        f'<p class="muted">Written by Assay {escape(__version__)}.</p></body></html>',
    ])


def interval_chart(rows: Sequence[tuple[str, float | None, float | None, float | None]], *, title: str,
                   width: int = 620, fmt: str = "{:.2f}", lo: float | None = None, hi: float | None = None) -> str:
    """A point with its interval per row (label, value, low, high), on one shared axis."""
    finite = [v for _, *vals in rows for v in vals if v is not None and not math.isnan(v)]
    if not finite:
        return f'<p class="muted">{escape(title)}: no data</p>'
    a = min(finite) if lo is None else lo
    b = max(finite) if hi is None else hi
    if b <= a:
        a, b = a - 1, b + 1
    pad = (b - a) * 0.05
    a, b = a - pad, b + pad
    label_w, right, top, row_h = 180, 90, 28, 22
    span = width - label_w - right
    height = top + row_h * len(rows) + 24

    def x(v: float) -> float:
        return label_w + (v - a) / (b - a) * span

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {FONT}>', f'<text x="0" y="15" font-weight="bold">{escape(title)}</text>']
    for k in range(5):
        v = a + (b - a) * (k + 0.5) / 5
        parts.append(f'<line x1="{x(v):.1f}" y1="{top - 4}" x2="{x(v):.1f}" y2="{height - 20}" stroke="#eee"/>'
                     f'<text x="{x(v):.1f}" y="{height - 6}" text-anchor="middle" fill="#666">{escape(fmt.format(v))}</text>')
    for i, (label, value, low, high) in enumerate(rows):
        y = top + i * row_h + row_h / 2
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(short)}</text>')
        if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
            parts.append(f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" stroke="{COLOURS[0]}" '
                         f'stroke-width="2"/>')
        if value is not None and not math.isnan(value):
            text = fmt.format(value) + ("" if low is None or high is None or math.isnan(low)
                                        else f" ({fmt.format(low)}–{fmt.format(high)})")
            parts.append(f'<circle cx="{x(value):.1f}" cy="{y:.1f}" r="4" fill="{COLOURS[0]}"><title>{escape(text)}'
                         f'</title></circle>')
            parts.append(f'<text x="{width - right + 6}" y="{y + 4:.1f}">{escape(fmt.format(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_html(path: str | Path, html: str) -> Path:
    """Write the document beside its destination and move it into place: never half a report."""
    destination = Path(path)
    temp = create_temp(destination)
    try:
        temp.write_text(html, encoding="utf-8")
        os.replace(temp, destination)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return destination


__all__ = ["escape", "interval_chart", "page", "table", "write_html"]
