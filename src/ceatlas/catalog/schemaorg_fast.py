"""A fast path for plain CourseInstance objects, the bulk of every large feed.

Most sessions arrive in one plain shape (the shape our own export and most publishers use):
known keys only, strings and numbers where expected. This reader handles exactly that
shape with straight-line code and returns None for anything else, or for any value it
would reject, so that the general reader (``SchemaOrgReader.session``) handles it and
names the field at fault. Both readers must agree on every input this one accepts; a
property test checks that they do.
"""

from __future__ import annotations

from typing import Any

from ceatlas.catalog import parsing as p
from ceatlas.catalog.records import RecordError, SessionRecord

_SESSION_KEYS = frozenset(
    {
        "@type",
        "@id",
        "courseMode",
        "startDate",
        "endDate",
        "timezone",
        "eventSchedule",
        "location",
        "offers",
        "maximumAttendeeCapacity",
        "remainingAttendeeCapacity",
        "instructor",
        "courseWorkload",
        "accessPeriod",
        "handsOnHours",
        "supervisedHours",
    }
)
_PLACE_KEYS = frozenset({"@type", "name", "address", "geo"})
_ADDRESS_KEYS = frozenset(
    {
        "@type",
        "streetAddress",
        "addressLocality",
        "addressRegion",
        "postalCode",
        "addressCountry",
    }
)
_ADDRESS_FIELDS = (
    ("streetAddress", "street", 300),
    ("addressLocality", "city", 120),
    ("addressRegion", "region", 120),
    ("postalCode", "postal_code", 20),
    ("addressCountry", "country", 60),
)
_OFFER_KEYS = frozenset(
    {
        "@type",
        "price",
        "priceCurrency",
        "url",
        "availabilityStarts",
        "availabilityEnds",
        "category",
        "validThrough",
    }
)
_LOCATION_FIELDS = (
    "venue",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
)
_SCHEDULE_KEYS = frozenset({"@type", "byDay", "startTime", "endTime", "scheduleTimezone"})
_MODE_MEMO: dict[tuple[tuple[str, ...], bool, bool], str | None] = {}


class _NotPlainError(Exception):
    """The object is not in the plain shape: let the general reader take it."""


def _text(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        raise _NotPlainError
    cleaned = " ".join(value.translate(p.CONTROL).split()) or None
    if cleaned is not None and len(cleaned) > limit:
        raise _NotPlainError
    return cleaned


def plain_session(
    obj: dict[str, Any], key: str, meeting: Any, place_times: Any, template: dict[str, Any]
) -> SessionRecord | None:
    """The session, or None when the general reader must handle it."""
    if not obj.keys() <= _SESSION_KEYS:
        return None
    try:
        return SessionRecord(key, _values(obj, meeting, place_times, dict(template)))
    except (_NotPlainError, RecordError):
        return None


def _values(
    obj: dict[str, Any], meeting: Any, place_times: Any, values: dict[str, Any]
) -> dict[str, Any]:
    schedules = obj.get("eventSchedule")
    if schedules is not None:
        schedules = schedules if type(schedules) is list else [schedules]
        for schedule in schedules:
            if type(schedule) is not dict or not schedule.keys() <= _SCHEDULE_KEYS:
                raise _NotPlainError
    zone = p.timezone_name(obj.get("timezone"))
    if zone is None and schedules:
        zones = (s["scheduleTimezone"] for s in schedules if s.get("scheduleTimezone"))
        zone = p.timezone_name(next(zones, None))
    start = p.when(obj.get("startDate"))
    end = p.when(obj.get("endDate"))
    values["timezone"] = zone or (start[2] if start else None)
    place_times(values, start, end)
    values["meeting_pattern"] = [meeting(s) for s in schedules] if schedules else []
    has_place = _location(values, obj.get("location"))
    _offers(values, obj.get("offers"))
    words = obj.get("courseMode")
    if type(words) is str:
        words = [words]
    if type(words) is not list or any(type(w) is not str for w in words):
        raise _NotPlainError
    has_clock = values["start_time"] is not None or any(
        m["start_time"] for m in values["meeting_pattern"]
    )
    memo_key = (tuple(words), has_place, has_clock)
    mode = _MODE_MEMO.get(memo_key)
    if mode is None:
        mode = p.session_mode(p.mode_words(words), has_place=has_place, has_clock=has_clock)
        if mode is None:
            raise _NotPlainError
        if len(_MODE_MEMO) < 1000:
            _MODE_MEMO[memo_key] = mode
    values["mode"] = mode
    values["seats_total"] = p.integer(obj.get("maximumAttendeeCapacity"))
    values["seats_remaining"] = p.integer(obj.get("remainingAttendeeCapacity"))
    values["instructors"] = _instructors(obj.get("instructor"))
    values["workload_hours"] = p.hours_from_duration(obj.get("courseWorkload"))
    values["access_days"] = p.days_from_duration(obj.get("accessPeriod"))
    values["hands_on_hours"] = p.decimal(obj.get("handsOnHours"))
    values["supervised_hours"] = p.decimal(obj.get("supervisedHours"))
    from ceatlas.catalog.schemaorg_read import check_session

    check_session(values)
    return values


def _location(values: dict[str, Any], raw: Any) -> bool:
    for name in _LOCATION_FIELDS:
        values[name] = None
    if raw is None:
        return False
    if type(raw) is str:
        values["venue"] = _text(raw, 300)
        return values["venue"] is not None
    if type(raw) is not dict or not raw.keys() <= _PLACE_KEYS:
        raise _NotPlainError
    if raw.get("@type", "Place") != "Place":
        raise _NotPlainError
    values["venue"] = _text(raw.get("name"), 300)
    address = raw.get("address")
    if address is not None:
        if type(address) is not dict or not address.keys() <= _ADDRESS_KEYS:
            raise _NotPlainError
        if address.get("@type", "PostalAddress") != "PostalAddress":
            raise _NotPlainError
        for source, target, limit in _ADDRESS_FIELDS:
            values[target] = _text(address.get(source), limit)
    geo = raw.get("geo")
    if geo is None and (values["city"] or values["postal_code"]):
        raise _NotPlainError  # the general reader works out coordinates from the address
    if geo is not None:
        if type(geo) is not dict or not geo.keys() <= {"@type", "latitude", "longitude"}:
            raise _NotPlainError
        lat, lon = geo.get("latitude"), geo.get("longitude")
        # type() rather than isinstance(): True is an int, and the general reader rejects it.
        if type(lat) not in (int, float) or type(lon) not in (int, float):
            raise _NotPlainError
        assert isinstance(lat, int | float)
        assert isinstance(lon, int | float)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _NotPlainError
        values["latitude"], values["longitude"] = float(lat), float(lon)
    return bool(values["venue"] or values["city"] or values["latitude"] is not None)


def _offers(values: dict[str, Any], raw: Any) -> None:
    if raw is None:
        return
    offers = raw if type(raw) is list else [raw]
    main_seen = False
    for offer in offers:
        if type(offer) is not dict or not offer.keys() <= _OFFER_KEYS:
            raise _NotPlainError
        price = p.money(offer.get("price"))
        code = p.currency(offer.get("priceCurrency"))
        category = offer.get("category")
        label = "" if category is None else _text(category, 10_000) or ""
        label = label.lower()
        if "early" in label:
            values["early_price"] = price
            values["early_price_until"] = p.date_only(offer.get("validThrough"))
        elif "member" in label:
            values["member_price"] = price
        elif not main_seen:
            main_seen = True
            values["price"] = price
            values["registration_url"] = _text(offer.get("url"), 1000)
            values["registration_opens"] = p.date_only(offer.get("availabilityStarts"))
            values["registration_deadline"] = p.date_only(offer.get("availabilityEnds"))
        values["currency"] = values["currency"] or code


def _instructors(raw: Any) -> list[str]:
    if raw is None:
        return []
    people = raw if type(raw) is list else [raw]
    names = []
    for person in people:
        if type(person) is dict:
            if not person.keys() <= {"@type", "name"} or person.get("@type", "Person") != "Person":
                raise _NotPlainError
            person = person.get("name")
        name = _text(person, 10_000)
        if name:
            names.append(name)
    return names
