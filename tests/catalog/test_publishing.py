"""``Publisher``: a provider's own courses, sessions and programs, through the catalog library."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.catalog.models import Course, CourseSession, Program, Provider
from ceatlas.catalog.publishing import Publisher
from ceatlas.catalog.publishing_input import (
    CourseIn,
    ProgramGroupIn,
    ProgramIn,
    PublishError,
    SessionIn,
)
from ceatlas.catalog.service import Catalog
from ceatlas.kb import load_kb


def _providers(engine: Engine) -> tuple[int, int]:
    with Session(engine) as db:
        ids = db.scalars(select(Provider.id).order_by(Provider.id).limit(2)).all()
    return ids[0], ids[1]


@pytest.fixture
def pub(sample_catalog_engine: Engine) -> Publisher:
    mine, _ = _providers(sample_catalog_engine)
    return Publisher(sample_catalog_engine, load_kb(), mine)


@pytest.fixture
def sample_catalog_engine(catalog: Catalog, engine: Engine) -> Engine:
    catalog.load_sample(dt.date(2026, 11, 23))
    return engine


WEEKEND = SessionIn(
    mode="in_person",
    start_date=dt.date(2027, 1, 16),
    start_time=dt.time(9),
    end_date=dt.date(2027, 1, 17),
    end_time=dt.time(17),
    timezone="America/New_York",
    venue="Harbor Studio",
    postal_code="33602",
    price=Decimal("350"),
)


def test_create_course_and_session_is_searchable_data(pub: Publisher, engine: Engine) -> None:
    course_id = pub.create_course(
        CourseIn(
            title="Sciatica Relief Weekend", ce_hours=Decimal(12), techniques=["myofascial release"]
        )
    )
    session_id = pub.create_session(course_id, WEEKEND)
    with Session(engine) as db:
        course = db.get(Course, course_id)
        session = db.get(CourseSession, session_id)
        assert course is not None
        assert session is not None
        assert course.provider_id == pub.provider_id
        assert course.ce_hours == Decimal(12)
        assert (session.city, session.region, session.mode) == ("Tampa", "FL", "in_person")
        assert session.latitude is not None
        assert session.start_time == dt.time(9)
    pub.update_course(course_id, CourseIn(title="Sciatica Relief, Weekend", ce_hours=Decimal(14)))
    with Session(engine) as db:
        course = db.get(Course, course_id)
        assert course is not None
        assert course.title == "Sciatica Relief, Weekend"
        assert len(course.sessions) == 1  # sessions kept
    with pytest.raises(PublishError) as dup:
        pub.create_course(CourseIn(title="Sciatica Relief Weekend"))
    assert (dup.value.status, dup.value.field) == (409, "title")
    pub.delete_session(session_id)
    pub.delete_course(course_id)
    with Session(engine) as db:
        assert db.get(Course, course_id) is None


def test_cannot_touch_another_providers_listings(pub: Publisher, engine: Engine) -> None:
    _, theirs = _providers(engine)
    with Session(engine) as db:
        course = db.scalars(select(Course).where(Course.provider_id == theirs)).first()
        assert course is not None
        course_id, course_key, title = course.id, course.key, course.title
        session_id = course.sessions[0].id
    with pytest.raises(PublishError) as caught:
        pub.update_course(course_id, CourseIn(title="Taken over"))
    assert caught.value.status == 403
    for attempt in (
        lambda: pub.delete_course(course_id),
        lambda: pub.delete_session(session_id),
        lambda: pub.create_session(course_id, WEEKEND),
        lambda: pub.update_session(session_id, WEEKEND),
        lambda: pub.create_program(
            ProgramIn(name="P", groups=[ProgramGroupIn(courses=[course_id])])
        ),
    ):
        with pytest.raises(PublishError):
            attempt()
    # The same through a file: a course carrying the other provider's key is refused.
    document = {"@type": "Course", "@id": course_key, "name": "Taken over"}
    report = pub.upload("feed.jsonld", json.dumps(document).encode())
    assert report.records_rejected == 1
    assert "another provider" in report.problems[0].reason
    with Session(engine) as db:
        course = db.get(Course, course_id)
        assert course is not None
        assert course.title == title


def test_upload_attaches_records_to_the_provider(pub: Publisher, engine: Engine) -> None:
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Course",
                "name": "Uploaded course",
                "provider": {"@type": "Organization", "name": "Someone Else Entirely"},
                "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "online"}],
            },
            {"@type": "Course"},
        ],
    }
    report = pub.upload("feed.jsonld", json.dumps(document).encode())
    assert report.records_imported == 1
    assert report.records_rejected == 1
    assert report.problems[0].field == "name"
    assert report.problems[0].where.startswith("feed.jsonld")
    with Session(engine) as db:
        course = db.scalars(select(Course).where(Course.title == "Uploaded course")).one()
        assert course.provider_id == pub.provider_id
        assert (
            db.scalar(select(Provider.id).where(Provider.name == "Someone Else Entirely")) is None
        )
    with pytest.raises(PublishError) as caught:
        pub.upload("feed.exe", b"MZ")
    assert caught.value.field == "file"


def test_program_of_own_courses(pub: Publisher, engine: Engine) -> None:
    first = pub.create_course(CourseIn(title="Part one"))
    second = pub.create_course(CourseIn(title="Part two"))
    program_id = pub.create_program(
        ProgramIn(
            name="Certificate", groups=[ProgramGroupIn(title="Core", courses=[first, second])]
        )
    )
    with Session(engine) as db:
        program = db.get(Program, program_id)
        assert program is not None
        assert len(program.structure[0]["courses"]) == 2
    with pytest.raises(PublishError) as caught:
        pub.update_program(
            program_id,
            ProgramIn(name="Certificate", groups=[ProgramGroupIn(courses=[first], choose=3)]),
        )
    assert caught.value.field == "groups"
    pub.delete_program(program_id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postal_code": None}, "postal_code"),
        ({"postal_code": "00000"}, "postal_code"),
        ({"start_date": None}, "start_date"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"registration_url": "javascript:alert(1)"}, "registration_url"),
        ({"price": "-1"}, "price"),
    ],
)
def test_session_input_names_the_field(changes: dict[str, object], field: str) -> None:
    data = WEEKEND.model_dump() | changes
    with pytest.raises(ValidationError) as caught:
        SessionIn.model_validate(data)
    error = caught.value.errors()[0]
    where = str(error["loc"][0]) if error["loc"] else str(error["msg"]).split(": ")[0][13:]
    assert where == field


def test_reader_errors_name_our_field(pub: Publisher) -> None:
    course_id = pub.create_course(CourseIn(title="Dated"))
    bad = WEEKEND.model_copy(update={"end_date": dt.date(2027, 1, 1)})
    with pytest.raises(PublishError) as caught:
        pub.create_session(course_id, bad)
    assert caught.value.field == "end_date"
    assert "before the start date" in caught.value.message


def _session_count(engine: Engine, course_id: int) -> int:
    with Session(engine) as db:
        return len(
            db.scalars(select(CourseSession).where(CourseSession.course_id == course_id)).all()
        )


def test_past_start_dates_are_refused_but_a_started_session_can_be_corrected(
    pub: Publisher, engine: Engine
) -> None:
    """Publishing for a day before today is refused, naming the date, nothing saved. Once a
    session has started, its other fields can still be corrected; only moving its start to
    another past day is refused (moving it to a future day is fine)."""
    course_id = pub.create_course(CourseIn(title="Past and future"))
    later = Publisher(engine, load_kb(), pub.provider_id, today=dt.date(2027, 1, 20))
    with pytest.raises(PublishError) as caught:
        later.create_session(course_id, WEEKEND)
    assert (caught.value.field, caught.value.status) == ("start_date", 422)
    assert caught.value.message == (
        "start date 2027-01-16 is in the past; sessions are published for dates from 2027-01-20 on"
    )
    assert _session_count(engine, course_id) == 0
    self_paced = later.create_session(course_id, SessionIn(mode="self_paced_online"))
    session_id = pub.create_session(course_id, WEEKEND)  # published on Nov 23, 2026
    later.update_session(session_id, WEEKEND.model_copy(update={"price": Decimal("300")}))
    with Session(engine) as db:
        assert db.get(CourseSession, session_id).price == Decimal("300")  # type: ignore[union-attr]
    moved = WEEKEND.model_copy(update={"start_date": dt.date(2027, 1, 15)})
    with pytest.raises(PublishError, match="start date 2027-01-15 is in the past"):
        later.update_session(session_id, moved)
    with pytest.raises(PublishError, match="start date 2027-01-10 is in the past"):
        later.update_session(
            self_paced,
            WEEKEND.model_copy(
                update={"start_date": dt.date(2027, 1, 10), "end_date": dt.date(2027, 1, 11)}
            ),
        )
    forward = {"start_date": dt.date(2027, 2, 6), "end_date": dt.date(2027, 2, 7)}
    later.update_session(session_id, WEEKEND.model_copy(update=forward))
    with Session(engine) as db:
        found = db.get(CourseSession, session_id)
        assert found is not None
        assert (found.start_date, found.price) == (dt.date(2027, 2, 6), Decimal("350"))
