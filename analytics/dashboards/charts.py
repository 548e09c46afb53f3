"""Server-rendered SVG charts: geometry computed here, drawn by `analytics/_chart.html`.

No JavaScript and no charting library: a chart is a handful of rectangles and labels. Every
chart carries its data as a table too (shown under a <details> toggle), which is also what a
screen reader reads; the SVG itself is `role="img"` with a title and a description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 170  # left column of horizontal bar charts
VALUE_WIDTH = 110  # least room for the value printed after a bar
ROW_HEIGHT = 30
COLUMN_AREA_HEIGHT = 180  # plot height of column charts
AXIS_HEIGHT = 40  # labels under columns


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # class that colours its bars (analytics/dashboards.css): s1, s2, s3


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    tooltip: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor
    css: str = ""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    series: Sequence[Series]
    bars: Sequence[Bar]
    labels: Sequence[Label]
    headers: Sequence[str]  # the data table
    rows: Sequence[Sequence[str]]
    empty: bool = False
    legend: bool = field(default=True)


def _fmt(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "\u2013"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text + suffix


def hbars(
    *,
    id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[float | None]],  # values[series][category]
    notes: Sequence[str] | None = None,  # printed after each category's bars
    unit: str = "",
    value_header: Sequence[str] | None = None,
) -> Chart:
    """Horizontal bars: one row per category, one bar per series in that row."""
    top = max((v or 0 for vs in values for v in vs), default=0) or 1
    # Room after the longest bar for its note (about 7 px a character at the chart's size).
    longest = max((len(n) for n in notes or ()), default=0)
    area = WIDTH - LABEL_WIDTH - max(VALUE_WIDTH, 7 * longest)
    bar_height = (ROW_HEIGHT - 8) / max(len(series), 1)
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, category in enumerate(categories):
        y0 = i * ROW_HEIGHT + 4
        labels.append(Label(LABEL_WIDTH - 8, y0 + ROW_HEIGHT / 2, category, "end"))
        end = LABEL_WIDTH
        for s, one in enumerate(series):
            value = values[s][i] or 0
            width = area * value / top
            y = y0 + s * bar_height
            bars.append(
                Bar(LABEL_WIDTH, y, max(width, 1 if value else 0), bar_height - 1, one.css,
                    f"{category} · {one.name}: {_fmt(values[s][i], unit)}")
            )  # fmt: skip
            end = max(end, LABEL_WIDTH + width)
        note = (
            notes[i] if notes else " / ".join(_fmt(values[s][i], unit) for s in range(len(series)))
        )
        labels.append(Label(end + 6, y0 + ROW_HEIGHT / 2, note, "start", "value"))
    headers = [title.split(":")[0], *(value_header or [s.name for s in series])]
    rows = [
        [category, *(_fmt(values[s][i], unit) for s in range(len(series)))]
        for i, category in enumerate(categories)
    ]
    if notes and value_header and len(value_header) > len(series):
        rows = [[*row, notes[i]] for i, row in enumerate(rows)]
    return Chart(
        id=id, title=title, description=description, width=WIDTH,
        height=max(len(categories), 1) * ROW_HEIGHT + 8, series=series, bars=bars,
        labels=labels, headers=headers, rows=rows, empty=not categories,
        legend=len(series) > 1,
    )  # fmt: skip


def columns(
    *,
    id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[float]],  # values[series][category]
    unit: str = "",
) -> Chart:
    """Vertical grouped columns: one group per category (e.g. a histogram's buckets)."""
    top = max((v for vs in values for v in vs), default=0) or 1
    group = (WIDTH - 20) / max(len(categories), 1)
    column = (group - 8) / max(len(series), 1)
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, category in enumerate(categories):
        x0 = 10 + i * group + 4
        for s, one in enumerate(series):
            height = COLUMN_AREA_HEIGHT * values[s][i] / top
            bars.append(
                Bar(x0 + s * column, COLUMN_AREA_HEIGHT - height + 10, column - 1, height,
                    one.css, f"{category} · {one.name}: {_fmt(values[s][i], unit)}")
            )  # fmt: skip
        labels.append(Label(x0 + (group - 8) / 2, COLUMN_AREA_HEIGHT + 28, category, "middle"))
    return Chart(
        id=id, title=title, description=description, width=WIDTH,
        height=COLUMN_AREA_HEIGHT + AXIS_HEIGHT, series=series, bars=bars, labels=labels,
        headers=["", *(s.name for s in series)],
        rows=[[c, *(_fmt(values[s][i], unit) for s in range(len(series)))]
              for i, c in enumerate(categories)],
        empty=not any(v for vs in values for v in vs), legend=len(series) > 1,
    )  # fmt: skip
