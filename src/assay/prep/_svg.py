"""Small server-drawn SVG charts for the HTML report: horizontal bars, histograms, target-vs-actual bars.

Every label goes through `html.escape`: category names come from the data and are untrusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")


def bars(items: Sequence[tuple[str, float]], *, title: str, width: int = 560, unit: str = "") -> str:
    """Horizontal bars, one per (label, value), largest first as given."""
    rows = list(items)[:30]
    bar_h, label_w, top = 20, 170, 24
    height = top + bar_h * max(1, len(rows)) + 10
    peak = max((v for _, v in rows), default=0) or 1
    span = width - label_w - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {_FONT}>', f'<text x="0" y="15" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = top + i * bar_h
        w = max(1.0, span * value / peak) if value else 0
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{escape(_fmt(value))}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: np.ndarray, *, title: str, bins: int = 30, width: int = 560, height: int = 180,
              log: bool = True) -> str:
    """Histogram of non-negative values; log-spaced bins when the spread is wide (lengths usually are)."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {_FONT}>', f'<text x="0" y="15" font-weight="bold">{escape(title)}</text>']
    if len(values) == 0:
        parts.append('<text x="0" y="40">no data</text></svg>')
        return "".join(parts)
    lo, hi = float(values.min()), float(values.max())
    if log and lo >= 0 and hi > 10 * max(lo, 1):
        edges = np.unique(np.round(np.geomspace(max(lo, 1), hi + 1, bins + 1)))
        edges[0] = min(edges[0], lo)
    else:
        edges = np.linspace(lo, hi + 1e-9 if hi == lo else hi, bins + 1)
    counts, edges = np.histogram(values, bins=edges)
    left, bottom, top = 40, height - 30, 24
    plot_w, plot_h = width - left - 10, bottom - top
    peak = counts.max() or 1
    bw = plot_w / len(counts)
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        parts.append(f'<rect x="{left + i * bw:.1f}" y="{bottom - h:.1f}" width="{max(bw - 1, 1):.1f}" '
                     f'height="{h:.1f}" fill="{COLOURS[0]}"><title>{escape(_fmt(edges[i]))}–{escape(_fmt(edges[i + 1]))}: '
                     f'{int(c)}</title></rect>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="#555"/>')
    parts.append(f'<text x="{left}" y="{bottom + 16}">{escape(_fmt(edges[0]))}</text>')
    parts.append(f'<text x="{left + plot_w}" y="{bottom + 16}" text-anchor="end">{escape(_fmt(edges[-1]))}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + 10}" text-anchor="end">{int(peak)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def paired_bars(rows: Sequence[tuple[str, float, float]], *, title: str, names: tuple[str, str] = ("target", "actual"),
                width: int = 560) -> str:
    """Two bars per label (e.g. target share and actual share), values in 0..1 drawn as percentages."""
    bar_h, label_w, top = 14, 170, 40
    height = top + 2 * bar_h * max(1, len(rows)) + 8 * len(rows) + 10
    span = width - label_w - 70
    peak = max([max(a, b) for _, a, b in rows] + [1e-9])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(title)}" {_FONT}>', f'<text x="0" y="15" font-weight="bold">{escape(title)}</text>']
    for k, name in enumerate(names):
        parts.append(f'<rect x="{label_w + k * 90}" y="22" width="10" height="10" fill="{COLOURS[k]}"/>'
                     f'<text x="{label_w + k * 90 + 14}" y="31">{escape(name)}</text>')
    y = top
    for label, a, b in rows:
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h + 4}" text-anchor="end">{escape(short)}</text>')
        for k, value in enumerate((a, b)):
            w = span * value / peak
            parts.append(f'<rect x="{label_w}" y="{y + k * bar_h}" width="{w:.1f}" height="{bar_h - 2}" fill="{COLOURS[k]}"/>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + k * bar_h + 11}">{value * 100:.1f}%</text>')
        y += 2 * bar_h + 8
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    v = float(value)
    return f"{v:,.0f}" if v == int(v) or abs(v) >= 100 else f"{v:,.2f}"
