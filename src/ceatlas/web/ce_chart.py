"""A license's CE hours over its cycle, as plain SVG geometry for the /me/ce page.

Drawn on the server (no script, no inline style) so it works without JavaScript and under
the page's content security policy; the numbers it draws are also in the text beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ceatlas.compliance.rules import ComplianceStatus, format_hours

WIDTH = 600
HEIGHT = 160
PAD_LEFT = 40
PAD_BOTTOM = 24
PAD_TOP = 12


@dataclass(frozen=True)
class HoursChart:
    """Counted hours as a step line from cycle start to renewal, with the required level."""

    points: str  # SVG polyline points
    required_y: float | None
    today_x: float | None
    top_hours: Decimal
    start: dt.date
    end: dt.date
    label: str  # the chart in words, for assistive technology
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    bottom: float = HEIGHT - PAD_BOTTOM


def hours_chart(status: ComplianceStatus, today: dt.date) -> HoursChart | None:
    """The chart for ``status``, or ``None`` when the cycle's dates are not known."""
    start, end = status.cycle_start, status.cycle_end
    if start is None or end is None or end <= start:
        return None
    total = status.total
    required = total.required if total is not None else None
    counted_entries = sorted(
        (e for e in status.entries if e.counted > 0 and start <= e.completed_on <= end),
        key=lambda e: e.completed_on,
    )
    done = sum((e.counted for e in counted_entries), Decimal(0))
    top = max(required or Decimal(0), done, Decimal(1))
    span = (end - start).days

    def x(day: dt.date) -> float:
        return round(PAD_LEFT + (WIDTH - PAD_LEFT - 8) * (day - start).days / span, 1)

    def y(hours: Decimal) -> float:
        usable = HEIGHT - PAD_BOTTOM - PAD_TOP
        return round(HEIGHT - PAD_BOTTOM - usable * float(hours / top), 1)

    points = [(x(start), y(Decimal(0)))]
    running = Decimal(0)
    for entry in counted_entries:
        points.append((x(entry.completed_on), y(running)))
        running += entry.counted
        points.append((x(entry.completed_on), y(running)))
    last_day = min(max(today, start), end)
    points.append((x(last_day), y(running)))
    needed = " (requirement unknown)"
    if required is not None:
        needed = f" of {format_hours(required)} required"
    return HoursChart(
        points=" ".join(f"{px},{py}" for px, py in points),
        required_y=y(required) if required is not None else None,
        today_x=x(today) if start <= today <= end else None,
        top_hours=top,
        start=start,
        end=end,
        label=f"{format_hours(done)} CE hours counted between {start} and {end}{needed}",
    )
