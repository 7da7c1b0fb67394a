"""Hypothesis strategies for catalogs: schema.org documents with every field we read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

words = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
items = words.filter(lambda s: ";" not in s and ":" not in s)
money = st.decimals(min_value=0, max_value=5000, places=2).map(str)
hours = st.decimals(min_value=0, max_value=160, places=2)
days = st.dates(
    min_value=dt.date(2026, 1, 1),
    max_value=dt.date(2028, 12, 31),
)
zones = st.sampled_from(
    [None, "America/Chicago", "America/New_York", "Pacific/Honolulu", "-05:00", "+00:00"]
)
clock = st.times().map(lambda t: t.replace(microsecond=0))


@st.composite
def session(draw: st.DrawFn, course: int, n: int) -> dict[str, Any]:
    mode = draw(
        st.sampled_from(
            ["onsite", ["online", "synchronous"], ["online", "asynchronous"], "blended"]
        )
    )
    start = draw(days)
    doc: dict[str, Any] = {"@id": f"https://s.example/c{course}/s{n}", "courseMode": mode}
    if mode != ["online", "asynchronous"]:
        start_time = draw(st.none() | clock)
        zone = draw(zones)
        doc["startDate"] = start.isoformat() + (f"T{start_time.isoformat()}" if start_time else "")
        if zone:
            doc["ce:timezone"] = zone
        if draw(st.booleans()):
            doc["endDate"] = (start + dt.timedelta(days=draw(st.integers(0, 5)))).isoformat()
    else:
        doc["ce:accessPeriod"] = f"P{draw(st.integers(1, 900))}D"
    if draw(st.booleans()):
        doc["location"] = {
            "@type": "Place",
            "name": draw(items),
            "address": {
                "addressLocality": draw(items),
                "addressRegion": draw(st.sampled_from(["FL", "TX", "NY"])),
            },
            "geo": {"latitude": draw(st.floats(-89, 89)), "longitude": draw(st.floats(-179, 179))},
        }
    offers = [{"price": draw(money), "priceCurrency": draw(st.sampled_from(["USD", "CAD"]))}]
    if draw(st.booleans()):
        offers.append(
            {"category": "early-bird", "price": draw(money), "validThrough": draw(days).isoformat()}
        )
    doc["offers"] = offers
    total = draw(st.none() | st.integers(0, 40))
    if total is not None:
        doc["maximumAttendeeCapacity"] = total
        doc["remainingAttendeeCapacity"] = draw(st.integers(0, total))
    doc["instructor"] = draw(st.lists(items, max_size=2, unique=True))
    doc["ce:handsOnHours"] = str(draw(hours))
    if draw(st.booleans()):
        doc["eventSchedule"] = {
            "byDay": draw(
                st.lists(st.sampled_from(["Saturday", "Sunday", "Monday"]), min_size=1, unique=True)
            ),
            "startTime": "09:00",
            "endTime": "17:00",
        }
    return doc


@st.composite
def catalog_documents(draw: st.DrawFn) -> list[dict[str, Any]]:
    documents = []
    for c in range(draw(st.integers(1, 4))):
        doc: dict[str, Any] = {
            "@context": "https://schema.org/",
            "@type": "Course",
            "@id": f"https://s.example/c{c}",
            "name": draw(words),
            "description": draw(st.none() | st.text(max_size=200)),
            "provider": {
                "@type": draw(st.sampled_from(["Organization", "Person"])),
                "name": draw(words),
                "ce:approval": [
                    {
                        "ce:authority": draw(st.sampled_from(["NCBTMB", "FL", "FSMTB"])),
                        "identifier": draw(items),
                    }
                ],
            },
            "numberOfCredits": str(draw(hours)),
            "teaches": draw(st.lists(items, max_size=3, unique=True)),
            "about": [
                {"@type": "MedicalCondition", "name": n}
                for n in draw(st.lists(items, max_size=2, unique=True))
            ],
            "ce:category": draw(st.lists(items, max_size=2, unique=True)),
            "coursePrerequisites": draw(st.lists(items, max_size=2, unique=True)),
            "timeRequired": f"PT{draw(hours)}H",
            "hasCourseInstance": [draw(session(c, n)) for n in range(draw(st.integers(0, 3)))],
        }
        documents.append(doc)
    return documents
