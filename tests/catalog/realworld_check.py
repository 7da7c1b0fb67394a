"""Import each real-world case and compare what the catalog holds with the hand-worked facts.

    .venv/bin/python tests/catalog/realworld_check.py

prints one line per case that is not handled right and the count of cases handled right.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.catalog.importer import Importer, ImportReport
from ceatlas.catalog.models import Course, CourseSession, Provider
from ceatlas.db import make_engine, migrate
from ceatlas.kb import load_kb

HERE = Path(__file__).resolve().parent / "realworld"
CASES = HERE / "cases"
TODAY = dt.date(2026, 12, 3)


def cases() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = yaml.safe_load((HERE / "expected.yaml").read_text("utf-8"))[
        "cases"
    ]
    return found


def _lines(report: ImportReport, name: str) -> list[str]:
    return [str(x) for x in getattr(report, name, [])]


def _session_facts(s: CourseSession) -> dict[str, Any]:
    return {
        "start": s.start_date.isoformat() if s.start_date else None,
        "time": s.start_time.strftime("%H:%M") if s.start_time else None,
        "mode": s.mode,
        "price": None if s.price is None else f"{s.price:.2f}",
        "currency": s.currency,
        "city": s.city,
        "venue": s.venue,
        "located": s.latitude is not None and s.longitude is not None,
        "instructors": list(s.instructors or []),
        "seats": s.seats_total,
    }


def _match_lines(kind: str, expected: list[str], got: list[str], exact_count: bool) -> list[str]:
    wrong = []
    left = list(got)
    for want in expected:
        hit = next((line for line in left if want in line), None)
        if hit is None:
            wrong.append(f"no {kind} line with {want!r} (got {got!r})")
        else:
            left.remove(hit)
    if exact_count and len(got) != len(expected):
        wrong.append(f"{len(got)} {kind} line(s), expected {len(expected)}: {got!r}")
    return wrong


def check(engine: Engine, report: ImportReport, expect: dict[str, Any]) -> list[str]:
    """What differs between the import and the expected facts (empty: handled right)."""
    wrong: list[str] = []
    problems = [str(p) for p in report.problems]
    wrong += _match_lines("rejected", expect.get("rejected", []), problems, True)
    wrong += _match_lines("skipped", expect.get("skipped", []), _lines(report, "skipped"), True)
    wrong += _match_lines("warning", expect.get("warnings", []), _lines(report, "warnings"), False)
    with Session(engine) as db:
        stored = db.scalars(select(Course).order_by(Course.id)).all()
        wanted = expect.get("courses", [])
        if len(stored) != len(wanted):
            wrong.append(
                f"{len(stored)} course(s) {[c.title for c in stored]!r}, expected {len(wanted)}"
            )
        by_title = {c.title: c for c in stored}
        for want in wanted:
            course = by_title.get(want["title"])
            if course is None:
                wrong.append(f"no course titled {want['title']!r}")
                continue
            wrong += [f"{want['title']!r}: {w}" for w in _check_course(db, course, want)]
    return wrong


def _check_course(db: Session, course: Course, want: dict[str, Any]) -> list[str]:
    wrong = []
    if "provider" in want:
        provider = db.get(Provider, course.provider_id) if course.provider_id else None
        name = provider.name if provider else None
        if name != want["provider"]:
            wrong.append(f"provider {name!r}, expected {want['provider']!r}")
    description = course.description or ""
    if "description" in want and course.description != want["description"]:
        wrong.append(f"description {course.description!r}, expected {want['description']!r}")
    for part in want.get("description_has", []):
        if part not in description:
            wrong.append(f"description {description!r} lacks {part!r}")
    for part in want.get("description_lacks", []):
        if part in description:
            wrong.append(f"description {description!r} holds {part!r}")
    if "techniques" in want and len(course.techniques) != want["techniques"]:
        wrong.append(f"techniques {course.techniques!r}, expected {want['techniques']} of them")
    sessions = db.scalars(select(CourseSession).where(CourseSession.course_id == course.id)).all()
    facts = sorted(
        (_session_facts(s) for s in sessions),
        key=lambda f: (f["start"] or "", f["time"] or "", f["venue"] or "", f["price"] or ""),
    )
    expected = want.get("sessions", [])
    if len(facts) != len(expected):
        wrong.append(f"{len(facts)} session(s), expected {len(expected)}: {facts!r}")
        return wrong
    for i, (got, exp) in enumerate(zip(facts, expected, strict=True)):
        for key, value in exp.items():
            if got[key] != value:
                wrong.append(f"session {i + 1}: {key} {got[key]!r}, expected {value!r}")
    return wrong


def run_case(engine: Engine, resolver: Any, case: dict[str, Any]) -> list[str]:
    importer = Importer(engine, resolver, today=TODAY)
    try:
        report = importer.run([CASES / case["file"]])
    except Exception as error:  # a crash is a case handled wrong, not a broken run
        return [f"import crashed: {type(error).__name__}: {error}"]
    return check(engine, report, case["expect"])


def main() -> int:
    resolver = load_kb()
    right = 0
    all_cases = cases()
    with tempfile.TemporaryDirectory() as folder:
        for n, case in enumerate(all_cases):
            engine = make_engine(f"sqlite:///{folder}/case-{n}.db")
            migrate(engine)
            wrong = run_case(engine, resolver, case)
            engine.dispose()
            if wrong:
                print(f"WRONG {case['file']}:")
                for line in wrong:
                    print(f"    {line}")
            else:
                right += 1
    print(f"{right} of {len(all_cases)} real-world cases handled right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
