"""Events that are classes: ``EducationEvent``, a standalone ``CourseInstance``, or an
``Event`` whose words say it is a class, read as a course with its sessions.

Dates of one class are grouped into one course: by ``superEvent`` (its ``@id``, url or
name), else by name and organizer. The course needs a name and its provider (the
``organizer``, else ``provider``) or an absolute URL; each date is a session. Events that
are not classes, and cancelled dates, are skipped with a line in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ceatlas.catalog import parsing as p
from ceatlas.catalog.records import Record, RecordError
from ceatlas.catalog.schemaorg_nodes import absolute_iri, many, node, types, url_of
from ceatlas.catalog.vocabulary import slug

if TYPE_CHECKING:
    from ceatlas.catalog.schemaorg_read import SchemaOrgReader

#: always classes
CLASS_TYPES = frozenset({"EducationEvent", "CourseInstance"})
#: classes when their words say so
WORDED_TYPES = frozenset({"Event", "EventSeries"})
#: schema.org's other Event types: never classes (a concert, a game, a festival)
OTHER_EVENT_TYPES = frozenset(
    {
        "BusinessEvent",
        "ChildrensEvent",
        "ComedyEvent",
        "DanceEvent",
        "DeliveryEvent",
        "ExhibitionEvent",
        "Festival",
        "FoodEvent",
        "Hackathon",
        "LiteraryEvent",
        "MusicEvent",
        "PublicationEvent",
        "BroadcastEvent",
        "OnDemandEvent",
        "SaleEvent",
        "ScreeningEvent",
        "SocialEvent",
        "SportsEvent",
        "TheaterEvent",
        "VisualArtsEvent",
    }
)
CLASS_WORDS = re.compile(
    r"\b(?:courses?|class(?:es)?|workshops?|seminars?|training|certification|certificate"
    r"|webinars?|master\s?class|intensive|lessons?|ceus?|ce|cpd|continuing education"
    r"|\d+(?:\.\d+)?\s*(?:ce\s*|ceu\s*|cpd\s*|contact\s*)?(?:hours?|hrs?))\b",
    re.IGNORECASE,
)


def is_event(obj: dict[str, Any]) -> bool:
    """Whether a top-level node is an event of any kind (CourseInstance included)."""
    kinds = types(obj)
    return bool(kinds & (CLASS_TYPES | WORDED_TYPES | OTHER_EVENT_TYPES)) and not (
        kinds & {"Course"}
    )


def is_class(obj: dict[str, Any]) -> bool:
    """EducationEvent and CourseInstance always; Event and EventSeries when their name,
    eventType, keywords, about or description use a class word (course, class, workshop,
    seminar, training, certification, webinar, CE, CEU, continuing education, "8 hours"...);
    other Event types (MusicEvent, SportsEvent...) never."""
    kinds = types(obj)
    if kinds & CLASS_TYPES:
        return True
    if not kinds & WORDED_TYPES:
        return False
    words = [obj.get("name"), obj.get("eventType"), obj.get("description")]
    words += many(obj.get("keywords")) + many(obj.get("about"))
    return any(CLASS_WORDS.search(p.text(w) or "") for w in words)


def _shown_type(obj: dict[str, Any]) -> str:
    kinds = sorted(types(obj))
    specific = [k for k in kinds if k not in WORDED_TYPES]
    return (specific or kinds or ["Event"])[0]


def _group_key(obj: dict[str, Any], organizer: str) -> tuple[str, ...]:
    parent = obj.get("superEvent")
    if isinstance(parent, list):
        parent = parent[0] if parent else None
    if parent is not None:
        ref = absolute_iri(parent) or (url_of(node(parent).get("url")) if node(parent) else None)
        if ref:
            return ("ref", ref)
        name = p.text(node(parent).get("name")) if isinstance(parent, dict) else p.text(parent)
        if name:
            return ("name", slug(name), organizer)
    return ("name", slug(p.text(obj.get("name")) or ""), organizer)


def courses_from_events(
    reader: SchemaOrgReader,
    items: list[tuple[int, dict[str, Any]]],
    by_id: dict[str, dict[str, Any]],
) -> Iterator[tuple[int, Record | RecordError | None]]:
    """The courses that a document's event nodes describe, grouped by class."""
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for index, obj in items:
        reader._index = index
        name = p.text(obj.get("name")) or "(no name)"
        if not is_class(obj):
            reader.note("skipped", f"{_shown_type(obj)} '{name}' skipped: not a class")
            continue
        status = (p.text(obj.get("eventStatus")) or "").rsplit("/", 1)[-1].lower()
        if "cancelled" in status or "canceled" in status:
            day = p.text(obj.get("startDate")) or "no date"
            reader.note("skipped", f"{_shown_type(obj)} '{name}' on {day} skipped: cancelled")
            continue
        organizer = obj.get("organizer") or obj.get("provider")
        who = p.text(organizer if not isinstance(organizer, dict) else organizer.get("name"))
        groups.setdefault(_group_key(obj, slug(who or "")), []).append((index, obj))
    for key, members in groups.items():
        first_index = members[0][0]
        reader._index = first_index
        try:
            yield first_index, _course(reader, key, [m for _, m in members], by_id)
        except RecordError as error:
            yield first_index, error


def _course(
    reader: SchemaOrgReader,
    key: tuple[str, ...],
    events: list[dict[str, Any]],
    by_id: dict[str, dict[str, Any]],
) -> Record:
    first = events[0]
    parent = node(first.get("superEvent")) if isinstance(first.get("superEvent"), dict) else {}
    title = p.text(parent.get("name")) or p.text(first.get("name"))
    if title is None:
        raise RecordError("name", "a class needs a name (its title); none was given")
    organizer = first.get("organizer") or first.get("provider") or parent.get("provider")
    provider = reader.provider(organizer, by_id) if organizer is not None else None
    single_url = url_of(first.get("url")) if len(events) == 1 else None
    url = url_of(parent.get("url")) or single_url
    if key[0] == "ref":
        course_id: str | None = key[1]
    elif provider is not None:
        course_id = f"{provider.key}/course:{slug(title)}"
    else:
        course_id = url if url and url.startswith(("http://", "https://")) else None
    if course_id is None:
        raise RecordError(
            "organizer",
            f"the class {title!r} names neither its provider (organizer) nor an absolute url "
            "of its own: give one of them",
        )
    seen: set[str] = set()
    sessions: list[dict[str, Any]] = []
    for event in events:
        own = absolute_iri(event) or url_of(event.get("url"))
        session = {k: v for k, v in event.items() if k not in {"@id", "url"}}
        if own and own not in seen:
            session["@id"] = own
            seen.add(own)
        else:
            day = p.text(event.get("startDate")) or str(len(sessions) + 1)
            session["@id"] = f"{course_id}#{day}"
        if event.get("url"):
            session.setdefault("offers", {"url": event.get("url")})
        sessions.append(session)
    course = {
        "@type": "Course",
        "@id": course_id,
        "name": title,
        "description": first.get("description") or parent.get("description"),
        "url": url,
        "provider": provider.values.get("name") if provider and provider.values else None,
        "teaches": first.get("teaches"),
        "about": first.get("about"),
        "inLanguage": first.get("inLanguage"),
        "numberOfCredits": first.get("numberOfCredits"),
        "hasCourseInstance": sessions,
    }
    record = reader.course({k: v for k, v in course.items() if v is not None}, by_id, events=True)
    record.provider = provider
    return record
