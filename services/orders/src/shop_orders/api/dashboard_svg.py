"""The dashboard's charts as shapes for the template to draw in SVG (no script, no library).

Coordinates are in the SVG's own units (`viewBox`); the picture scales to the page's width.
Every bar carries its figure as a `<title>` (a tooltip) and each chart's numbers are also in
a table beside it: the SVG is one image with a text alternative (`role="img"`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH = 400.0  # narrow enough that the text stays readable on a phone
COLUMN_HEIGHT = 190.0
LEFT, RIGHT, TOP, BOTTOM = 46.0, 6.0, 12.0, 26.0  # the column chart's margins
ROW_HEIGHT, ROW_BAR = 38.0, 12.0  # a ranking's row: its name above its bar
NAME_CHARS = 48  # a longer name is cut in the picture (the table has it whole)


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    tip: str  # what the bar says on hover: "6 Dec 2026: 145.00 EUR"


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor: start, middle or end


@dataclass(frozen=True, slots=True)
class Chart:
    """One SVG: bars, their labels and the horizontal grid lines (y of each)."""

    id: str  # the element id behind aria-labelledby
    title: str
    description: str
    height: float
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    grid: list[float] = field(default_factory=list)
    width: float = WIDTH


def nice_ceiling(value: int) -> int:
    """The axis's top, even so that its half is a whole number: up to 10 the next even number
    (2 at least), above 1, 2, 2.5 (from 100 on) or 5 times a power of ten."""
    if value <= 10:
        return max(2, value + value % 2)
    power = 10
    while power * 10 <= value:
        power *= 10
    steps = (1, 2, 2.5, 5, 10) if power >= 100 else (1, 2, 5, 10)
    return next(int(power * step) for step in steps if power * step >= value)


def columns(
    chart_id: str,
    title: str,
    description: str,
    values: Sequence[tuple[str, int, str]],
    axis_text: Callable[[int], str],
    shown: Callable[[int], bool],
) -> Chart:
    """A column per period: `values` = (axis label, value, tooltip) oldest first; `shown`
    says which periods' labels fit under the axis; `axis_text` writes the grid's values."""
    top = nice_ceiling(max((value for _, value, _ in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, COLUMN_HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    chart = Chart(chart_id, title, description, COLUMN_HEIGHT)
    for step in range(3):  # 0, half and the top
        y = TOP + plot_h - plot_h * step / 2
        chart.grid.append(round(y, 2))
        chart.labels.append(Label(LEFT - 6, round(y + 4, 2), axis_text(top * step // 2), "end"))
    for index, (name, value, tip) in enumerate(values):
        height = plot_h * value / top
        x = LEFT + slot * index
        bar = Bar(
            round(x + slot * 0.15, 2),
            round(TOP + plot_h - height, 2),
            round(slot * 0.7, 2),
            round(height, 2),
            tip,
        )
        chart.bars.append(bar)
        if shown(index):  # the last one ends at the edge, never cut
            last = index == len(values) - 1
            at = WIDTH - RIGHT if last else round(x + slot / 2, 2)
            chart.labels.append(Label(at, COLUMN_HEIGHT - 8, name, "end" if last else "middle"))
    return chart


def rows(
    chart_id: str,
    title: str,
    description: str,
    values: Sequence[tuple[str, int, str]],
) -> Chart:
    """A ranking, largest first: `values` = (name, value, value as text); each row is the
    name above a bar whose length is the value, the value written after the bar."""
    top = max((value for _, value, _ in values), default=0) or 1
    room = WIDTH - 90.0  # the longest bar leaves room for its value
    chart = Chart(chart_id, title, description, ROW_HEIGHT * len(values) + 6)
    for index, (name, value, text) in enumerate(values):
        y = ROW_HEIGHT * index
        shown_name = name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"
        chart.labels.append(Label(0, y + 14, shown_name))
        length = max(room * value / top, 1.0)
        chart.bars.append(Bar(0, y + 20, round(length, 2), ROW_BAR, f"{name}: {text}"))
        chart.labels.append(Label(round(length + 6, 2), y + 30, text))
    return chart
