"""The provider and program directories as library calls, on a catalog worked by hand, and
past sessions kept as history by imports (counted in the report, never dropped)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ceatlas.catalog import directory
from ceatlas.catalog.directory import ApprovalFact
from ceatlas.catalog.models import CourseSession
from ceatlas.catalog.service import Catalog
from small_catalog import TODAY, documents, load_small_catalog


def test_provider_rows_worked_by_hand(catalog: Catalog, engine: Engine) -> None:
    """Gulf Coast School: one past session and two upcoming ones of two modes (one starts
    today) -> 2 upcoming, taught in person and live online (the past hybrid session is not
    an offer any more); its approvals as stored, the expired one marked. Other School:
    an undated self-paced session is upcoming; no approvals stored, none made up."""
    load_small_catalog(catalog)
    with Session(engine) as db:
        listing = directory.providers(db, today=TODAY)
    assert (listing.total, listing.page, listing.pages) == (2, 1, 1)
    gulf, other = listing.rows
    assert (gulf.name, gulf.place, gulf.courses, gulf.upcoming_sessions) == (
        "Gulf Coast School",
        "Tampa, FL",
        2,
        2,
    )
    assert gulf.modes == ["in_person", "live_online"]
    assert gulf.approvals == [
        ApprovalFact("NCBTMB", None, "451234", dt.date(2028, 1, 31), True),
        ApprovalFact("FSMTB", None, None, dt.date(2026, 12, 31), False),
    ]
    assert (other.name, other.place, other.courses, other.upcoming_sessions) == (
        "Other School",
        "",
        1,
        1,
    )
    assert other.modes == ["self_paced_online"]
    assert other.approvals == []
    # A day after the Kinesiology session started, it is no longer upcoming.
    with Session(engine) as db:
        later = directory.providers(db, "gulf", today=TODAY + dt.timedelta(days=1)).rows
    assert [(r.upcoming_sessions, r.modes) for r in later] == [(1, ["in_person"])]


def test_program_row_worked_by_hand(catalog: Catalog, engine: Engine) -> None:
    """Required: Anatomy (10 CE hours, $100 on Apr 1; its $50 session is past) and
    Kinesiology (8, $250, starting today); choose 1 of Ethics (3, self-paced, no price)
    and a course not in the catalog. -> 2 required, choose 1 of 2 electives; 40 stated
    hours beside 10 + 8 + 3 = 21 CE hours; $100 to $250 with 1 course without a price;
    next start today, and a self-paced course to start any time."""
    load_small_catalog(catalog)
    with Session(engine) as db:
        (row,) = directory.programs(db, "certificate", today=TODAY).rows
    assert (row.name, row.provider, row.credential) == (
        "Gulf Coast Certificate",
        "Gulf Coast School",
        "Certificate",
    )
    assert (row.courses, row.required_courses, row.elective_courses) == (4, 2, 2)
    assert (row.electives_to_choose, row.missing_courses, row.has_electives) == (1, 1, True)
    assert (row.total_hours, row.course_hours) == (Decimal(40), Decimal(21))
    assert (row.lowest_price, row.highest_price, row.unpriced_courses) == (
        Decimal(100),
        Decimal(250),
        1,
    )
    assert (row.next_start, row.starts_any_time) == (TODAY, True)
    with Session(engine) as db:
        (after,) = directory.programs(db, today=dt.date(2027, 4, 2)).rows
    # Every dated session is past: only Ethics (self-paced) is still upcoming.
    assert (after.lowest_price, after.unpriced_courses, after.next_start) == (None, 3, None)
    assert after.starts_any_time


def test_name_filter_and_pages(catalog: Catalog, engine: Engine) -> None:
    """The filter ignores case and takes % and _ literally; a page past the last gives the
    last page."""
    many = [
        {"@type": "Organization", "@id": f"https://p{n}.example/", "name": f"School {n:02}"}
        for n in range(directory.PER_PAGE + 3)
    ]
    assert catalog.import_documents(many, "many", TODAY).ok
    with Session(engine) as db:
        first = directory.providers(db, "SCHOOL", 1, TODAY)
        past_end = directory.providers(db, "school", 9, TODAY)
        literal = directory.providers(db, "100%", 1, TODAY)
    assert (first.total, first.pages, len(first.rows)) == (directory.PER_PAGE + 3, 2, 50)
    assert first.rows[0].name == "School 00"
    assert (past_end.page, [r.name for r in past_end.rows]) == (
        2,
        ["School 50", "School 51", "School 52"],
    )
    assert literal.total == 0


def _sessions(engine: Engine) -> int:
    with Session(engine) as db:
        return int(db.scalar(select(func.count()).select_from(CourseSession)) or 0)


def test_an_import_keeps_past_sessions_and_says_so(catalog: Catalog, engine: Engine) -> None:
    report = load_small_catalog(catalog)
    assert _sessions(engine) == 4  # the past one too
    assert report.past_sessions == 1
    assert report.past_note() == (
        "1 session is in the past and kept as history (search leaves them out)"
    )
    assert report.as_dict()["past_sessions"] == 1
    # Imported again a month later, with nothing changed: now two sessions are past.
    again = catalog.import_documents(documents(), "again", dt.date(2027, 4, 2))
    assert (again.past_sessions, _sessions(engine)) == (3, 4)
    assert again.past_note() == (
        "3 sessions are in the past and kept as history (search leaves them out)"
    )
    assert catalog.import_documents(documents()[:2], "no sessions", TODAY).past_note() is None


def test_the_import_command_counts_past_sessions(
    cli_env: Path, catalog: Catalog, engine: Engine
) -> None:
    """``ceatlas import`` prints the count under its summary and in --json; the sessions are
    stored. (The command's today is the system date, so the dates here are far apart.)"""
    from ceatlas.cli import app

    docs = documents()
    for doc in docs:
        for session in doc.get("hasCourseInstance", []):
            if "startDate" in session:
                year = "2001" if session["@id"].endswith("past") else "2999"
                session["startDate"] = year + session["startDate"][4:]
    path = cli_env / "feed.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org/", "@graph": docs}))
    runner = CliRunner()
    done = runner.invoke(app, ["import", str(path)])
    assert done.exit_code == 0, done.output
    assert "1 session is in the past and kept as history (search leaves them out)" in done.output
    as_json = runner.invoke(app, ["import", "--json", str(path)])
    assert json.loads(as_json.output)["past_sessions"] == 1
    assert _sessions(engine) == 4
