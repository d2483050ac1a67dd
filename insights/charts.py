"""Geometry for the insights page's charts, drawn by the template as inline SVG.

Sizes are in SVG user units; the SVG scales to the page's width. A count too small to show
(``selectors.masked``) is drawn as a hatched bar of the smallest shown size, and labelled
"fewer than 5", so that neither the bar nor its label gives the number away.
"""

import dataclasses

from insights.selectors import SMALLEST_SHOWN, masked


def _drawn(count):
    """The value a bar is drawn at, and whether it is masked."""
    hidden = masked(count) != count
    return (SMALLEST_SHOWN if hidden else count), hidden


def _nice_top(largest):
    """A round number at or above ``largest`` for the top of an axis."""
    for step in (1, 2, 5):
        for power in range(7):
            top = step * 10**power
            if top >= largest:
                return max(top, SMALLEST_SHOWN)
    return largest


@dataclasses.dataclass
class Bar:
    label: str
    shown: object  # a count, or "fewer than 5"
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    series: str = ""
    hidden: bool = False

    @property
    def label_y(self):
        return round(self.y - 5, 1)

    @property
    def value_x(self):
        return round(self.width + 6, 1)

    @property
    def value_y(self):
        return round(self.y + self.height - 3, 1)


@dataclasses.dataclass(frozen=True)
class Frame:
    """A chart's size, and the room kept between its edges and its bars for text."""

    width: int
    height: int = 0
    left: int = 0
    right: int = 0
    top: int = 0
    bottom: int = 0

    @property
    def plot_width(self):
        return self.width - self.left - self.right

    @property
    def plot_height(self):
        return self.height - self.top - self.bottom


# One labelled bar a row, as tall as its rows: room at the right for the count at a bar's end.
ROWS = Frame(width=400, right=90)
# A row, top to bottom: its label, its bar, and the gap before the next row.
ROW_LABEL, ROW_BAR, ROW_GAP = 20, 16, 10
# A stacked bar a week: room at the left for the axis's numbers, and below for the weeks' dates.
WEEKS = Frame(width=640, height=260, left=40, top=10, bottom=30)


@dataclasses.dataclass
class HorizontalChart:
    """One labelled bar a row: for outcomes, where people heard of the practice, clinicians."""

    frame: Frame
    bars: list


def horizontal_chart(rows):
    """Rows of (label, count): each label above its bar, the count at the bar's end."""
    drawn = [_drawn(count) for _, count in rows]
    top = _nice_top(max((value for value, _ in drawn), default=0))
    row_height = ROW_LABEL + ROW_BAR + ROW_GAP
    bars = [
        Bar(
            label=label,
            shown=masked(count),
            y=index * row_height + ROW_LABEL,
            width=round(ROWS.plot_width * value / top, 1),
            height=ROW_BAR,
            hidden=hidden,
        )
        for index, ((label, count), (value, hidden)) in enumerate(zip(rows, drawn, strict=True))
    ]
    return HorizontalChart(frame=dataclasses.replace(ROWS, height=len(bars) * row_height), bars=bars)


@dataclasses.dataclass
class WeeklyChart:
    frame: Frame
    weeks: list  # one list of stacked Bars a week
    ticks: list  # (y, value)
    labels: list  # (x, text): every few weeks

    @property
    def tick_x(self):
        return self.frame.left - 6

    @property
    def label_y(self):
        return self.frame.height - 8


def weekly_chart(weekly, series):
    """Stacked bars, one a week, of the counts in each of ``series`` (value, label) pairs."""
    frame = WEEKS
    chart = WeeklyChart(frame=frame, weeks=[], ticks=[], labels=[])
    stacks = [[(key, *_drawn(counts[key])) for key, _ in series] for _, counts in weekly]
    top = _nice_top(max((sum(value for _, value, _ in stack) for stack in stacks), default=0))
    slot = frame.plot_width / max(len(weekly), 1)
    label_every = max(1, round(len(weekly) / 6))
    for index, ((monday, counts), stack) in enumerate(zip(weekly, stacks, strict=True)):
        x = frame.left + index * slot + slot * 0.15
        base = frame.top + frame.plot_height
        bars = []
        for key, value, hidden in stack:
            if not value:
                continue
            height = frame.plot_height * value / top
            base -= height
            bars.append(
                Bar(
                    label=str(key),
                    shown=masked(counts[key]),
                    x=round(x, 1),
                    y=round(base, 1),
                    width=round(slot * 0.7, 1),
                    height=round(height, 1),
                    series=str(key),
                    hidden=hidden,
                )
            )
        chart.weeks.append(bars)
        if index % label_every == 0:
            chart.labels.append((round(x + slot * 0.35, 1), monday.strftime("%b %-d")))
    for step in range(5):
        value = top * step / 4
        y = frame.top + frame.plot_height - frame.plot_height * step / 4
        chart.ticks.append((round(y, 1), f"{value:g}"))
    return chart
