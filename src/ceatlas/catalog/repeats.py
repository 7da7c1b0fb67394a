"""Records that describe a course already seen earlier in the same import.

A page or feed may describe one course in two places (schema.org's own examples mark up
"HNC Accounting" once with its sessions and once with only its credential). Within one
import such records are merged instead of the later one replacing the earlier: a later
value wins where it is given, lists are combined, and nothing the earlier record said is
lost. Across imports the newest record stays the truth (a feed that drops a description
drops it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ceatlas.catalog.records import CourseRecord, ProgramRecord, ProviderRecord, Record


@dataclass
class Earlier:
    """What an earlier record of the same import said about a course."""

    values: dict[str, Any]
    approvals: list[dict[str, Any]]
    provider: ProviderRecord | None

    @classmethod
    def of(cls, course: CourseRecord) -> Earlier:
        return cls(course.values, course.approvals, course.provider)


def courses_in(record: Record) -> list[CourseRecord]:
    if isinstance(record, CourseRecord):
        return [record]
    if isinstance(record, ProgramRecord):
        return list(record.courses)
    return []


def _given(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _combined(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    out = list(first)
    out.extend(item for item in second if item not in out)
    return out


def merge(course: CourseRecord, earlier: Earlier) -> None:
    """Fold ``earlier`` into ``course`` (in place): ``course``'s given values win."""
    values = dict(earlier.values)
    for name, value in course.values.items():
        before = values.get(name)
        if isinstance(value, list) and isinstance(before, list):
            values[name] = _combined(before, value)
        elif _given(value) or name not in values:
            values[name] = value
    course.values = values
    course.approvals = _combined(earlier.approvals, course.approvals)
    if course.provider is None and earlier.provider is not None:
        course.provider = earlier.provider
