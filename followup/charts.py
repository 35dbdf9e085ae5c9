"""Small charts as inline SVG, drawn on the server from numbers: no script, nothing to download.

Each chart is an `<svg role="img">` with an accessible name; its numbers are in a table beside it on the
page (screen readers read the table, the chart's own text is decoration). The viewBox scales the chart
to the width it gets, so the same drawing serves a desktop and a phone; the text is drawn large enough
to stay readable at phone width. Colours keep 3:1 against white (WCAG 2.1, 1.4.11) and the series differ
by more than colour: the legend names them and the table gives every value."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The brand blue (8.6:1 on white) and a dark orange (4.7:1); the target band a pale green behind them.
BLUE, ORANGE, GREEN_BAND = "#0b5394", "#b35c00", "#dff0e3"
GRID, INK, MUTED = "#c9d1da", "#1b1f24", "#4f5965"
WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 52
FONT = 17


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str = BLUE


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round top for the axis and its step: the step is 1, 2 or 5 times a power of ten, at least a
    quarter of the value, so the axis has two to four steps (15 → 15 by 5; 94 → 100 by 50)."""
    if value <= 0:
        return 4, 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    """A coordinate: at most one decimal, a point as SVG wants it."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, anchor="middle", size=FONT, fill=MUTED, weight="normal") -> str:
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"'
        f' font-weight="{weight}">{escape(str(content))}</text>'
    )


def _axis(top_value: float, step: float) -> list[str]:
    """The horizontal grid lines with their values on the left."""
    parts = []
    plot_height = HEIGHT - TOP - BOTTOM
    ticks = round(top_value / step)
    for n in range(ticks + 1):
        value = n * step
        y = HEIGHT - BOTTOM - plot_height * value / top_value
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_number(y)}" y2="{_number(y)}" stroke="{GRID}"'
            f' stroke-width="1"/>'
        )
        label = _number(value).replace(".", ",")
        parts.append(_text(LEFT - 6, y + FONT / 3, label, anchor="end"))
    return parts


def _labels(labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    """The category labels under the plot; every k-th one when there are many, so they do not overlap."""
    every = max(1, math.ceil(len(labels) / 12))
    return [
        _text(x, HEIGHT - BOTTOM + FONT + 8, label)
        for n, (label, x) in enumerate(zip(labels, centres, strict=True))
        if n % every == 0
    ]


def _svg(name: str, parts: list[str]) -> SafeString:
    title = escape(name)
    body = "".join(parts)
    # The parts are built from escaped text and numbers only.
    return mark_safe(  # noqa: S308
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}"'
        f' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet"><title>{title}</title>{body}</svg>'
    )


def bar_chart(
    *, name: str, labels: Sequence[str], series: Sequence[Series], highlight: int | None = None
) -> SafeString:
    """Grouped bars, one group per label and one bar per series. `highlight` marks one group's place with
    the target band (the usual 12–18 days of the length distribution)."""
    values = [v or 0 for s in series for v in s.values]
    top_value, step = nice_ceiling(max(values, default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(labels))
    gap = slot * 0.2
    bar = (slot - gap) / max(1, len(series))
    parts = []
    if highlight is not None:
        parts.append(
            f'<rect x="{_number(LEFT + slot * highlight)}" y="{TOP}" width="{_number(slot)}" height="{plot_height}"'
            f' fill="{GREEN_BAND}"/>'
        )
    parts += _axis(top_value, step)
    for n in range(len(labels)):
        for k, one in enumerate(series):
            value = one.values[n] or 0
            height = plot_height * value / top_value
            x = LEFT + slot * n + gap / 2 + bar * k
            parts.append(
                f'<rect x="{_number(x)}" y="{_number(HEIGHT - BOTTOM - height)}" width="{_number(max(bar - 1, 1))}"'
                f' height="{_number(height)}" fill="{one.colour}"/>'
            )
    parts += _labels(labels, [LEFT + slot * (n + 0.5) for n in range(len(labels))])
    return _svg(name, parts)


def line_chart(
    *, name: str, labels: Sequence[str], values: Sequence[float | None], band: tuple[float, float] | None = None
) -> SafeString:
    """One line over the labels, a dot at each value (a month without a value has no dot and breaks the
    line); `band` shades a target range behind it (12–18 days)."""
    known = [v for v in values if v is not None]
    top_value, step = nice_ceiling(max([*known, *(band or ())], default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(labels))

    def y_of(value):
        return HEIGHT - BOTTOM - plot_height * value / top_value

    parts = []
    if band is not None:
        low, high = band
        parts.append(
            f'<rect x="{LEFT}" y="{_number(y_of(high))}" width="{plot_width}"'
            f' height="{_number(y_of(low) - y_of(high))}" fill="{GREEN_BAND}"/>'
        )
    parts += _axis(top_value, step)
    points = [(LEFT + slot * (n + 0.5), v) for n, v in enumerate(values)]
    runs, run = [], []
    for x, value in points:
        if value is None:
            runs, run = [*runs, run] if run else runs, []
        else:
            run.append(f"{_number(x)},{_number(y_of(value))}")
    if run:
        runs.append(run)
    for one in runs:
        parts.append(f'<polyline points="{" ".join(one)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for x, value in points:
        if value is not None:
            parts.append(
                f'<circle cx="{_number(x)}" cy="{_number(y_of(value))}" r="5" fill="#fff" stroke="{BLUE}"'
                f' stroke-width="3"/>'
            )
    parts += _labels(labels, [x for x, _ in points])
    return _svg(name, parts)
