"""A planned catalog session, once it has ended, as an entry of the CE record.

The entry takes what the catalog knows: the course (title, provider and the approvals of
course and provider, which the compliance rules read from the catalog), the session's end
day as the completion date, the course's CE hours, how the session was taught, and the CE
subjects the course is mainly about. The therapist then uploads the certificate.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ceatlas.catalog.models import CourseSession
from ceatlas.compliance.errors import ComplianceError
from ceatlas.compliance.service import FORMAT_OF_MODE, CeRecords, EntryInput, EntryView


def record_session(records: CeRecords, user_id: int, session_id: int, today: dt.date) -> EntryView:
    """Add the ended session ``session_id`` to the therapist's CE record."""
    with Session(records.engine) as db:
        found = db.get(CourseSession, session_id)
        if found is None:
            raise ComplianceError("no session with this id in the catalog", "session_id", 404)
        course = found.course
        ended = found.end_date or found.start_date
        if ended is None:
            raise ComplianceError(
                "a self-paced session has no end date: add it with the date on your "
                "certificate (Completed CE form)",
                "session_id",
            )
        if ended > today:
            raise ComplianceError(
                f"this session ends on {ended.isoformat()}: add it once it has ended",
                "session_id",
            )
        if course.ce_hours is None:
            raise ComplianceError(
                "the course publishes no CE hours: add it with the hours on your certificate "
                "(Completed CE form)",
                "session_id",
            )
        subjects = [t.split(":", 1)[1] for t in course.primary_terms if t.startswith("categories:")]
        fmt = FORMAT_OF_MODE.get(found.mode, "in_person")
        if fmt == "in_person" and "technique" in subjects:
            # classroom hours of a course on massage technique, taught in person: the
            # hands-on hours some states ask for (as the planner counts them)
            subjects.append("hands-on")
        data = EntryInput(
            course_key=course.key,
            completed_on=ended,
            hours=course.ce_hours,
            format=fmt,
            categories=subjects,
        )
    return records.add_entry(user_id, data, today)
