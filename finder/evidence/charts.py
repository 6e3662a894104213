"""Charts as plain SVG, drawn on the server: readable without JavaScript, nothing from a CDN.

Every chart is `role="img"` with a `<title>` and a `<desc>` (the text summary), all text escaped;
the pages put the same numbers in a table beside it. A count under 5 draws no bar and says
"fewer than 5", so a chart never shows what a table hides. `rtl` mirrors a chart for
right-to-left languages (labels on the right, bars growing leftwards).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from finder.domain import evidence as rules

WIDTH = 640
ROW = 26
LABEL_SHARE = 0.34
FONT = 13


def _value_text(n: int) -> str:
    return str(rules.shown(n))


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
            f'font-size="{FONT}">',
            f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
            f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>']


def bar_chart(chart_id: str, title: str, description: str, rows: list[tuple[str, int]], rtl: bool = False) -> Markup:
    """Horizontal bars, one per (label, count)."""
    height = max(1, len(rows)) * ROW + 8
    label_width = int(WIDTH * LABEL_SHARE)
    value_width = 110
    bar_space = WIDTH - label_width - value_width - 16
    top = max([n for _, n in rows if not rules.suppressed(n)], default=0)
    parts = _open(chart_id, title, description, WIDTH, height)
    direction = ' direction="rtl"' if rtl else ""
    for index, (label, n) in enumerate(rows):
        y = 4 + index * ROW
        middle = y + ROW / 2 + FONT / 3
        length = 0 if rules.suppressed(n) or not top else max(2, round(bar_space * n / top))
        if rtl:
            label_x, label_anchor = WIDTH - 4, "start"
            bar_x = WIDTH - label_width - 8 - length
            value_x, value_anchor = bar_x - 6, "start"
        else:
            label_x, label_anchor = 4, "start"
            bar_x = label_width + 8
            value_x, value_anchor = bar_x + length + 6, "start"
        parts.append(f'<text x="{label_x}" y="{middle:.1f}" text-anchor="{label_anchor}"{direction}>'
                     f'{escape(_clip(label))}</text>')
        if length:
            parts.append(f'<rect x="{bar_x}" y="{y + 4}" width="{length}" height="{ROW - 8}" class="bar" fill="#1d70b8"/>')
        parts.append(f'<text x="{value_x}" y="{middle:.1f}" text-anchor="{value_anchor}"{direction} class="value">'
                     f'{escape(_value_text(n))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704: every piece of text above went through escape()


def column_chart(chart_id: str, title: str, description: str, points: list[tuple[str, int]],
                 rtl: bool = False) -> Markup:
    """Vertical columns over time (weeks or months), oldest first (mirrored for right-to-left)."""
    height = 220
    base = height - 34
    count = max(1, len(points))
    step = (WIDTH - 20) / count
    top = max([n for _, n in points if not rules.suppressed(n)], default=0)
    parts = _open(chart_id, title, description, WIDTH, height)
    parts.append(f'<line x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#505a5f"/>')
    ordered = list(reversed(points)) if rtl else points
    for index, (label, n) in enumerate(ordered):
        x = 10 + index * step
        tall = 0 if rules.suppressed(n) or not top else max(2, round((base - 30) * n / top))
        if tall:
            parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{base - tall}" width="{step * 0.7:.1f}" height="{tall}" '
                         f'class="bar" fill="#1d70b8"/>')
        centre = x + step / 2
        parts.append(f'<text x="{centre:.1f}" y="{base - tall - 6}" text-anchor="middle" class="value" '
                     f'font-size="{FONT - 2}">{escape(_value_text(n) if not rules.suppressed(n) else "<5")}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{base + 18}" text-anchor="middle" font-size="{FONT - 2}">'
                     f'{escape(_clip(label, 10))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704: every piece of text above went through escape()


def _clip(text: str, limit: int = 34) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
