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


@dataclasses.dataclass
class HorizontalChart:
    """One labelled bar a row: for outcomes, where people heard of the practice, clinicians."""

    bars: list
    width: int = 400
    label_height: int = 20
    bar_height: int = 16
    row_gap: int = 10

    @property
    def height(self):
        return len(self.bars) * self.row_height

    @property
    def row_height(self):
        return self.label_height + self.bar_height + self.row_gap


def horizontal_chart(rows):
    """Rows of (label, count): each label above its bar, the count at the bar's end."""
    chart = HorizontalChart(bars=[])
    drawn = [_drawn(count) for _, count in rows]
    top = _nice_top(max((value for value, _ in drawn), default=0))
    value_room = 90  # room at the right for the count's text
    for index, ((label, count), (value, hidden)) in enumerate(zip(rows, drawn, strict=True)):
        row_top = index * chart.row_height
        chart.bars.append(
            Bar(
                label=label,
                shown=masked(count),
                x=0,
                y=row_top + chart.label_height,
                width=round((chart.width - value_room) * value / top, 1),
                height=chart.bar_height,
                hidden=hidden,
            )
        )
    return chart


@dataclasses.dataclass
class WeeklyChart:
    weeks: list  # one list of stacked Bars a week
    ticks: list  # (y, value)
    labels: list  # (x, text): every few weeks
    width: int = 640
    height: int = 260
    left: int = 40
    bottom: int = 30
    top_margin: int = 10

    @property
    def tick_x(self):
        return self.left - 6

    @property
    def label_y(self):
        return self.height - 8


def weekly_chart(weekly, series):
    """Stacked bars, one a week, of the counts in each of ``series`` (value, label) pairs."""
    chart = WeeklyChart(weeks=[], ticks=[], labels=[])
    plot_height = chart.height - chart.bottom - chart.top_margin
    plot_width = chart.width - chart.left
    stacks = [[(key, *_drawn(counts[key])) for key, _ in series] for _, counts in weekly]
    top = _nice_top(max((sum(value for _, value, _ in stack) for stack in stacks), default=0))
    slot = plot_width / max(len(weekly), 1)
    label_every = max(1, round(len(weekly) / 6))
    for index, ((monday, counts), stack) in enumerate(zip(weekly, stacks, strict=True)):
        x = chart.left + index * slot + slot * 0.15
        base = chart.top_margin + plot_height
        bars = []
        for key, value, hidden in stack:
            if not value:
                continue
            height = plot_height * value / top
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
        chart.ticks.append((round(chart.top_margin + plot_height - plot_height * step / 4, 1), f"{value:g}"))
    return chart
