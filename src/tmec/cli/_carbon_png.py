"""The comparison chart as PNG: the SVG's primitives (:mod:`tmec.carbon.chart`) drawn with Pillow."""

from __future__ import annotations

import io
import itertools
import math

from tmec.carbon.chart import Figure

__all__ = ["to_png"]

SCALE = 2  # drawn at twice the size: readable ticks on a high-density screen


def _dashes(
    p: tuple[float, float], q: tuple[float, float], on: float = 7, off: float = 4
) -> list[tuple[float, ...]]:
    length = math.dist(p, q)
    if length == 0:
        return []
    out: list[tuple[float, ...]] = []
    s = 0.0
    while s < length:
        e = min(s + on, length)
        a, b = s / length, e / length
        out.append(
            (
                p[0] + (q[0] - p[0]) * a,
                p[1] + (q[1] - p[1]) * a,
                p[0] + (q[0] - p[0]) * b,
                p[1] + (q[1] - p[1]) * b,
            )
        )
        s = e + off
    return out


def to_png(fig: Figure) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (fig.width * SCALE, fig.height * SCALE), "white")
    draw = ImageDraw.Draw(img)
    for ln in fig.lines:
        width = max(1, round(ln.width * SCALE))
        pts = [(x * SCALE, y * SCALE) for x, y in ln.points]
        if ln.dashed:
            for p, q in itertools.pairwise(pts):
                for x0, y0, x1, y1 in _dashes(p, q, 7 * SCALE, 4 * SCALE):
                    draw.line([(x0, y0), (x1, y1)], fill=ln.colour, width=width)
        else:
            draw.line(pts, fill=ln.colour, width=width, joint="curve")
    for t in fig.texts:
        font = ImageFont.load_default(size=t.size * SCALE)
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[t.anchor]
        if t.vertical:
            box = draw.textbbox((0, 0), t.text, font=font)
            label = Image.new(
                "RGBA", (int(box[2] - box[0]) + 4, int(box[3] - box[1]) + 4), (255, 255, 255, 0)
            )
            ImageDraw.Draw(label).text((2 - box[0], 2 - box[1]), t.text, font=font, fill=t.colour)
            rotated = label.rotate(90, expand=True)
            img.paste(
                rotated,
                (round(t.x * SCALE - rotated.width / 2), round(t.y * SCALE - rotated.height / 2)),
                rotated,
            )
        else:
            draw.text((t.x * SCALE, t.y * SCALE), t.text, font=font, fill=t.colour, anchor=anchor)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
