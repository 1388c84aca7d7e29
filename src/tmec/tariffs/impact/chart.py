"""A plain SVG chart of the trade loss versus the import-demand elasticity (no plotting library)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from tmec.tariffs.impact.sweep import SweepPoint

__all__ = ["loss_chart_svg"]

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 400, 70, 20, 40, 50


def _billions(value: Decimal) -> float:
    return float(value) / 1e9  # drawing only: pixel positions, never money


def loss_chart_svg(points: Sequence[SweepPoint], *, title: str, reference: Decimal | None = None) -> str:
    """Loss (positive, billions) under SMART and CES for each |Em|, with an optional reference line."""
    xs = [abs(float(p.em)) for p in points]
    series = {
        "SMART linear": [-_billions(p.smart_change) for p in points],
        "CES exact": [-_billions(p.ces_change) for p in points],
    }
    top = max([*(v for s in series.values() for v in s), _billions(reference) if reference else 0.0, 0.1])
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1.0

    def px(x: float) -> float:
        return LEFT + (x - x0) / span * (W - LEFT - RIGHT)

    def py(y: float) -> float:
        return H - BOTTOM - y / (top * 1.1) * (H - TOP - BOTTOM)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="black"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="black"/>',
        f'<text x="{W / 2}" y="{H - 12}" text-anchor="middle">import-demand elasticity |Em|</text>',
        f'<text x="16" y="{H / 2}" transform="rotate(-90 16 {H / 2})" text-anchor="middle">'
        "loss of trade (USD billions)</text>",
    ]
    for x in xs:
        out.append(f'<text x="{px(x):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{x:g}</text>')
    for i in range(6):
        y = top * 1.1 * i / 5
        out.append(f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
        out.append(f'<line x1="{LEFT}" y1="{py(y):.1f}" x2="{W - RIGHT}" y2="{py(y):.1f}" stroke="#eee"/>')
    colours = {"SMART linear": "#1f77b4", "CES exact": "#d62728"}
    for n, (name, ys) in enumerate(series.items()):
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
        out.append(f'<polyline fill="none" stroke="{colours[name]}" stroke-width="2" points="{path}"/>')
        out.append(
            f'<text x="{LEFT + 10}" y="{TOP + 14 + 16 * n}" fill="{colours[name]}">{escape(name)}</text>'
        )
    if reference is not None:
        y = py(_billions(reference))
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" '
            'stroke="gray" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{W - RIGHT - 4}" y="{y - 4:.1f}" text-anchor="end" fill="gray">'
            f"claim: {_billions(reference):.1f} bn</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
