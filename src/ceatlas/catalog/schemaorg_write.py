"""Catalog rows to schema.org JSON-LD that our reader (and any JSON-LD processor) reads back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ceatlas.catalog.schemaorg_read import CE_NAMESPACE

CONTEXT: list[Any] = ["https://schema.org/", {"ce": CE_NAMESPACE}]
TERM_SETS = {
    "techniques": "https://w3id.org/ceatlas/kb/techniques",
    "competencies": "https://w3id.org/ceatlas/kb/competencies",
}
_MODES = {
    "self_paced_online": ["online", "asynchronous"],
    "live_online": ["online", "synchronous"],
    "in_person": ["onsite"],
    "hybrid": ["blended"],
}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _date_time(day: dt.date | None, time: dt.time | None, zone: str | None) -> str | None:
    if day is None:
        return None
    if time is None:
        return day.isoformat()
    moment = dt.datetime.combine(day, time)
    if zone and zone[0] in "+-":
        return moment.isoformat() + zone
    if zone:
        from zoneinfo import ZoneInfo

        return moment.replace(tzinfo=ZoneInfo(zone)).isoformat()
    return moment.isoformat()


def _drop_empty(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v is not None and v != [] and v != {}}


def approvals_jsonld(approvals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        _drop_empty(
            {
                "@type": "ce:Approval",
                "ce:authority": a["authority"]
                if a["authority"] != "other"
                else f"other:{a['authority_name'] or ''}",
                "identifier": a["number"],
                "validThrough": a["valid_until"].isoformat() if a["valid_until"] else None,
            }
        )
        for a in approvals
    ]


def provider_jsonld(provider: dict[str, Any]) -> dict[str, Any]:
    address = _drop_empty(
        {
            "@type": "PostalAddress",
            "streetAddress": provider["street"],
            "addressLocality": provider["city"],
            "addressRegion": provider["region"],
            "postalCode": provider["postal_code"],
            "addressCountry": provider["country"],
        }
    )
    return _drop_empty(
        {
            "@type": "Person" if provider["kind"] == "person" else "Organization",
            "@id": provider["key"],
            "name": provider["name"],
            "description": provider["description"],
            "url": provider["url"],
            "email": provider["email"],
            "telephone": provider["phone"],
            "address": address if len(address) > 1 else None,
            "ce:approval": approvals_jsonld(provider["approvals"]),
            "ce:sample": True if provider["is_sample"] else None,
        }
    )


def session_jsonld(session: dict[str, Any]) -> dict[str, Any]:
    zone = session["timezone"]
    offers = [
        _drop_empty(
            {
                "@type": "Offer",
                "price": str(session["price"]) if session["price"] is not None else None,
                "priceCurrency": session["currency"],
                "url": session["registration_url"],
                "availabilityStarts": _iso(session["registration_opens"]),
                "availabilityEnds": _iso(session["registration_deadline"]),
            }
        )
    ]
    if session["early_price"] is not None:
        offers.append(
            _drop_empty(
                {
                    "@type": "Offer",
                    "category": "early-bird",
                    "price": str(session["early_price"]),
                    "priceCurrency": session["currency"],
                    "validThrough": _iso(session["early_price_until"]),
                }
            )
        )
    if session["member_price"] is not None:
        offers.append(
            {
                "@type": "Offer",
                "category": "member",
                "price": str(session["member_price"]),
                "priceCurrency": session["currency"],
            }
        )
    place = _drop_empty(
        {
            "@type": "Place",
            "name": session["venue"],
            "address": _drop_empty(
                {
                    "@type": "PostalAddress",
                    "streetAddress": session["street"],
                    "addressLocality": session["city"],
                    "addressRegion": session["region"],
                    "postalCode": session["postal_code"],
                    "addressCountry": session["country"],
                }
            ),
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": session["latitude"],
                "longitude": session["longitude"],
            }
            if session["latitude"] is not None
            else None,
        }
    )
    if place.get("address") == {"@type": "PostalAddress"}:
        del place["address"]
    schedules = [
        _drop_empty(
            {
                "@type": "Schedule",
                "byDay": [f"https://schema.org/{d}" for d in m["days"]],
                "startTime": m["start_time"],
                "endTime": m["end_time"],
                "scheduleTimezone": zone if zone and "/" in zone else None,
            }
        )
        for m in session["meeting_pattern"]
    ]
    return _drop_empty(
        {
            "@type": "CourseInstance",
            "@id": session["key"],
            "courseMode": _MODES[session["mode"]],
            "startDate": _date_time(session["start_date"], session["start_time"], zone),
            "endDate": _date_time(session["end_date"], session["end_time"], zone),
            "ce:timezone": zone,
            "eventSchedule": schedules,
            "location": place if len(place) > 1 else None,
            "offers": [o for o in offers if len(o) > 1],
            "maximumAttendeeCapacity": session["seats_total"],
            "remainingAttendeeCapacity": session["seats_remaining"],
            "instructor": [{"@type": "Person", "name": n} for n in session["instructors"]],
            "courseWorkload": _duration(session["workload_hours"]),
            "ce:accessPeriod": f"P{session['access_days']}D"
            if session["access_days"] is not None
            else None,
            "ce:handsOnHours": _num_or_none(session["hands_on_hours"]),
            "ce:supervisedHours": _num_or_none(session["supervised_hours"]),
        }
    )


def course_jsonld(
    course: dict[str, Any],
    provider: dict[str, Any] | None,
    sessions: list[dict[str, Any]],
    *,
    context: bool = True,
) -> dict[str, Any]:
    teaches = [
        {"@type": "DefinedTerm", "name": term, "inDefinedTermSet": TERM_SETS[kind]}
        for kind in ("techniques", "competencies")
        for term in course[kind]
    ]
    about = [{"@type": "MedicalCondition", "name": c} for c in course["conditions"]] + [
        {"@type": "AnatomicalStructure", "name": r} for r in course["body_regions"]
    ]
    prerequisites = [
        {"@type": "Course", "@id": x["value"]}
        if x["kind"] == "course"
        else {
            "@type": "DefinedTerm",
            "name": x["value"],
            "inDefinedTermSet": TERM_SETS["competencies"],
        }
        if x["kind"] == "competency"
        else x["value"]
        for x in course["prerequisites"]
    ]
    doc = _drop_empty(
        {
            "@context": CONTEXT if context else None,
            "@type": "Course",
            "@id": course["key"],
            "name": course["title"],
            "description": course["description"],
            "courseCode": course["course_code"],
            "url": course["url"],
            "provider": provider_jsonld(provider) if provider else None,
            "numberOfCredits": {
                "@type": "StructuredValue",
                "value": _number(course["ce_hours"]),
                "unitText": "CE hours",
            }
            if course["ce_hours"] is not None
            else None,
            "educationalLevel": course["level"],
            "inLanguage": course["language"],
            "teaches": teaches,
            "about": about,
            "ce:category": course["ce_categories"],
            "coursePrerequisites": prerequisites,
            "educationalCredentialAwarded": course["credential_awarded"],
            "timeRequired": _duration(course["workload_hours"]),
            "ce:approval": approvals_jsonld(course["approvals"]),
            "hasCourseInstance": [session_jsonld(s) for s in sessions],
        }
    )
    return doc


def program_jsonld(program: dict[str, Any], provider: dict[str, Any] | None) -> dict[str, Any]:
    groups = [
        _drop_empty(
            {
                "@type": "ce:RequirementGroup",
                "name": g["title"],
                "ce:choose": g["choose"],
                "hasCourse": [{"@id": key} for key in g["courses"]],
            }
        )
        for g in program["structure"]
    ]
    return _drop_empty(
        {
            "@context": CONTEXT,
            "@type": "EducationalOccupationalProgram",
            "@id": program["key"],
            "name": program["name"],
            "description": program["description"],
            "url": program["url"],
            "provider": provider_jsonld(provider) if provider else None,
            "numberOfCredits": {
                "@type": "StructuredValue",
                "value": _number(program["total_hours"]),
                "unitText": "hours",
            }
            if program["total_hours"] is not None
            else None,
            "educationalCredentialAwarded": program["credential_awarded"],
            "ce:requirementGroup": groups,
        }
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _num_or_none(value: Decimal | None) -> int | float | None:
    return None if value is None else _number(value)


def _duration(hours: Decimal | None) -> str | None:
    # ISO 8601 allows a decimal fraction on the last component: PT1.25H keeps hours exact.
    if hours is None:
        return None
    return f"PT{format(hours.normalize(), 'f')}H"
