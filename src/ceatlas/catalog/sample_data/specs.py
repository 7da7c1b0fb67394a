"""Compact shapes for the sample catalog's data; ``ceatlas.catalog.sample`` expands them."""

from __future__ import annotations

from dataclasses import dataclass

# (authority, approval number or None, years until it lapses or None for no expiry date).
# Approvals lapse on 31 December of ``today.year + years``; a negative value is expired.
Approval = tuple[str, str | None, int | None]


@dataclass(frozen=True)
class ProviderSpec:
    slug: str
    name: str
    home: str  # place key, e.g. "portland-or"
    street: str
    cities: tuple[str, ...]  # where it teaches in person (place keys)
    instructors: tuple[str, ...]
    approvals: tuple[Approval, ...] = ()
    about: str = ""
    person: bool = False


@dataclass(frozen=True)
class CourseSpec:
    """One course and how often it runs.

    ``schedule`` counts sessions per mode: ``P`` in person on a weekend, ``D`` in person on
    weekdays, ``L`` live online, ``S`` self-paced online, ``H`` hybrid; e.g. ``"P3 L1 S1"``.
    ``cities`` pins in-person/hybrid sessions to places first, then the provider's cities.
    ``prereqs`` items: ``course:<slug>``, ``competency:<id>`` or free text.
    ``price`` is the in-person list price in USD; online prices derive from it.
    """

    slug: str
    title: str
    provider: str
    hours: float
    price: int
    techniques: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    prereqs: tuple[str, ...] = ("Licensed massage therapist",)
    schedule: str = "P2 L1"
    cities: tuple[str, ...] = ()
    level: str = "intermediate"
    credential: str | None = "Certificate of completion"
    hands_on: float | None = None
    supervised: float | None = None
    approval: str | None = None  # course-level NCBTMB approval number
    blurb: str = ""
    code: str | None = None


@dataclass(frozen=True)
class GroupSpec:
    name: str
    courses: tuple[str, ...]  # course slugs
    choose: int | None = None


@dataclass(frozen=True)
class ProgramSpec:
    slug: str
    name: str
    provider: str
    hours: int
    credential: str
    groups: tuple[GroupSpec, ...]
    blurb: str = ""
