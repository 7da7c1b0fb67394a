"""CE cycle arithmetic: where a license's current cycle starts and ends, and what kind it is.

A cycle is the ``months`` months before and including the renewal date, so it starts the
day after the previous renewal date: cycles of one license tile time with no gap and no
overlap. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ceatlas.kb.models import Jurisdiction
from ceatlas.kb.rules import MONTH_NAMES, CycleRule


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` months, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month0 + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def cycle_start_for(end: dt.date, months: int) -> dt.date:
    """First day of the ``months``-month cycle that ends on ``end`` (inclusive)."""
    previous_end = add_months(end, -months)
    if end.month != (end + dt.timedelta(days=1)).month:  # renewals at a month's end
        previous_end = _month_end(previous_end)
    return previous_end + dt.timedelta(days=1)


def _month_end(day: dt.date) -> dt.date:
    following = add_months(day.replace(day=1), 1)
    return following - dt.timedelta(days=1)


def months_licensed(issued: dt.date, end: dt.date) -> int:
    """Months or partial months from the issue month to the renewal month, both included."""
    return (end.year * 12 + end.month) - (issued.year * 12 + issued.month) + 1


def long_date(day: dt.date) -> str:
    """'15 March 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Window:
    """The cycle being judged."""

    start: dt.date | None
    end: dt.date | None
    first_renewal: bool
    #: the first renewal was derived from the issue date (not declared)
    first_from_issue: bool = False
    notes: list[str] = field(default_factory=list)

    def year_of(self, day: dt.date) -> int | None:
        """1 for the first 12 months of the cycle, 2 for the next 12, ...; None without a start."""
        if self.start is None:
            return None
        year = 1
        while add_months(self.start, 12 * year) <= day:
            year += 1
        return year

    def years(self) -> int | None:
        """Number of (possibly partial) years in the cycle."""
        if self.start is None or self.end is None:
            return None
        return self.year_of(self.end)


def window(
    rules: Jurisdiction,
    end: dt.date | None,
    start: dt.date | None,
    issued: dt.date | None,
    declared_first: bool,
) -> Window:
    """The cycle that ends on the renewal date ``end`` (a recorded ``start`` wins)."""
    notes: list[str] = []
    months = rules.ce_months
    standard = start
    if standard is None and end is not None and months:
        standard = cycle_start_for(end, months)
    derived_first = issued is not None and standard is not None and issued >= standard
    first = declared_first or derived_first
    begin = standard
    if first and issued is not None:
        begin = issued  # a first renewal's cycle runs from the day the license was issued
    if begin is None:
        notes.append(
            "the cycle start is not recorded and the knowledge base does not give the cycle "
            "length: every entry up to the renewal date is counted"
            if end is not None
            else "no renewal date recorded: every entry is counted"
        )
    if end is not None and isinstance(rules.cycle, CycleRule):
        note = _fixed_date_note(rules.name, rules.cycle, end)
        if note:
            notes.append(note)
    return Window(begin, end, first, derived_first and not declared_first, notes)


def _fixed_date_note(name: str, cycle: CycleRule, end: dt.date) -> str | None:
    if cycle.anchor != "fixed-date" or cycle.month is None or cycle.day is None:
        return None
    parity_ok = (
        cycle.years in ("every", "by-license")
        or (cycle.years == "odd" and end.year % 2 == 1)
        or (cycle.years == "even" and end.year % 2 == 0)
    )
    if (end.month, end.day) == (cycle.month, cycle.day) and parity_ok:
        return None
    years = {
        "odd": " of odd years",
        "even": " of even years",
        "every": " each year",
        "by-license": "",
    }
    when = f"{cycle.day} {MONTH_NAMES[cycle.month - 1]}{years[cycle.years or 'every']}"
    return (
        f"{name} licenses renew on {when}; the recorded renewal date {long_date(end)} is not "
        "one of them: check the date on your license"
    )
