"""Inline SVG for the goals dashboard: an indicator's trajectory against its target path."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from regionatlas.web.pages.render import format_number

OBSERVED, PATH = "#0072b2", "#d55e00"  # Okabe-Ito, >= 3:1 on white


def _t(period: str) -> float:
    d = date.fromisoformat(period)
    return d.year + (d.timetuple().tm_yday - 1) / 366


def progress_svg(
    chart_id: str, ind: dict[str, Any], lang: str, title: str, labels: dict[str, str],
    width: int = 460, height: int = 200,
) -> str:  # fmt: skip
    """Observed values (line and dots) and the straight target path (dashed) from the
    baseline to the target; an empty string when nothing can be drawn."""
    pts = [p for p in ind["points"] if p["value"] is not None]
    path = ind["path"]
    if not pts and not path:
        return ""
    xs = [_t(p["period"]) for p in pts] + [_t(p[0]) for p in path]
    ys = [p["value"] for p in pts] + [p[1] for p in path]
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x1 = x0 + 1
    lo, hi = min(ys), max(ys)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    pl, pr, pt, pb = 70, 20, 26, 30

    def x(v: float) -> float:
        return pl + (width - pl - pr) * (v - x0) / (x1 - x0)

    def y(v: float) -> float:
        return pt + (height - pt - pb) * (1 - (v - lo) / (hi - lo))

    desc = "; ".join(f"{p['period']}: {format_number(p['value'], lang)}" for p in pts)
    if path:
        desc += f"; {labels['target']} {path[1][0]}: {format_number(path[1][1], lang)}"
    out = [
        f'<svg class="chart progress" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<line x1="{pl}" y1="{height - pb}" x2="{width - pr}" y2="{height - pb}" class="axis"/>',
        f'<text x="{pl - 6}" y="{y(hi) + 10:.1f}" text-anchor="end">'
        f"{escape(format_number(hi, lang))}</text>",
        f'<text x="{pl - 6}" y="{y(lo):.1f}" text-anchor="end">'
        f"{escape(format_number(lo, lang))}</text>",
        f'<text x="{pl}" y="{height - 10}">{int(x0)}</text>',
        f'<text x="{width - pr}" y="{height - 10}" text-anchor="end">{int(x1)}</text>',
    ]
    if path:
        (p0, v0), (p1, v1) = path
        out.append(
            f'<line x1="{x(_t(p0)):.1f}" y1="{y(v0):.1f}" x2="{x(_t(p1)):.1f}" y2="{y(v1):.1f}" '
            f'stroke="{PATH}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<circle cx="{x(_t(p1)):.1f}" cy="{y(v1):.1f}" r="5" fill="none" stroke="{PATH}" '
            'stroke-width="2"/>'
        )
    if len(pts) > 1:
        line = " ".join(f"{x(_t(p['period'])):.1f},{y(p['value']):.1f}" for p in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="{OBSERVED}" stroke-width="2"/>')
    for p in pts:
        out.append(
            f'<circle cx="{x(_t(p["period"])):.1f}" cy="{y(p["value"]):.1f}" r="4" '
            f'fill="{OBSERVED}"/>'
        )
    out.append(
        f'<text x="{pl}" y="14" fill="{OBSERVED}">● {escape(labels["observed"])}</text>'
        f'<text x="{pl + 150}" y="14" fill="{PATH}">– – {escape(labels["path"])}</text>'
    )
    out.append("</svg>")
    return "".join(out)
