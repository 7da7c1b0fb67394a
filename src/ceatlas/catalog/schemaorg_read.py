"""schema.org JSON-LD (Course, CourseInstance, EducationalOccupationalProgram) to records.

Reads what real sites publish: http or https contexts, prefixed or full-IRI property names,
objects or lists where one value is expected, nested objects without ``@type``, strings
where objects are expected. CE-specific facts use the ``ce:`` extension vocabulary
documented in docs/catalog-format.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ceatlas.catalog import parsing as p
from ceatlas.catalog.records import (
    CourseRecord,
    Notice,
    ProgramRecord,
    ProviderRecord,
    Record,
    RecordError,
    SessionRecord,
)
from ceatlas.catalog.schemaorg_events import courses_from_events, is_event
from ceatlas.catalog.schemaorg_fast import plain_session
from ceatlas.catalog.schemaorg_nodes import CE_NAMESPACE as CE_NAMESPACE
from ceatlas.catalog.schemaorg_nodes import (
    absolute_iri,
    at,
    bare_document,
    many,
    node,
    types,
    url_of,
)
from ceatlas.catalog.schemaorg_nodes import bare_keys as bare_keys
from ceatlas.catalog.schemaorg_nodes import text_name as _name
from ceatlas.catalog.schemaorg_place import LOCATED as LOCATED
from ceatlas.catalog.schemaorg_place import address as _address
from ceatlas.catalog.schemaorg_place import read_location
from ceatlas.catalog.vocabulary import TermMapper, slug

COURSE_TYPES = frozenset({"Course"})
PROGRAM_TYPES = frozenset({"EducationalOccupationalProgram", "WorkBasedProgram", "Program"})
PROVIDER_TYPES = frozenset(
    {
        "Organization",
        "EducationalOrganization",
        "CollegeOrUniversity",
        "School",
        "HighSchool",
        "MiddleSchool",
        "Hospital",
        "MedicalOrganization",
        "LocalBusiness",
        "HealthAndBeautyBusiness",
        "DaySpa",
        "Corporation",
        "NGO",
        "Person",
    }
)
PROVIDER_KINDS = frozenset({"organization", "person"})


class SchemaOrgReader:
    """Turns one JSON-LD document into records, one per top-level course/program/provider."""

    def __init__(self, terms: TermMapper, source: str | None = None) -> None:
        self.terms = terms
        self.source = source  # the file's name: scopes the keys of courses with no owner
        self.lenient = False  # True: a session's problem skips it, not its whole course
        self._notices: list[tuple[int, Notice]] = []
        self._index = 0

    def note(self, kind: str, text: str) -> None:
        """Something the report must say about the node being read (see ``Notice``)."""
        self._notices.append((self._index, Notice(kind, text)))

    def take_notices(self) -> list[tuple[int, Notice]]:
        """The notices since the last call, each with its node's index in the document."""
        found, self._notices = self._notices, []
        return found

    def records(
        self, document: Any, *, keys_bare: bool = False
    ) -> Iterator[tuple[int, Record | RecordError | None]]:
        """Yield (index within the document, record or error, or None for ignored nodes).

        ``keys_bare`` says the document was parsed with ``bare_keys`` as its object hook.
        """
        if not keys_bare:
            document = bare_document(document)
        items = self._top_level(document)
        by_id = {n["@id"]: n for n in (node(i) for i in items) if isinstance(n.get("@id"), str)}
        event_items: list[tuple[int, dict[str, Any]]] = []
        for index, item in enumerate(items, start=1):
            self._index = index
            obj = node(item)
            if is_event(obj):
                event_items.append((index, obj))
                continue
            try:
                yield index, self._record(obj, by_id)
            except RecordError as error:
                yield index, error
        if event_items:
            yield from courses_from_events(self, event_items, by_id)

    def _top_level(self, document: Any) -> list[Any]:
        if isinstance(document, list):
            return [i for d in document for i in self._top_level(d)]
        if isinstance(document, dict):
            graph = document.get("@graph")
            if graph is not None:
                return [i for d in many(graph) for i in self._top_level(d)]
            if "ItemList" in types(document):  # a listing page: its items are the nodes
                return [
                    i
                    for element in many(document.get("itemListElement"))
                    for i in self._top_level(
                        node(element).get("item", element)
                        if "ListItem" in types(node(element))
                        else element
                    )
                ]
            return [document]
        return [document]

    def _record(self, obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> Record | None:
        if not obj:
            raise RecordError("", "expected a JSON object")
        kinds = types(obj)
        if kinds & COURSE_TYPES:
            return self.course(obj, by_id)
        if kinds & PROGRAM_TYPES:
            return self.program(obj, by_id)
        if kinds & PROVIDER_TYPES and len(obj) > 2:
            return self.provider(obj, by_id, required=True)
        return None

    # --- providers -------------------------------------------------------------------

    def provider(
        self, raw: Any, by_id: dict[str, dict[str, Any]], *, required: bool = False
    ) -> ProviderRecord | None:
        if isinstance(raw, list):
            raw = raw[0] if raw else None
        if raw is None:
            return None
        if isinstance(raw, str):
            name = p.text(raw)
            if name is None:
                return None
            return ProviderRecord(_provider_key(None, None, name), _provider_values(name=name))
        obj = node(raw)
        if set(obj) <= {"@id", "@type"} and isinstance(obj.get("@id"), str):
            linked = by_id.get(obj["@id"])
            if linked is not None and set(linked) - {"@id", "@type"}:
                obj = linked
            else:
                return ProviderRecord(obj["@id"], {}, ref_only=True)
        name = at("name", lambda v: p.bounded(p.text(v), 300), obj.get("name"))
        if name is None and not required and not set(obj) - {"@type", "name"}:
            if obj:
                self.note("warning", "a provider with no name was given; read as no provider")
            return None
        if name is None:
            raise RecordError("name", "a provider needs a name")
        url = at("url", url_of, obj.get("url"))
        address = at("address", _address, obj.get("address")) or _address(None)
        values = _provider_values(
            name=name,
            kind="person" if "Person" in types(obj) else "organization",
            description=p.long_text(obj.get("description")),
            url=url,
            email=at("email", lambda v: p.bounded(p.text(v), 300), obj.get("email")),
            phone=at("telephone", lambda v: p.bounded(p.text(v), 60), obj.get("telephone")),
            is_sample=obj.get("sample") is True,
            **address,
        )
        approvals = at("approval", self.approvals, obj.get("approval")) or []
        key = _provider_key(absolute_iri(obj), url, name)
        return ProviderRecord(key, values, approvals)

    def approvals(self, raw: Any) -> list[dict[str, Any]]:
        found = []
        for i, item in enumerate(many(raw)):
            try:
                found.append(_approval(item))
            except RecordError as error:
                raise error.within(f"[{i}]") from None
        return found

    # --- courses ---------------------------------------------------------------------

    def course(
        self,
        obj: dict[str, Any],
        by_id: dict[str, dict[str, Any]],
        default_provider: ProviderRecord | None = None,
        *,
        events: bool = False,
    ) -> CourseRecord:
        title = at("name", lambda v: p.bounded(p.text(v), 500), obj.get("name"))
        if title is None:
            raise RecordError("name", "a course needs a name (its title); none was given")
        provider = at("provider", lambda v: self.provider(v, by_id), obj.get("provider"))
        provider = provider or default_provider
        code = at("courseCode", lambda v: p.bounded(p.text(v), 100), obj.get("courseCode"))
        url = at("url", url_of, obj.get("url"))
        key = _course_key(absolute_iri(obj), url, provider, code, title, self.source)
        techniques, competencies = self._teaches(obj)
        conditions, regions = self._about(obj)
        values: dict[str, Any] = {
            "title": title,
            "description": p.long_text(obj.get("description")),
            "course_code": code,
            "ce_hours": at(
                "numberOfCredits", _ce_hours, obj.get("numberOfCredits", obj.get("ceHours"))
            ),
            "level": at("educationalLevel", _lower_text(40), obj.get("educationalLevel")),
            "language": at("inLanguage", _language, obj.get("inLanguage")),
            "techniques": techniques,
            "conditions": conditions,
            "body_regions": regions,
            "competencies": competencies,
            "ce_categories": self._terms("categories", obj.get("category")),
            "prerequisites": at(
                "coursePrerequisites", self._prerequisites, obj.get("coursePrerequisites")
            )
            or [],
            "credential_awarded": at(
                "educationalCredentialAwarded",
                lambda v: p.bounded(_name(v), 500),
                obj.get("educationalCredentialAwarded"),
            ),
            "workload_hours": at("timeRequired", p.hours_from_duration, obj.get("timeRequired")),
            "url": url,
        }
        approvals = at("approval", self.approvals, obj.get("approval")) or []
        if provider is None and not (absolute_iri(obj) or _web(url)):
            self.note(
                "warning",
                f"course {title!r} has neither a provider nor an absolute URL: kept under a "
                f"key only this file uses ({key}); give it a provider or its url",
            )
        inherited = {k: obj[k] for k in _INHERITED if obj.get(k) is not None}
        sessions = []
        for i, instance in enumerate(many(obj.get("hasCourseInstance"))):
            where = f"{'event' if events else 'hasCourseInstance'}[{i}]"
            item = node(instance)
            if inherited:  # the course's own offers, courseMode, location: for sessions without
                item = {**{k: v for k, v in inherited.items() if item.get(k) is None}, **item}
            try:
                sessions.append(self.session(item, key, i + 1, event=events))
            except RecordError as error:
                if not self.lenient:
                    raise error.within(where) from None
                error = error.within(where)
                day = p.text(item.get("startDate")) or "no date"
                self.note(
                    "warning",
                    f"course {title!r}: session {where} ({day}) skipped: "
                    f"{error.field}: {error.reason}",
                )
        _check_unique_keys(sessions)
        return CourseRecord(key, values, provider, approvals, sessions)

    def _terms(self, kind: str, raw: Any) -> list[str]:
        found: list[str] = []
        for item in many(raw):
            word = _name(item)
            if word:
                mapped = self.terms.map(kind, word)
                if mapped not in found:
                    found.append(mapped)
        return found

    def _teaches(self, obj: dict[str, Any]) -> tuple[list[str], list[str]]:
        techniques = self._terms("techniques", obj.get("technique"))
        competencies = self._terms("competencies", obj.get("competency"))
        for item in _split_text(many(obj.get("teaches"))):
            word = _name(item)
            if not word:
                continue
            term_set = str(node(item).get("inDefinedTermSet", "")) if isinstance(item, dict) else ""
            if term_set.endswith("competencies") or (
                not term_set.endswith("techniques")
                and not self.terms.known("techniques", word)
                and self.terms.known("competencies", word)
            ):
                target, kind = competencies, "competencies"
            else:
                target, kind = techniques, "techniques"
            mapped = self.terms.map(kind, word)
            if mapped not in target:
                target.append(mapped)
        return techniques, competencies

    def _about(self, obj: dict[str, Any]) -> tuple[list[str], list[str]]:
        conditions = self._terms("conditions", obj.get("condition"))
        regions = [r for r in (_name(v) for v in many(obj.get("bodyRegion"))) if r]
        for item in _split_text(many(obj.get("about"))):
            word = _name(item)
            if not word:
                continue
            kinds = types(node(item)) if isinstance(item, dict) else set()
            if kinds & {"AnatomicalStructure", "AnatomicalSystem", "BodyRegion"}:
                if word not in regions:
                    regions.append(word)
            elif kinds & {"MedicalCondition", "MedicalSignOrSymptom"} or self.terms.known(
                "conditions", word
            ):
                mapped = self.terms.map("conditions", word)
                if mapped not in conditions:
                    conditions.append(mapped)
        return conditions, regions

    def _prerequisites(self, raw: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for item in many(raw):
            obj = node(item) if isinstance(item, dict) else {}
            if obj and (types(obj) & COURSE_TYPES or set(obj) <= {"@id", "@type"}):
                ref = obj.get("@id") or url_of(obj.get("url"))
                if ref:
                    found.append({"kind": "course", "value": str(ref)})
                    continue
            word = _name(item)
            if not word:
                continue
            term_set = str(obj.get("inDefinedTermSet", ""))
            if term_set.endswith("competencies") or self.terms.known("competencies", word):
                found.append({"kind": "competency", "value": self.terms.map("competencies", word)})
            else:
                found.append({"kind": "credential", "value": p.bounded(word, 300)})
        return found

    # --- sessions --------------------------------------------------------------------

    def session(
        self, obj: dict[str, Any], course_key: str, position: int, *, event: bool = False
    ) -> SessionRecord:
        """One CourseInstance (or, with ``event``, one date of an Event that is a class)."""
        key = absolute_iri(obj) or absolute_iri(obj.get("url")) or f"{course_key}#{position}"
        fast = plain_session(obj, key, _meeting, _place_times, _SESSION_TEMPLATE)
        if fast is not None:
            return fast
        values: dict[str, Any] = dict.fromkeys(SESSION_FIELDS)
        schedules = [node(s) for s in many(obj.get("eventSchedule") or obj.get("courseSchedule"))]
        zone = at("timezone", p.timezone_name, obj.get("timezone")) or next(
            (
                at("eventSchedule.scheduleTimezone", p.timezone_name, s.get("scheduleTimezone"))
                for s in schedules
                if s.get("scheduleTimezone")
            ),
            None,
        )
        start = at("startDate", p.when, obj.get("startDate"))
        end = at("endDate", p.when, obj.get("endDate"))
        if start is None and schedules:
            start = at("eventSchedule.startDate", p.when, schedules[0].get("startDate"))
            end = end or at("eventSchedule.endDate", p.when, schedules[0].get("endDate"))
        if event and start is None and not schedules:
            raise RecordError("startDate", "an event needs its date; none was given")
        values["timezone"] = zone or (start[2] if start else None)
        _place_times(values, start, end)
        values["meeting_pattern"] = [
            at(f"eventSchedule[{i}]", _meeting, s) for i, s in enumerate(schedules)
        ]
        online_place = read_location(values, obj.get("location"))
        self._read_offers(values, obj)
        if obj.get("offers") is None and obj.get("isAccessibleForFree") in (True, "true", "True"):
            values["price"] = Decimal("0.00")
        words = p.mode_words(obj.get("courseMode")) + attendance_words(obj)
        if _is_virtual(obj.get("location")) or online_place:
            words.append("online")
        if event and start is not None and "online" in words:
            words.append("synchronous")  # an event with a date happens then: live
        mode = p.session_mode(
            words,
            has_place=bool(values["venue"] or values["city"] or values["latitude"] is not None),
            has_clock=values["start_time"] is not None
            or any(m.get("start_time") for m in values["meeting_pattern"]),
        )
        if mode is None:
            raise RecordError(
                "courseMode",
                "cannot tell how this session is taught: give courseMode (online, onsite, "
                "blended; synchronous or asynchronous) or a location",
            )
        values["mode"] = mode
        values["seats_total"] = at(
            "maximumAttendeeCapacity", p.integer, obj.get("maximumAttendeeCapacity")
        )
        values["seats_remaining"] = at(
            "remainingAttendeeCapacity", p.integer, obj.get("remainingAttendeeCapacity")
        )
        people = many(obj.get("instructor")) or (many(obj.get("performer")) if event else [])
        values["instructors"] = [
            n for n in (_name(i) for i in people) if n and n not in {"Organization", "Person"}
        ]
        values["workload_hours"] = at(
            "courseWorkload", p.hours_from_duration, obj.get("courseWorkload")
        )
        values["access_days"] = at("accessPeriod", p.days_from_duration, obj.get("accessPeriod"))
        values["hands_on_hours"] = at("handsOnHours", p.decimal, obj.get("handsOnHours"))
        values["supervised_hours"] = at("supervisedHours", p.decimal, obj.get("supervisedHours"))
        if values["registration_deadline"] is None:
            values["registration_deadline"] = at(
                "registrationDeadline", p.date_only, obj.get("registrationDeadline")
            )
        if values["registration_url"] is None:
            values["registration_url"] = at("url", url_of, obj.get("url"))
        check_session(values)
        return SessionRecord(key, values)

    def _read_offers(self, values: dict[str, Any], obj: dict[str, Any]) -> None:
        main: dict[str, Any] | None = None
        for i, raw in enumerate(many(obj.get("offers"))):
            offer = node(raw)
            if not offer:
                continue
            where = f"offers[{i}]" if isinstance(obj.get("offers"), list) else "offers"
            price = at(f"{where}.price", p.money, offer.get("price", offer.get("lowPrice")))
            code = at(f"{where}.priceCurrency", p.currency, offer.get("priceCurrency"))
            label = " ".join(
                (p.text(offer.get(k)) or "").lower()
                for k in ("category", "name", "eligibleCustomerType")
            )
            if "early" in label:
                values["early_price"] = price
                values["early_price_until"] = at(
                    f"{where}.validThrough", p.date_only, offer.get("validThrough")
                )
            elif "member" in label:
                values["member_price"] = price
            elif main is None:
                main = offer
                values["price"] = price
                values["registration_url"] = at(f"{where}.url", url_of, offer.get("url"))
                values["registration_opens"] = at(
                    f"{where}.availabilityStarts", p.date_only, offer.get("availabilityStarts")
                )
                values["registration_deadline"] = at(
                    f"{where}.availabilityEnds", p.date_only, offer.get("availabilityEnds")
                )
            values["currency"] = values["currency"] or code

    # --- programs --------------------------------------------------------------------

    def program(self, obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> ProgramRecord:
        name = at("name", lambda v: p.bounded(p.text(v), 500), obj.get("name"))
        if name is None:
            raise RecordError("name", "a program needs a name")
        provider = at("provider", lambda v: self.provider(v, by_id), obj.get("provider"))
        url = at("url", url_of, obj.get("url"))
        key = absolute_iri(obj) or url or _scoped(provider, "program", name)
        embedded: list[CourseRecord] = []
        groups = many(obj.get("requirementGroup"))
        structure = []
        if groups:
            for g, raw in enumerate(groups):
                group = node(raw)
                refs = self._program_courses(
                    group.get("hasCourse"),
                    by_id,
                    provider,
                    embedded,
                    f"requirementGroup[{g}].hasCourse",
                )
                choose = at(f"requirementGroup[{g}].choose", p.integer, group.get("choose"))
                if choose is not None and not 1 <= choose <= len(refs):
                    raise RecordError(
                        f"requirementGroup[{g}].choose",
                        f"must be between 1 and the group's {len(refs)} courses, got {choose}",
                    )
                structure.append(
                    {"title": p.text(group.get("name")), "choose": choose, "courses": refs}
                )
        else:
            refs = self._program_courses(
                obj.get("hasCourse"), by_id, provider, embedded, "hasCourse"
            )
            if refs:
                structure.append({"title": None, "choose": None, "courses": refs})
        values = {
            "name": name,
            "description": p.long_text(obj.get("description")),
            "total_hours": at(
                "numberOfCredits", _ce_hours, obj.get("numberOfCredits", obj.get("totalHours"))
            ),
            "credential_awarded": at(
                "educationalCredentialAwarded",
                lambda v: p.bounded(_name(v), 500),
                obj.get("educationalCredentialAwarded"),
            ),
            "url": url,
            "structure": structure,
        }
        return ProgramRecord(key, values, provider, embedded)

    def _program_courses(
        self,
        raw: Any,
        by_id: dict[str, dict[str, Any]],
        provider: ProviderRecord | None,
        embedded: list[CourseRecord],
        where: str,
    ) -> list[str]:
        refs = []
        for i, item in enumerate(many(raw)):
            obj = node(item) if isinstance(item, dict) else {"@id": item}
            ref = obj.get("@id")
            full = obj if obj.get("name") else by_id.get(str(ref)) if ref else None
            if full and node(full).get("name"):
                try:
                    course = self.course(node(full), by_id, default_provider=provider)
                except RecordError as error:
                    raise error.within(f"{where}[{i}]") from None
                embedded.append(course)
                refs.append(course.key)
            elif isinstance(ref, str) and ref.strip():
                refs.append(ref.strip())
            else:
                raise RecordError(f"{where}[{i}]", "needs the course's @id or the course itself")
        return refs


SESSION_FIELDS = (
    "mode",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "timezone",
    "registration_opens",
    "access_days",
    "workload_hours",
    "meeting_pattern",
    "venue",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "price",
    "currency",
    "early_price",
    "early_price_until",
    "member_price",
    "seats_total",
    "seats_remaining",
    "registration_deadline",
    "registration_url",
    "instructors",
    "hands_on_hours",
    "supervised_hours",
)


_SESSION_TEMPLATE: dict[str, Any] = dict.fromkeys(SESSION_FIELDS)


def check_session(values: dict[str, Any]) -> None:
    """Cross-field rules every session obeys, whatever format it came from."""
    start, end = values["start_date"], values["end_date"]
    if start and end:
        if end < start:
            raise RecordError("endDate", f"{end} is before the start date {start}")
        if (
            end == start
            and values["start_time"]
            and values["end_time"]
            and values["end_time"] < values["start_time"]
        ):
            raise RecordError("endDate", "ends before it starts")
    total, left = values["seats_total"], values["seats_remaining"]
    if total is not None and left is not None and left > total:
        raise RecordError("remainingAttendeeCapacity", f"{left} seats left but only {total} in all")
    if all(values[k] is None for k in ("price", "early_price", "member_price")):
        values["currency"] = None  # a currency with no price says nothing
    if (
        values["mode"] in {"live_online", "in_person", "hybrid"}
        and start is None
        and not values["meeting_pattern"]
    ):
        raise RecordError(
            "startDate", f"a {values['mode'].replace('_', ' ')} session needs a start date"
        )


def _place_times(
    values: dict[str, Any],
    start: tuple[Any, Any, str | None] | None,
    end: tuple[Any, Any, str | None] | None,
) -> None:
    for prefix, moment in (("start", start), ("end", end)):
        if moment is None:
            values[f"{prefix}_date"] = values[f"{prefix}_time"] = None
            continue
        day, time, offset = moment
        zone = values["timezone"]
        if time is not None and offset and zone and zone != offset and "/" in zone:
            day, time = _to_zone(day, time, offset, zone)
        values[f"{prefix}_date"], values[f"{prefix}_time"] = day, time


@functools.lru_cache(maxsize=20_000)
def _to_zone(day: Any, time: Any, offset: str, zone: str) -> tuple[Any, Any]:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    local = dt.datetime.combine(day, time, tz).astimezone(ZoneInfo(zone))
    return local.date(), local.time().replace(tzinfo=None)


def _meeting(schedule: dict[str, Any]) -> dict[str, Any]:
    days = [at("byDay", p.weekday, d) for d in many(schedule.get("byDay"))]
    start = at("startTime", p.clock, schedule.get("startTime"))
    end = at("endTime", p.clock, schedule.get("endTime"))
    return {
        "days": days,
        "start_time": start.strftime("%H:%M") if start else None,
        "end_time": end.strftime("%H:%M") if end else None,
    }


def _is_virtual(raw: Any) -> bool:
    return any(
        "VirtualLocation" in types(node(item)) for item in many(raw) if isinstance(item, dict)
    )


def _provider_values(**given: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(
        (
            "name",
            "kind",
            "description",
            "url",
            "email",
            "phone",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
        )
    )
    values["kind"] = "organization"
    values["is_sample"] = False
    values.update(given)
    return values


def _approval(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        raw = {"authority": raw}
    obj = node(raw)
    authority_text = p.text(obj.get("authority") or _name(obj.get("recognizedBy")))
    if authority_text is None:
        raise RecordError(
            "authority", "an approval needs its authority (NCBTMB, FSMTB, state:FL, ...)"
        )
    authority, authority_name = normalise_authority(authority_text)
    return {
        "authority": authority,
        "authority_name": authority_name,
        "number": at(
            "identifier",
            lambda v: p.bounded(p.text(v), 100),
            obj.get("identifier", obj.get("number")),
        ),
        "valid_until": at(
            "validThrough", p.date_only, obj.get("validThrough", obj.get("validUntil"))
        ),
    }


_NATIONAL = {"NCBTMB", "FSMTB", "AMTA", "ABMP", "AMMA"}


def normalise_authority(value: str) -> tuple[str, str | None]:
    """Authority codes: NCBTMB, FSMTB, AMTA, ABMP, AMMA, ``state:XX`` or ``other`` plus a name."""
    raw = value.strip()
    upper = raw.upper()
    if upper in _NATIONAL:
        return upper, None
    if upper.startswith("STATE:") and len(upper) == 8:
        return f"state:{upper[6:]}", None
    if len(upper) == 2 and upper.isalpha():
        return f"state:{upper}", None
    if upper.startswith("OTHER:"):
        return "other", p.bounded(raw[6:].strip() or None, 300)
    return "other", p.bounded(raw, 300)


def _ce_hours(value: Any) -> Any:
    hours = p.decimal(value)
    if hours is not None and hours > 2000:
        raise RecordError("", f"{hours} CE hours is more than any course carries (2000 at most)")
    return hours


def _lower_text(limit: int) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        word = p.bounded(_name(value), limit)
        return word.lower() if word else None

    return parse


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        obj = node(value)
        value = obj.get("alternateName") or obj.get("name")
    return p.bounded(p.text(value), 20)


def _provider_key(iri: str | None, url: str | None, name: str) -> str:
    if iri:
        return iri
    if url and url.startswith(("http://", "https://")):
        return url
    return f"name:{slug(name)}"


def _scoped(provider: ProviderRecord | None, kind: str, label: str) -> str:
    owner = provider.key if provider else "unknown-provider"
    return f"{owner}/{kind}:{slug(label)}"


def _course_key(
    iri: str | None,
    url: str | None,
    provider: ProviderRecord | None,
    code: str | None,
    title: str,
    source: str | None = None,
) -> str:
    if iri:
        return iri
    if _web(url):
        assert url is not None
        return url
    # With no provider the key is the file's own: two files' same-titled courses stay apart.
    owner = provider.key if provider else f"unknown-provider:{slug(source)}" if source else None
    if owner is None:
        return _scoped(None, "code" if code else "course", code or title)
    return f"{owner}/code:{slug(code)}" if code else f"{owner}/course:{slug(title)}"


_LIST_SEPARATORS = re.compile(r"\s*(?:[;|•\n]|,\s+|\s+/\s+)\s*")


def _split_text(items: list[Any]) -> list[Any]:
    """Text lists as people write them ("NMT; trigger point therapy", "a, b, c") as items."""
    found: list[Any] = []
    for item in items:
        if isinstance(item, str):
            found.extend(part for part in _LIST_SEPARATORS.split(item) if part.strip())
        else:
            found.append(item)
    return found


def _web(url: str | None) -> bool:
    return bool(url and url.startswith(("http://", "https://")))


#: what a Course says for all its sessions; a session's own value wins
_INHERITED = ("offers", "courseMode", "location")


def attendance_words(obj: dict[str, Any]) -> list[str]:
    """eventAttendanceMode as courseMode words."""
    words = []
    for raw in many(obj.get("eventAttendanceMode")):
        word = (p.text(raw) or "").rsplit("/", 1)[-1].lower()
        if word.startswith("offline"):
            words.append("onsite")
        elif word.startswith("online"):
            words.append("online")
        elif word.startswith("mixed"):
            words.append("blended")
    return words


def _check_unique_keys(sessions: list[SessionRecord]) -> None:
    seen: set[str] = set()
    for i, session in enumerate(sessions):
        if session.key in seen:
            raise RecordError(
                f"hasCourseInstance[{i}].@id", f"repeats the session id {session.key!r}"
            )
        seen.add(session.key)
