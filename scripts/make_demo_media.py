#!/usr/bin/env python3
"""Write the offline demo artwork (abstract "AI art" SVGs) into static/demo/.

Produces ``img-01.svg`` ... ``img-24.svg`` (gallery images) and ``video-01-poster.svg`` ...
``video-06-poster.svg`` (16:9 thumbnails matching the clips made by make_demo_videos.sh).

Stdlib only and fully deterministic: every image is drawn from ``random.Random(seed)`` with a
fixed seed, so rerunning the script rewrites byte-identical files. Each SVG is standalone
(no external references, no scripts, no text) and stays well under ~6 KB.

Usage: python3 scripts/make_demo_media.py [output_dir]
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "static" / "demo"
MAX_BYTES = 6 * 1024

SQUARE = (1024, 1024)
LANDSCAPE = (1344, 768)
PORTRAIT = (768, 1344)
WIDE = (1280, 720)

Point = tuple[float, float]

# Palettes: (sky top, sky mid, horizon glow, sun/highlight, far land, near land).
PALETTES: dict[str, tuple[str, ...]] = {
    "dusk": ("#1b1f4b", "#6b3a7d", "#f28f6b", "#ffd6a0", "#7a4a7e", "#1a1030"),
    "ember": ("#2b0f2e", "#8a1f3d", "#f26a3d", "#ffd166", "#6b2540", "#180a1c"),
    "arctic": ("#0b2545", "#3e7cb1", "#b8e0f5", "#f5fbff", "#6a9cc4", "#102a4c"),
    "mint": ("#e9f5ee", "#b8e6d0", "#ffe8c2", "#ff9f80", "#5fae9b", "#24544f"),
    "pastel": ("#ffd8cc", "#ffb3c1", "#fff1e6", "#ff7f6e", "#c9a3d6", "#7a5c9e"),
    "forest": ("#0e2a24", "#4f7f6c", "#cfe3c4", "#fbf1c7", "#6d957f", "#0f231d"),
    "neon": ("#0d0221", "#2d00f7", "#f20089", "#ff9e00", "#6a00f4", "#090114"),
    "desert": ("#f08a4b", "#f7c98a", "#fff1d0", "#fff8e8", "#e08a5a", "#8c3b2a"),
    "sea": ("#0a1931", "#185adb", "#7fd1ff", "#ffc947", "#1b5e8c", "#07142b"),
    "lavender": ("#2e1f47", "#6d5a9e", "#d7b9f2", "#fff0f5", "#8f6fb8", "#1b1230"),
    "paper": ("#f3ead8", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#1d1e2c"),
    "jade": ("#03110f", "#0c4a48", "#57c4a6", "#f7c873", "#1f6f68", "#020b0a"),
    "polar": ("#0b0620", "#2a1650", "#ff5fa2", "#fff0f5", "#5ee7ff", "#05030d"),
    "sage": ("#eeeae0", "#d17b5b", "#2f4858", "#86a789", "#e9b44c", "#33312e"),
}


# --------------------------------------------------------------------------- helpers


def num(x: float) -> str:
    """Compact number formatting: integers when large, one decimal otherwise."""
    if abs(x) >= 20:
        return str(round(x))
    s = f"{x:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def rgb(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def mix(a: str, b: str, t: float) -> str:
    """Linear blend of two #rrggbb colours (t=0 -> a, t=1 -> b)."""
    t = max(0.0, min(1.0, t))
    ca, cb = rgb(a), rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def ramp(colors: Sequence[str], t: float) -> str:
    """Sample a multi-stop colour ramp at t in [0, 1]."""
    t = max(0.0, min(1.0, t)) * (len(colors) - 1)
    i = min(int(t), len(colors) - 2)
    return mix(colors[i], colors[i + 1], t - i)


def smooth(pts: Sequence[Point]) -> str:
    """Catmull-Rom spline through pts as an SVG path fragment starting with M."""
    out = [f"M{num(pts[0][0])} {num(pts[0][1])}"]
    for i in range(len(pts) - 1):
        p0 = pts[i - 1] if i else pts[i]
        p1, p2 = pts[i], pts[i + 1]
        p3 = pts[i + 2] if i + 2 < len(pts) else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out.append(
            f"C{num(c1[0])} {num(c1[1])} {num(c2[0])} {num(c2[1])} {num(p2[0])} {num(p2[1])}"
        )
    return "".join(out)


def ridge(rng: random.Random, w: float, base: float, rough: float, steps: int = 4) -> list[Point]:
    """Mountain ridge line by midpoint displacement (2**steps + 1 points)."""
    ys = [base + rng.uniform(-rough, rough) * 0.6, base + rng.uniform(-rough, rough) * 0.6]
    amp = rough
    for _ in range(steps):
        nxt: list[float] = []
        for a, b in zip(ys, ys[1:], strict=False):
            nxt += [a, (a + b) / 2 + rng.uniform(-amp, amp)]
        nxt.append(ys[-1])
        ys, amp = nxt, amp * 0.55
    n = len(ys) - 1
    return [(w * i / n, y) for i, y in enumerate(ys)]


def poly(pts: Sequence[Point]) -> str:
    return "M" + " ".join(f"{num(x)} {num(y)}" for x, y in pts)


class Svg:
    """Tiny SVG document builder collecting <defs> and body elements."""

    def __init__(self, w: int, h: int, prefix: str) -> None:
        self.w, self.h, self.prefix = w, h, prefix
        self.defs: list[str] = []
        self.body: list[str] = []
        self._n = 0
        self._blurs: dict[float, str] = {}

    @property
    def m(self) -> float:
        return min(self.w, self.h)

    def new_id(self) -> str:
        self._n += 1
        return f"{self.prefix}{self._n}"

    def add(self, *elements: str) -> None:
        self.body.extend(elements)

    @staticmethod
    def _stops(stops: Sequence[tuple[float, str] | tuple[float, str, float]]) -> str:
        parts = []
        for s in stops:
            op = f' stop-opacity="{num(s[2])}"' if len(s) > 2 and s[2] != 1 else ""
            parts.append(f'<stop offset="{num(s[0])}" stop-color="{s[1]}"{op}/>')
        return "".join(parts)

    def lin(
        self,
        stops: Sequence[tuple[float, str] | tuple[float, str, float]],
        x1: float = 0,
        y1: float = 0,
        x2: float = 0,
        y2: float = 1,
        user: bool = False,
    ) -> str:
        gid = self.new_id()
        units = ' gradientUnits="userSpaceOnUse"' if user else ""
        self.defs.append(
            f'<linearGradient id="{gid}" x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" '
            f'y2="{num(y2)}"{units}>{self._stops(stops)}</linearGradient>'
        )
        return f"url(#{gid})"

    def rad(
        self,
        stops: Sequence[tuple[float, str] | tuple[float, str, float]],
        cx: float = 0.5,
        cy: float = 0.5,
        r: float = 0.5,
        fx: float | None = None,
        fy: float | None = None,
    ) -> str:
        gid = self.new_id()
        focus = ""
        if fx is not None and fy is not None:
            focus = f' fx="{num(fx)}" fy="{num(fy)}"'
        self.defs.append(
            f'<radialGradient id="{gid}" cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}"{focus}>'
            f"{self._stops(stops)}</radialGradient>"
        )
        return f"url(#{gid})"

    def blur(self, sd: float) -> str:
        sd = round(sd)
        if sd not in self._blurs:
            fid = self.new_id()
            self.defs.append(
                f'<filter id="{fid}" x="-50%" y="-50%" width="200%" height="200%">'
                f'<feGaussianBlur stdDeviation="{sd}"/></filter>'
            )
            self._blurs[sd] = f"url(#{fid})"
        return self._blurs[sd]

    def grain(self, opacity: float = 0.08, freq: float = 0.75) -> None:
        """Overlay fine monochrome film grain (feTurbulence), like diffusion-model output."""
        fid = self.new_id()
        self.defs.append(
            f'<filter id="{fid}" x="0" y="0" width="100%" height="100%">'
            f'<feTurbulence type="fractalNoise" baseFrequency="{freq}" numOctaves="2" '
            f'seed="7" stitchTiles="stitch"/><feColorMatrix type="saturate" values="0"/>'
            "</filter>"
        )
        self.add(f'<rect width="100%" height="100%" filter="url(#{fid})" opacity="{opacity}"/>')

    def rect(self, fill: str, y: float = 0, h: float | None = None, extra: str = "") -> str:
        hh = self.h - y if h is None else h
        return (
            f'<rect y="{num(y)}" width="{self.w}" height="{num(hh)}" fill="{fill}"{extra}/>'
            if y
            else f'<rect width="{self.w}" height="{num(hh)}" fill="{fill}"{extra}/>'
        )

    def stars(self, rng: random.Random, count: int, y_max: float, color: str = "#fff") -> None:
        """Star field as round-capped zero-length strokes (a few bytes per star)."""
        for width, op, share in ((1.6, 0.55, 0.6), (2.6, 0.8, 0.3), (4, 0.95, 0.1)):
            pts = [
                f"M{round(rng.uniform(0, self.w))} {round(rng.uniform(0, y_max))}h0"
                for _ in range(max(1, round(count * share)))
            ]
            self.add(
                f'<path d="{"".join(pts)}" stroke="{color}" stroke-width="{width}" '
                f'stroke-linecap="round" opacity="{op}"/>'
            )

    def render(self) -> str:
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.w} {self.h}" '
            f'width="{self.w}" height="{self.h}">{defs}{"".join(self.body)}</svg>\n'
        )


# ---------------------------------------------------------------------- compositions


def sunset_peaks(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Layered mountain ridges fading into a glowing sunset sky."""
    w, h = s.w, s.h
    hz = h * rng.uniform(0.5, 0.6)
    s.add(s.rect(s.lin([(0, p[0]), (0.55, p[1]), (1, p[2])])))
    sx, sr = w * rng.uniform(0.3, 0.7), s.m * rng.uniform(0.07, 0.11)
    sy = hz - sr * rng.uniform(0.2, 1.4)
    s.add(
        f'<circle cx="{num(sx)}" cy="{num(sy)}" r="{num(sr * 3.2)}" fill="{p[3]}" '
        f'opacity=".45" filter="{s.blur(sr * 0.9)}"/>',
        f'<circle cx="{num(sx)}" cy="{num(sy)}" r="{num(sr)}" fill="{mix(p[3], "#ffffff", 0.4)}"/>',
    )
    for _ in range(rng.randint(2, 4)):
        cy = rng.uniform(h * 0.12, hz * 0.8)
        s.add(
            f'<ellipse cx="{num(rng.uniform(0, w))}" cy="{num(cy)}" '
            f'rx="{num(w * rng.uniform(0.15, 0.3))}" ry="{num(h * 0.012)}" '
            f'fill="{mix(p[2], p[3], 0.5)}" opacity=".5" '
            f'filter="{s.blur(h * 0.01)}"/>'
        )
    layers = 5
    for i in range(layers):
        t = i / (layers - 1)
        base = hz + (h - hz) * (t * 0.75) - h * 0.04
        rough = h * (0.16 - 0.09 * t)
        pts = ridge(rng, w, base, rough)
        col = mix(mix(p[2], p[4], 0.55), p[5], t**0.8)
        s.add(f'<path d="{poly(pts)} {w} {h} 0 {h}z" fill="{col}"/>')
        if i == 1:
            s.add(
                f'<rect y="{num(base - h * 0.02)}" width="{w}" height="{num(h * 0.08)}" '
                f'fill="{p[2]}" opacity=".35" filter="{s.blur(h * 0.02)}"/>'
            )
    s.grain(0.06)


def ocean_waves(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Sun or moon over a calm sea with layered swells and a shimmering reflection."""
    w, h = s.w, s.h
    hz = h * rng.uniform(0.42, 0.55)
    s.add(s.rect(s.lin([(0, p[0]), (0.6, p[1]), (1, p[2])]), h=hz + 2))
    sx, sr = w * rng.uniform(0.35, 0.65), s.m * rng.uniform(0.06, 0.1)
    sy = hz - sr * rng.uniform(1.2, 2.8)
    s.add(
        f'<circle cx="{num(sx)}" cy="{num(sy)}" r="{num(sr * 3)}" fill="{p[3]}" opacity=".4" '
        f'filter="{s.blur(sr)}"/>',
        f'<circle cx="{num(sx)}" cy="{num(sy)}" r="{num(sr)}" fill="{mix(p[3], "#ffffff", 0.5)}"/>',
    )
    n = 7
    for i in range(n):
        t = i / (n - 1)
        base = hz + (h - hz) * (t**1.6) * 0.92
        amp = h * (0.004 + 0.03 * t)
        wl = w * rng.uniform(0.25, 0.45) * (0.5 + t)
        ph = rng.uniform(0, math.tau)
        k = 12
        pts = [
            (
                -20 + (w + 40) * j / k,
                base
                + amp * math.sin(math.tau * j * (w / k) / wl + ph)
                + amp * 0.4 * math.sin(j * 1.7 + ph),
            )
            for j in range(k + 1)
        ]
        col = mix(mix(p[1], p[2], 0.3), p[5], 0.25 + 0.75 * t)
        s.add(
            f'<path d="{smooth(pts)}L{w + 20} {h + 20} -20 {h + 20}z" fill="{col}" '
            f'stroke="{mix(col, p[3], 0.5)}" stroke-opacity=".5" stroke-width="{num(1 + 2 * t)}"/>'
        )
    segs = []
    for j in range(16):
        y = hz + (h - hz) * (0.025 + 0.055 * j) + rng.uniform(-4, 4)
        half = sr * (1.3 - 0.05 * j) * rng.uniform(0.25, 1.1)
        segs.append(f"M{num(sx - half + rng.uniform(-0.6, 0.6) * sr)} {num(y)}h{num(2 * half)}")
    s.add(
        f'<path d="{"".join(segs)}" stroke="{mix(p[3], "#ffffff", 0.3)}" '
        f'stroke-width="{num(h * 0.005)}" stroke-linecap="round" opacity=".45" '
        f'filter="{s.blur(h * 0.003)}"/>'
    )
    s.grain(0.05)


def aura_blobs(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Soft out-of-focus colour fields (mesh-gradient 'aura') with film grain."""
    w, h = s.w, s.h
    dark = rgb(p[0])[0] + rgb(p[0])[1] < 200
    s.add(s.rect(p[0]))
    cols = list(p[1:5]) + [p[1], p[2]]
    rng.shuffle(cols)
    for c in cols:
        r = s.m * rng.uniform(0.4, 0.65)
        s.add(
            f'<circle cx="{num(rng.uniform(0, w))}" cy="{num(rng.uniform(0, h))}" r="{num(r)}" '
            f'fill="{s.rad([(0, c), (0.45, c, 0.6), (1, c, 0)])}"/>'
        )
    cx, cy, r = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.35, 0.65), s.m * 0.26
    rim = mix(p[3], "#ffffff", 0.6)
    glass = s.rad(
        [(0, "#ffffff", 0.45), (0.25, "#ffffff", 0.08), (0.85, rim, 0.05), (1, rim, 0.3)],
        cx=0.4,
        cy=0.35,
        r=0.7,
        fx=0.3,
        fy=0.25,
    )
    if dark:
        s.add(
            f'<circle cx="{num(cx + r * 0.15)}" cy="{num(cy + r * 0.2)}" r="{num(r)}" '
            f'fill="#000" opacity=".25" filter="{s.blur(r * 0.2)}"/>'
        )
    s.add(
        f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{glass}" stroke="{rim}" '
        'stroke-opacity=".45" stroke-width="1.5"/>',
    )
    s.grain(0.11 if dark else 0.09, 0.9)


def bauhaus(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Geometric tile composition: quarter circles, half discs, stripes and triangles."""
    w, h = s.w, s.h
    cols = [p[1], p[2], p[3], p[4], p[5]]
    s.add(s.rect(p[0]))
    nc = 4 if w <= h else 5
    cell = w / nc
    nr = max(1, round(h / cell))
    cell_h = h / nr
    for r in range(nr):
        for c in range(nc):
            x, y, cw, ch = c * cell, r * cell_h, cell, cell_h
            bg = rng.choice(cols + [p[0], p[0]])
            fg = rng.choice([k for k in cols if k != bg])
            out = []
            if bg != p[0]:
                out.append(
                    f'<rect x="{num(x)}" y="{num(y)}" width="{num(cw)}" height="{num(ch)}" '
                    f'fill="{bg}"/>'
                )
            kind = rng.randrange(6)
            rr = min(cw, ch)
            if kind == 0:  # quarter circle from a corner
                cx, cy = x + cw * rng.randint(0, 1), y + ch * rng.randint(0, 1)
                sx = -1 if cx > x else 1
                sy = -1 if cy > y else 1
                out.append(
                    f'<path d="M{num(cx)} {num(cy)}h{num(sx * rr)}A{num(rr)} {num(rr)} 0 0 '
                    f'{1 if sx * sy > 0 else 0} {num(cx)} {num(cy + sy * rr)}z" fill="{fg}"/>'
                )
            elif kind == 1:  # disc with inner disc
                out.append(
                    f'<circle cx="{num(x + cw / 2)}" cy="{num(y + ch / 2)}" r="{num(rr * 0.38)}" '
                    f'fill="{fg}"/><circle cx="{num(x + cw / 2)}" cy="{num(y + ch / 2)}" '
                    f'r="{num(rr * 0.16)}" fill="{rng.choice(cols)}"/>'
                )
            elif kind == 2:  # half disc
                out.append(
                    f'<path d="M{num(x)} {num(y + ch)}A{num(cw / 2)} {num(cw / 2)} 0 0 1 '
                    f'{num(x + cw)} {num(y + ch)}z" fill="{fg}"/>'
                )
            elif kind == 3:  # stripes
                k = rng.choice((3, 4, 5))
                lines = "".join(
                    f"M{num(x)} {num(y + ch * (i + 0.25) / k)}h{num(cw)}" for i in range(k)
                )
                out.append(f'<path d="{lines}" stroke="{fg}" stroke-width="{num(ch / k / 2)}"/>')
            elif kind == 4:  # triangle
                out.append(
                    f'<path d="M{num(x)} {num(y + ch)}L{num(x + cw / 2)} {num(y + ch * 0.1)} '
                    f'{num(x + cw)} {num(y + ch)}z" fill="{fg}"/>'
                )
            else:  # diagonal split
                out.append(
                    f'<path d="M{num(x)} {num(y)}h{num(cw)}L{num(x)} {num(y + ch)}z" fill="{fg}"/>'
                )
            s.add(*out)
    s.add(
        f'<circle cx="{num(w * rng.uniform(0.25, 0.75))}" cy="{num(h * rng.uniform(0.25, 0.75))}" '
        f'r="{num(s.m * 0.17)}" fill="{p[1]}" opacity=".85" style="mix-blend-mode:multiply"/>'
    )
    s.grain(0.1, 0.9)


def planet(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Ringed planet in a nebula-lit star field."""
    w, h = s.w, s.h
    s.add(s.rect(s.rad([(0, p[1]), (0.55, p[0]), (1, p[5])], cx=0.3, cy=0.25, r=0.9)))
    neb = "".join(
        f'<ellipse cx="{num(rng.uniform(0, w))}" cy="{num(rng.uniform(0, h))}" '
        f'rx="{num(s.m * rng.uniform(0.2, 0.4))}" ry="{num(s.m * rng.uniform(0.1, 0.2))}" '
        f'fill="{c}" opacity=".45"/>'
        for c in (p[2], p[4], p[1])
    )
    s.add(f'<g filter="{s.blur(s.m * 0.09)}">{neb}</g>')
    s.stars(rng, 90, h)
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.45, 0.6)
    r = s.m * rng.uniform(0.2, 0.26)
    tilt = rng.uniform(-28, -12)
    body = s.rad(
        [(0, mix(p[3], "#ffffff", 0.3)), (0.45, p[2]), (0.85, p[4]), (1, p[5])],
        cx=0.38,
        cy=0.35,
        r=0.75,
    )
    ring = s.lin([(0, p[3], 0.2), (0.5, p[2], 0.9), (1, p[3], 0.2)], x1=0, y1=0, x2=1, y2=0)
    rings = [(2.05, 0.42, 0.06), (1.75, 0.36, 0.09), (1.5, 0.31, 0.04)]

    def arcs(front: int) -> str:
        d = "".join(
            f'<path d="M{num(-rx * r)} 0A{num(rx * r)} {num(ry * r)} 0 0 {front} {num(rx * r)} 0" '
            f'stroke="{ring}" stroke-width="{num(sw * r)}" fill="none"/>'
            for rx, ry, sw in rings
        )
        return f'<g transform="translate({num(cx)} {num(cy)}) rotate({num(tilt)})">{d}</g>'

    s.add(
        f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r * 1.15)}" fill="{p[2]}" opacity=".35" '
        f'filter="{s.blur(r * 0.15)}"/>',
        arcs(1),
        f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{body}"/>',
        arcs(0),
    )
    mx, my = cx + r * rng.choice((-2.1, 2.1)), cy - r * rng.uniform(1.0, 1.5)
    s.add(
        f'<circle cx="{num(mx)}" cy="{num(my)}" r="{num(r * 0.16)}" '
        f'fill="{s.rad([(0, p[3]), (1, p[4])], cx=0.35, cy=0.35, r=0.8)}"/>'
    )
    s.grain(0.06)


def flow_lines(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Silky bundle of glowing flow lines folding across a dark field."""
    w, h = s.w, s.h
    s.add(s.rect(s.rad([(0, mix(p[0], p[1], 0.35)), (1, p[5])], cx=0.5, cy=0.45, r=0.8)))
    grad = s.lin(
        [(0, p[1]), (0.35, p[2]), (0.7, p[3]), (1, p[4])], x1=0, y1=0, x2=w, y2=h, user=True
    )
    n = 34
    ph = [rng.uniform(0, math.tau) for _ in range(4)]
    amp = h * rng.uniform(0.25, 0.4)
    paths = []
    for i in range(n):
        t = i / (n - 1)
        y0 = h * (0.15 + 0.7 * t)
        y1 = y0 + amp * math.sin(ph[0] + t * 4.2)
        y2 = y0 - amp * math.cos(ph[1] + t * 3.1)
        y3 = y0 + amp * 0.5 * math.sin(ph[2] + t * 2.2) + h * 0.1 * math.sin(ph[3])
        paths.append(
            f"M-20 {num(y0)}C{num(w * 0.35)} {num(y1)} {num(w * 0.65)} {num(y2)} {w + 20} {num(y3)}"
        )
    gid = s.new_id()
    s.defs.append(
        f'<path id="{gid}" d="{"".join(paths)}" fill="none" stroke="{grad}" stroke-width="2"/>'
    )
    s.add(
        f'<use href="#{gid}" filter="{s.blur(s.m * 0.012)}" opacity=".9" stroke-width="6"/>',
        f'<use href="#{gid}" opacity=".85"/>',
    )
    s.grain(0.07)


def dunes(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Rolling sand dunes under a large low sun."""
    w, h = s.w, s.h
    hz = h * rng.uniform(0.48, 0.58)
    s.add(s.rect(s.lin([(0, p[0]), (0.6, p[1]), (1, p[2])])))
    sx, sr = w * rng.uniform(0.3, 0.7), s.m * rng.uniform(0.12, 0.17)
    s.add(
        f'<circle cx="{num(sx)}" cy="{num(hz - sr * 0.35)}" r="{num(sr * 2.4)}" fill="{p[3]}" '
        f'opacity=".35" filter="{s.blur(sr * 0.7)}"/>',
        f'<circle cx="{num(sx)}" cy="{num(hz - sr * 0.35)}" r="{num(sr)}" fill="{p[3]}" '
        f'opacity=".9"/>',
    )
    n = 5
    for i in range(n):
        t = i / (n - 1)
        base = hz + (h - hz) * t * 0.8 - h * 0.02
        k = 5
        pts = [
            (-40 + (w + 80) * j / k, base + rng.uniform(-1, 1) * h * (0.07 - 0.03 * t))
            for j in range(k + 1)
        ]
        c = mix(mix(p[1], p[4], 0.5), p[5], t**0.9)
        lit, shade = mix(c, p[3], 0.35), mix(c, p[5], 0.3)
        g = s.lin([(0, lit), (0.55, c), (1, shade)], x2=1, y2=0.3)
        s.add(f'<path d="{smooth(pts)}L{w + 40} {h} -40 {h}z" fill="{g}"/>')
    s.grain(0.08, 0.95)


def misty_forest(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Layers of pine silhouettes receding into fog."""
    w, h = s.w, s.h
    s.add(s.rect(s.lin([(0, p[1]), (0.65, p[2]), (1, p[3])])))
    s.add(
        f'<circle cx="{num(w * rng.uniform(0.25, 0.75))}" cy="{num(h * rng.uniform(0.22, 0.4))}" '
        f'r="{num(s.m * 0.08)}" fill="{p[3]}" opacity=".9" filter="{s.blur(s.m * 0.01)}"/>'
    )
    fog = s.lin([(0, p[2], 0), (0.5, p[2], 0.6), (1, p[2], 0)])
    layers = 4
    for i in range(layers):
        t = i / (layers - 1)
        base = h * (0.5 + 0.14 * i)
        th = h * (0.12 + 0.1 * t) * (0.8 if w > h else 1.0)
        col = mix(mix(p[4], p[2], 0.35), p[5], t**0.7)
        count = min(round(w / (th * 0.36)), 9 + 5 * i)
        d = [f"M0 {num(base)}H{w}V{h}H0z"]
        for j in range(count):
            x = (j + rng.uniform(0.1, 0.9)) * w / count
            hh = th * rng.uniform(0.7, 1.25)
            top, b = base - hh, base + th * 0.05
            a1, a2 = hh * 0.2, hh * 0.3
            d.append(
                f"M{num(x)} {num(top)}l{num(-a1)} {num(hh * 0.55)}h{num(2 * a1)}z"
                f"M{num(x)} {num(top + hh * 0.25)}l{num(-a2)} {num(b - top - hh * 0.25)}"
                f"h{num(2 * a2)}z"
            )
        s.add(f'<path d="{"".join(d)}" fill="{col}"/>')
        if i < layers - 1:
            s.add(f'<rect y="{num(base - th)}" width="{w}" height="{num(th * 2)}" fill="{fog}"/>')
    s.grain(0.06)


def synth_sun(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Retro synthwave sunset: striped sun, dark peaks and a neon perspective grid."""
    w, h = s.w, s.h
    hz = h * 0.62
    s.add(s.rect(s.lin([(0, p[0]), (0.55, p[1]), (1, p[2])]), h=hz + 1))
    s.stars(rng, 60, hz * 0.6)
    sr = s.m * rng.uniform(0.24, 0.3)
    sx, sy = w / 2, hz - sr * 0.45
    mid = s.new_id()
    bars = "".join(
        f'<rect x="{num(sx - sr)}" y="{num(sy + sr * (0.05 + 0.16 * i))}" width="{num(2 * sr)}" '
        f'height="{num(sr * (0.025 + 0.018 * i))}"/>'
        for i in range(6)
    )
    s.defs.append(
        f'<mask id="{mid}"><rect width="{w}" height="{h}" fill="#fff"/>'
        f'<g fill="#000">{bars}</g></mask>'
    )
    s.add(
        f'<circle cx="{num(sx)}" cy="{num(sy)}" r="{num(sr * 1.5)}" fill="{p[2]}" opacity=".5" '
        f'filter="{s.blur(sr * 0.3)}"/>',
        f'<circle cx="{num(sx)}" cy="{num(sy)}" r="{num(sr)}" mask="url(#{mid})" '
        f'fill="{s.lin([(0, p[3]), (1, p[2])])}"/>',
    )
    for side in (0, 1):
        pts = ridge(rng, w * 0.5, hz - h * 0.06, h * 0.08, 3)
        pts = [(x + side * w * 0.5, y) for x, y in pts]
        if side == 0:
            pts[-1] = (pts[-1][0], hz - h * 0.02)
        else:
            pts[0] = (pts[0][0], hz - h * 0.02)
        s.add(
            f'<path d="{poly(pts)} {num(pts[-1][0])} {num(hz)} {num(pts[0][0])} {num(hz)}z" '
            f'fill="{p[4]}" stroke="{p[2]}" stroke-width="2" stroke-opacity=".6"/>'
        )
    s.add(s.rect(s.lin([(0, p[5]), (1, p[0])]), y=hz))
    d = []
    for i in range(-12, 13):
        d.append(f"M{num(sx + i * w * 0.012)} {num(hz)}L{num(sx + i * w * 0.16)} {h}")
    for j in range(1, 11):
        y = hz + (h - hz) * (j / 10) ** 2.2
        d.append(f"M0 {num(y)}H{w}")
    gid = s.new_id()
    s.defs.append(
        f'<path id="{gid}" d="{"".join(d)}" stroke="{p[2]}" stroke-width="2" fill="none"/>'
    )
    s.add(
        f'<use href="#{gid}" filter="{s.blur(4)}" stroke-width="5"/>',
        f'<use href="#{gid}" opacity=".9"/>',
        s.rect(s.lin([(0, p[5], 0.9), (1, p[5], 0)]), y=hz, h=(h - hz) * 0.35),
    )
    s.grain(0.07)


def arch_portal(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Surreal pastel room: an arched doorway onto a sunset sea and a glossy sphere."""
    w, h = s.w, s.h
    fl = h * rng.uniform(0.68, 0.74)
    wall = p[0]
    s.add(
        s.rect(s.lin([(0, mix(wall, "#ffffff", 0.25)), (1, mix(wall, p[5], 0.12))], x2=1, y2=1)),
        s.rect(s.lin([(0, mix(wall, p[5], 0.2)), (1, mix(wall, p[1], 0.4))]), y=fl),
    )
    aw = w * rng.uniform(0.4, 0.5)
    ax = w * rng.uniform(0.3, 0.45)
    atop = fl - h * rng.uniform(0.48, 0.56)
    rr = aw / 2

    def arch(x: float) -> str:
        return (
            f"M{num(x)} {num(fl)}V{num(atop + rr)}A{num(rr)} {num(rr)} 0 0 1 "
            f"{num(x + aw)} {num(atop + rr)}V{num(fl)}z"
        )

    cid = s.new_id()
    s.defs.append(f'<clipPath id="{cid}"><path d="{arch(ax)}"/></clipPath>')
    depth = aw * 0.12
    s.add(f'<path d="{arch(ax - depth)}" fill="{mix(wall, p[5], 0.35)}"/>')
    sea_y = atop + (fl - atop) * 0.68
    inner = (
        f'<rect x="{num(ax)}" y="{num(atop)}" width="{num(aw)}" height="{num(fl - atop)}" '
        f'fill="{s.lin([(0, p[1]), (0.7, p[2]), (1, p[3])])}"/>'
        f'<circle cx="{num(ax + aw * rng.uniform(0.35, 0.65))}" cy="{num(sea_y - aw * 0.08)}" '
        f'r="{num(aw * 0.16)}" fill="{p[3]}" opacity=".95"/>'
        f'<rect x="{num(ax)}" y="{num(sea_y)}" width="{num(aw)}" height="{num(fl - sea_y)}" '
        f'fill="{s.lin([(0, p[4]), (1, p[5])])}"/>'
    )
    s.add(f'<g clip-path="url(#{cid})">{inner}</g>')
    s.add(
        f'<path d="M{num(ax)} {num(fl)}h{num(aw)}L{num(ax + aw * 1.5)} {h}H{num(ax - aw * 0.2)}z" '
        f'fill="{p[3]}" opacity=".25" filter="{s.blur(h * 0.01)}"/>'
    )
    br = s.m * rng.uniform(0.08, 0.11)
    bx = ax + aw + (w - ax - aw) * 0.5 if ax + aw < w * 0.72 else ax - br * 2
    by = fl + (h - fl) * 0.45
    s.add(
        f'<ellipse cx="{num(bx - br * 0.4)}" cy="{num(by + br * 0.92)}" rx="{num(br * 1.3)}" '
        f'ry="{num(br * 0.25)}" fill="{p[5]}" opacity=".35" filter="{s.blur(br * 0.12)}"/>',
        f'<circle cx="{num(bx)}" cy="{num(by)}" r="{num(br)}" '
        f'fill="{s.rad([(0, "#ffffff"), (0.35, p[4]), (1, p[5])], cx=0.65, cy=0.35, r=0.75)}"/>',
    )
    s.grain(0.07)


def low_poly(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Faceted low-poly gradient field lit from one corner."""
    w, h = s.w, s.h
    nx = 6 if w <= h else 8
    ny = max(4, round(nx * h / w))
    if w < h:
        nx, ny = 5, 8
    cols = [p[0], p[1], p[4], p[2], p[3]]
    s.add(s.rect(s.lin([(0, cols[0]), (0.5, cols[2]), (1, cols[3])], x2=1, y2=1)))
    grid = [
        [
            (
                w * i / nx + (rng.uniform(-0.35, 0.35) * w / nx if 0 < i < nx else 0),
                h * j / ny + (rng.uniform(-0.35, 0.35) * h / ny if 0 < j < ny else 0),
            )
            for i in range(nx + 1)
        ]
        for j in range(ny + 1)
    ]
    lx, ly = rng.choice((0.15, 0.85)), 0.15
    out = []
    for j in range(ny):
        for i in range(nx):
            a, b, c, d = grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i]
            if rng.random() < 0.5:
                tris = ((a, b, c), (a, c, d))
            else:
                tris = ((a, b, d), (b, c, d))
            for tri in tris:
                mx = sum(q[0] for q in tri) / 3 / w
                my = sum(q[1] for q in tri) / 3 / h
                t = 0.65 * (mx + my) / 2 + 0.35 * my + rng.uniform(-0.06, 0.06)
                col = ramp(cols, t)
                light = 1 - math.hypot(mx - lx, my - ly)
                col = mix(col, "#ffffff", max(0.0, light - 0.45) * 0.5 + rng.uniform(0, 0.08))
                col = mix(col, p[5], rng.uniform(0, 0.12))
                pts = " ".join(f"{round(q[0])} {round(q[1])}" for q in tri)
                out.append(f'<path d="M{pts}z" fill="{col}"/>')
    s.add(f'<g stroke-width=".6" stroke="#fff" stroke-opacity=".08">{"".join(out)}</g>')


def aurora(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Aurora curtains above dark peaks, mirrored in a still lake."""
    w, h = s.w, s.h
    hz = h * rng.uniform(0.58, 0.66)
    gm = math.sqrt(w * h)
    sky = s.new_id()
    curtains = []
    for k in range(3):
        col = (p[2], p[4], mix(p[2], p[3], 0.5))[k]
        top = hz * rng.uniform(0.18, 0.42)
        bot = top + hz * rng.uniform(0.25, 0.4)
        m = 7
        ph = rng.uniform(0, math.tau)
        ys = [
            s.m * 0.07 * math.sin(ph + j * 1.1) + s.m * 0.035 * math.sin(j * 2.3)
            for j in range(m + 1)
        ]
        xs = [-50 + (w + 100) * j / m for j in range(m + 1)]
        lower = [(x, bot + y) for x, y in zip(xs, ys, strict=True)]
        upper = [(x, top + y * 0.6) for x, y in zip(reversed(xs), reversed(ys), strict=True)]
        g = s.lin([(0, col, 0), (0.75, col, 0.55), (1, col, 0.95)])
        d = smooth(lower) + "L" + smooth(upper)[1:] + "z"
        curtains.append(f'<path d="{d}" fill="{g}"/>')
    sky_fill = s.lin([(0, p[0]), (1, p[1])])
    glow = s.blur(s.m * 0.025)
    s.stars(rng, 70, hz)
    star_paths = "".join(s.body[-3:])
    del s.body[-3:]
    s.defs.append(
        f'<g id="{sky}"><rect width="{w}" height="{num(hz)}" fill="{sky_fill}"/>{star_paths}'
        f'<g filter="{glow}">{"".join(curtains)}</g></g>'
    )
    mtn = s.new_id()
    pts = [(x, min(y, hz - 6)) for x, y in ridge(rng, w, hz - gm * 0.09, gm * 0.12)]
    s.defs.append(f'<path id="{mtn}" d="{poly(pts)} {w} {num(hz)} 0 {num(hz)}z" fill="{p[5]}"/>')
    flip = f"translate(0 {num(2 * hz)}) scale(1 -1)"
    s.add(
        s.rect(p[5]),
        f'<use href="#{sky}"/>',
        f'<use href="#{sky}" transform="{flip}" opacity=".55"/>',
        s.rect(s.lin([(0, p[0], 0.3), (1, p[5], 0.9)]), y=hz),
        f'<use href="#{mtn}"/>',
        f'<use href="#{mtn}" transform="{flip}" opacity=".8"/>',
        f'<path d="M0 {num(hz)}H{w}" stroke="{p[2]}" stroke-opacity=".25" stroke-width="2"/>',
    )
    s.grain(0.06)


# ------------------------------------------------------------- poster-only compositions


def phyllotaxis(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Golden-angle spiral of glowing embers on black (poster for the fractal zoom)."""
    w, h = s.w, s.h
    s.add(s.rect(p[0]))
    cx, cy = w * 0.42, h * 0.5
    s.add(
        f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(h * 0.42)}" fill="{p[2]}" opacity=".35" '
        f'filter="{s.blur(h * 0.12)}"/>'
    )
    n = 230
    c = h * 0.48 / math.sqrt(n)
    buckets: list[list[str]] = [[] for _ in range(5)]
    for k in range(1, n):
        r = c * math.sqrt(k)
        a = k * math.radians(137.508) + rng.uniform(-0.01, 0.01)
        b = min(4, int(5 * k / n))
        buckets[b].append(f"M{num(cx + r * math.cos(a))} {num(cy + r * math.sin(a))}h0")
    gid = s.new_id()
    groups = []
    for b, pts in enumerate(buckets):
        col = ramp([p[3], p[1], p[2], p[4]], b / 4)
        groups.append(
            f'<path d="{"".join(pts)}" stroke="{col}" stroke-width="{num(6 + b * 4)}" '
            'stroke-linecap="round"/>'
        )
    s.defs.append(f'<g id="{gid}">{"".join(groups)}</g>')
    s.add(f'<use href="#{gid}" filter="{s.blur(8)}"/>', f'<use href="#{gid}"/>')
    s.grain(0.06)


def life_cells(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Glowing Game-of-Life style cell clusters (poster for the cellular video)."""
    w, h = s.w, s.h
    s.add(s.rect(p[0]))
    size = 40
    gw, gh = w // size, h // size
    cells: dict[tuple[int, int], int] = {}
    for _ in range(22):
        x, y = rng.randrange(gw), rng.randrange(gh)
        for _ in range(rng.randint(6, 14)):
            cells[(x % gw, y % gh)] = rng.choices((0, 1, 2), (3, 4, 3))[0]
            x += rng.choice((-1, 0, 1))
            y += rng.choice((-1, 0, 1))
    layers: list[list[str]] = [[], [], []]
    for (x, y), kind in sorted(cells.items()):
        layers[kind].append(f"M{x * size + 2} {y * size + 2}h36v36h-36z")
    gid = s.new_id()
    cols = (mix(p[0], p[1], 0.35), p[1], p[2])
    s.defs.append(
        f'<g id="{gid}">'
        + "".join(f'<path d="{"".join(d)}" fill="{c}"/>' for d, c in zip(layers, cols, strict=True))
        + "</g>"
    )
    s.add(f'<use href="#{gid}" filter="{s.blur(14)}"/>', f'<use href="#{gid}" opacity=".9"/>')
    s.grain(0.07)


def silk_gradient(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Diagonal five-stop silk gradient with soft sheen bands (poster for the gradient drift)."""
    w, h = s.w, s.h
    stops = [(i / (len(p) - 1), c) for i, c in enumerate(p)]
    s.add(s.rect(s.lin(stops, x1=0, y1=0.2, x2=1, y2=0.8)))
    sheen = "".join(
        f'<ellipse cx="{num(w * (0.15 + 0.3 * k + rng.uniform(-0.05, 0.05)))}" cy="{num(h * 0.5)}" '
        f'rx="{num(w * 0.035)}" ry="{num(h * 0.8)}" fill="{c}" opacity=".45" '
        f'transform="rotate(18 {num(w * (0.15 + 0.3 * k))} {num(h * 0.5)})"/>'
        for k, c in enumerate((p[1], "#ffffff", p[1]))
    )
    s.add(f'<g filter="{s.blur(w * 0.03)}">{sheen}</g>')
    s.add(s.rect(s.rad([(0.55, "#000", 0), (1, "#000", 0.45)], r=0.75)))
    s.grain(0.06)


def plasma(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Interference plasma of saturated colour pools (poster for the plasma video)."""
    w, h = s.w, s.h
    s.add(s.rect(p[0]))
    for k in range(8):
        c = p[1 + (k * 3) % (len(p) - 1)]
        s.add(
            f'<ellipse cx="{num(w * (0.12 + 0.25 * (k % 4)) + rng.uniform(-60, 60))}" '
            f'cy="{num(h * (0.25 + 0.5 * (k // 4)) + rng.uniform(-60, 60))}" '
            f'rx="{num(h * rng.uniform(0.45, 0.55))}" ry="{num(h * rng.uniform(0.4, 0.5))}" '
            f'fill="{s.rad([(0, c), (0.5, c, 0.6), (1, c, 0)])}"/>'
        )
    s.grain(0.05)


def sierpinski(s: Svg, rng: random.Random, p: Sequence[str]) -> None:
    """Rule-90 Sierpinski lattice in gold on navy (poster for the cellular automaton)."""
    w, h = s.w, s.h
    s.add(s.rect(p[0]))
    base = 6.0
    ids = [s.new_id()]
    s.defs.append(
        f'<path id="{ids[0]}" d="M0 0L{num(base / 2)} {num(base * 0.866)}H{num(-base / 2)}z"/>'
    )
    size = base
    for _ in range(7):
        nid = s.new_id()
        hh = size * 0.866
        s.defs.append(
            f'<g id="{nid}"><use href="#{ids[-1]}"/>'
            f'<use href="#{ids[-1]}" x="{num(-size / 2)}" y="{num(hh)}"/>'
            f'<use href="#{ids[-1]}" x="{num(size / 2)}" y="{num(hh)}"/></g>'
        )
        ids.append(nid)
        size *= 2
    top = ids[-1]
    tri = (
        f'<g fill="{p[1]}"><use href="#{top}" x="{num(w / 2)}" y="{num(-h * 0.15)}"/>'
        f'<use href="#{ids[-2]}" x="{num(w / 2 - size / 2)}" y="{num(-h * 0.15 + size * 0.433)}"/>'
        f'<use href="#{ids[-2]}" x="{num(w / 2 + size / 2)}" y="{num(-h * 0.15 + size * 0.433)}"/>'
        "</g>"
    )
    gid = s.new_id()
    s.defs.append(f'<g id="{gid}">{tri}</g>')
    s.add(
        f'<use href="#{gid}" filter="{s.blur(6)}" opacity=".7"/>',
        f'<use href="#{gid}"/>',
        s.rect(s.rad([(0.5, p[0], 0), (1, p[0], 0.7)], r=0.75)),
    )


# ------------------------------------------------------------------------------ plan

Composer = Callable[[Svg, random.Random, Sequence[str]], None]

# (composition, palette, size) for img-01 ... img-24.
IMAGES: tuple[tuple[Composer, str, tuple[int, int]], ...] = (
    (sunset_peaks, "dusk", LANDSCAPE),
    (aura_blobs, "neon", SQUARE),
    (bauhaus, "paper", SQUARE),
    (ocean_waves, "sea", SQUARE),
    (misty_forest, "forest", PORTRAIT),
    (planet, "lavender", SQUARE),
    (flow_lines, "ember", SQUARE),
    (dunes, "desert", LANDSCAPE),
    (arch_portal, "pastel", PORTRAIT),
    (synth_sun, "neon", SQUARE),
    (low_poly, "arctic", SQUARE),
    (aurora, "jade", LANDSCAPE),
    (aura_blobs, "pastel", PORTRAIT),
    (sunset_peaks, "arctic", SQUARE),
    (ocean_waves, "dusk", LANDSCAPE),
    (bauhaus, "sage", SQUARE),
    (flow_lines, "sea", PORTRAIT),
    (planet, "ember", SQUARE),
    (misty_forest, "lavender", LANDSCAPE),
    (low_poly, "dusk", SQUARE),
    (arch_portal, "mint", SQUARE),
    (dunes, "lavender", SQUARE),
    (synth_sun, "ember", LANDSCAPE),
    (aurora, "polar", PORTRAIT),
)

# Posters for video-01 ... video-06, palettes matched to make_demo_videos.sh.
POSTERS: tuple[tuple[Composer, tuple[str, ...]], ...] = (
    (phyllotaxis, ("#030308", "#ff9a3c", "#c2410c", "#ffe3a3", "#7c1d06")),
    (life_cells, ("#140426", "#ff3f8e", "#c8fff4")),
    (silk_gradient, ("#ff7b39", "#ffd3a0", "#c0369d", "#3a0ca3", "#ff5e78")),
    (plasma, ("#b0207a", "#ff50c8", "#5a3cff", "#ff2a6d", "#8a2be2", "#2014a0")),
    (sierpinski, ("#0e283a", "#ffc458")),
    (aurora, ("#060c22", "#14254a", "#3dffb0", "#c08cff", "#8a5cff", "#03060c")),
)


def build(compose: Composer, palette: Sequence[str], size: tuple[int, int], seed: int) -> str:
    svg = Svg(size[0], size[1], prefix=chr(ord("a") + seed % 26))
    compose(svg, random.Random(seed), palette)
    return svg.render()


def main(argv: Sequence[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, str]] = []
    for i, (compose, pal, size) in enumerate(IMAGES, start=1):
        jobs.append((f"img-{i:02d}.svg", build(compose, PALETTES[pal], size, seed=i * 7919)))
    for i, (compose, pal_colors) in enumerate(POSTERS, start=1):
        jobs.append(
            (f"video-{i:02d}-poster.svg", build(compose, pal_colors, WIDE, seed=i * 104729))
        )
    too_big = []
    for name, text in jobs:
        data = text.encode()
        (out / name).write_bytes(data)
        flag = "" if len(data) <= MAX_BYTES else "  <-- over budget"
        print(f"{name:24s} {len(data):6d} B{flag}")
        if flag:
            too_big.append(name)
    return 1 if too_big else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
