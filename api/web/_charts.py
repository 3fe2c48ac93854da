"""Charts of the 考核 page as geometry for server-rendered SVG: no script, nothing fetched.

The template draws the rectangles, lines and labels computed here (presentation attributes
and classes only, so the strict Content-Security-Policy holds).
"""

from __future__ import annotations

from dataclasses import dataclass

from archive import TimelinessReport

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 150
CHART_WIDTH = 640
TREND_HEIGHT = 220
TREND_MARGIN = 36
TREND_LEFT = 64


@dataclass(frozen=True)
class PersonBar:
    """One person's stacked bar: on time, then late, scaled to the busiest person."""

    label: str
    y: int
    on_time_width: float
    late_width: float
    on_time: int
    late: int


@dataclass(frozen=True)
class PersonChart:
    """A bar per person."""

    bars: list[PersonBar]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend: its place, its on-time rate and counts."""

    month: str
    x: float
    y: float | None
    rate: int | None
    on_time: int
    late: int


@dataclass(frozen=True)
class TrendChart:
    """The on-time rate month by month (a month without stages has no point)."""

    points: list[TrendPoint]
    line: str
    width: int = CHART_WIDTH
    height: int = TREND_HEIGHT
    top: int = TREND_MARGIN // 2
    bottom: int = TREND_HEIGHT - TREND_MARGIN
    left: int = TREND_LEFT


def person_chart(report: TimelinessReport, *, posts: dict[str, str]) -> PersonChart:
    """A stacked bar per person of ``report`` (a post nobody held: the post's name)."""
    widest = max((p.total for p in report.people), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 60
    bars = []
    for number, person in enumerate(report.people):
        label = person.display_name or f"{posts.get(person.post or '', '')}（无人）"
        bars.append(
            PersonBar(
                label=label,
                y=number * (BAR_HEIGHT + BAR_GAP),
                on_time_width=room * person.on_time / widest,
                late_width=room * person.late / widest,
                on_time=person.on_time,
                late=person.late,
            )
        )
    return PersonChart(bars=bars, height=max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP))


def trend_chart(report: TimelinessReport) -> TrendChart:
    """The on-time rate of each month of the report's trend, as points and a polyline."""
    step = (CHART_WIDTH - TREND_LEFT - TREND_MARGIN) / max(len(report.trend) - 1, 1)
    top, bottom = TREND_MARGIN // 2, TREND_HEIGHT - TREND_MARGIN
    points = []
    for number, month in enumerate(report.trend):
        rate = round(100 * month.on_time / month.total) if month.total else None
        y = bottom - (bottom - top) * rate / 100 if rate is not None else None
        points.append(
            TrendPoint(
                month=month.month,
                x=TREND_LEFT + number * step,
                y=y,
                rate=rate,
                on_time=month.on_time,
                late=month.late,
            )
        )
    line = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points if p.y is not None)
    return TrendChart(points=points, line=line)
