"""The comparison chart as drawing primitives, written out as SVG here and as PNG by the CLI.

One geometry for both formats: the PNG is drawn from the same primitives (Pillow), so the two
cannot disagree.  Axis ticks are round numbers (1, 2, 2.5 or 5 times a power of ten).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from html import escape

from tmec.carbon.compare import SCOPES, Comparison

__all__ = ["Figure", "Line", "Text", "comparison_figure", "nice_ticks", "to_svg"]

W, H = 960, 580
LEFT, RIGHT, TOP, BOTTOM = 80, 330, 50, 130
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True, slots=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str = "black"
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    size: int = 12
    colour: str = "black"
    vertical: bool = False


@dataclass
class Figure:
    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


def nice_ticks(top: float, count: int = 6) -> list[float]:
    """Round tick values from 0 to at least ``top``: steps of 1, 2, 2.5 or 5 × 10^k."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def _label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def comparison_figure(c: Comparison) -> Figure:
    fig = Figure(W, H)
    years = [p["year"] for p in c.series[0].points] if c.series else [2026]
    top = max([float(p["eur_per_t"]) for s in c.series for p in s.points] + [1.0])
    ticks = nice_ticks(top)
    x0, x1, y_top = years[0], years[-1], ticks[-1]

    def px(year: float) -> float:
        return LEFT + (year - x0) / ((x1 - x0) or 1) * (W - LEFT - RIGHT)

    def py(v: float) -> float:
        return H - BOTTOM - v / y_top * (H - TOP - BOTTOM)

    fig.texts.append(
        Text(
            W / 2,
            24,
            f"CBAM cost per tonne of CN {c.cn}, {x0}-{x1} (EUR/t at EUR {c.price} per t CO2e)",
            "middle",
            15,
        )
    )
    fig.lines.append(Line(((LEFT, H - BOTTOM), (W - RIGHT, H - BOTTOM))))
    fig.lines.append(Line(((LEFT, TOP), (LEFT, H - BOTTOM))))
    for v in ticks:
        fig.lines.append(Line(((LEFT, py(v)), (W - RIGHT, py(v))), "#e5e5e5"))
        fig.texts.append(Text(LEFT - 8, py(v) + 4, _label(v), "end"))
    for y in years:
        fig.lines.append(Line(((px(y), H - BOTTOM), (px(y), H - BOTTOM + 5))))
        fig.texts.append(Text(px(y), H - BOTTOM + 20, str(y), "middle"))
    fig.texts.append(Text((LEFT + W - RIGHT) / 2, H - BOTTOM + 42, "year of import", "middle"))
    fig.texts.append(Text(22, (TOP + H - BOTTOM) / 2, "EUR per tonne of good", "middle", vertical=True))
    legend_x, legend_y = W - RIGHT + 20, TOP + 10
    for i, s in enumerate(c.series):
        colour = COLOURS[i % len(COLOURS)]
        dashed = s.scope == "cbam_actual"
        fig.lines.append(
            Line(tuple((px(p["year"]), py(float(p["eur_per_t"]))) for p in s.points), colour, 2.0, dashed)
        )
        fig.lines.append(
            Line(
                ((legend_x, legend_y + 18 * i - 4), (legend_x + 24, legend_y + 18 * i - 4)),
                colour,
                2.0,
                dashed,
            )
        )
        route = f", route {s.route}" if s.route else ""
        fig.texts.append(Text(legend_x + 30, legend_y + 18 * i, f"{s.name}{route}", colour=colour))
    y = legend_y + 18 * len(c.series) + 24
    if c.claims:
        fig.texts.append(Text(legend_x, y, "Published claims (other scope, not ranked):", size=11))
        for claim in c.claims:
            y += 16
            fig.texts.append(
                Text(
                    legend_x,
                    y,
                    f"{claim.origin} {claim.value}: {claim.label}"[:52],
                    size=11,
                    colour="#555555",
                )
            )
    notes = [
        "Solid: " + SCOPES["cbam_default"].split(" (")[0] + ".",
        "Dashed: " + SCOPES["cbam_actual"].split(" (")[0] + ".",
        "Certificates = embedded emissions - CBAM factor x CSCF x benchmark; " + c.price_note + ".",
    ]
    lines = [part for note in notes for part in textwrap.wrap(note.replace("€", "EUR "), 150)]
    for i, part in enumerate(lines):
        fig.texts.append(Text(20, H - BOTTOM + 62 + 13 * i, part, size=10, colour="#444444"))
    return fig


def to_svg(fig: Figure) -> str:
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{fig.width}" height="{fig.height}" '
        f'viewBox="0 0 {fig.width} {fig.height}" font-family="sans-serif">',
        f'<rect width="{fig.width}" height="{fig.height}" fill="white"/>',
    ]
    for ln in fig.lines:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in ln.points)
        dash = ' stroke-dasharray="7 4"' if ln.dashed else ""
        out.append(
            f'<polyline fill="none" stroke="{ln.colour}" stroke-width="{ln.width:g}"{dash} points="{pts}"/>'
        )
    for t in fig.texts:
        rotate = f' transform="rotate(-90 {t.x:.1f} {t.y:.1f})"' if t.vertical else ""
        out.append(
            f'<text x="{t.x:.1f}" y="{t.y:.1f}" font-size="{t.size}" fill="{t.colour}" '
            f'text-anchor="{t.anchor}"{rotate}>{escape(t.text)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
