"""A synthetic CE catalog of any size, streamed as NDJSON (one Course with its sessions a line).

For load tests and benchmarks. Distributions are meant to look like the real market: topic
popularity is Zipf-like, cities are drawn by population, in-person sessions lean towards
weekends, prices grow with hours and vary log-normally. ``random.Random(seed)`` is the only
source of randomness, so the same seed and start date give byte-identical output. Providers
and courses are fictional and marked as sample data (``ce:sample``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from ceatlas.catalog.places import PLACES, Place
from ceatlas.catalog.sample_data.vocabulary import COMPETENCIES, CONDITIONS, TECHNIQUES
from ceatlas.catalog.schemaorg_write import CONTEXT, TERM_SETS

BASE = "https://generated.ceatlas.example"
SESSIONS_PER_PROVIDER = 200
MAX_PRICE = 3000
HORIZON_DAYS = 365

_LABELS = {
    "pnf-stretching": "PNF Stretching",
    "tmj-dysfunction": "TMJ Dysfunction",
    "it-band-syndrome": "IT Band Syndrome",
    "parkinsons-disease": "Parkinson's Disease",
    "instrument-assisted-soft-tissue-mobilization": "Instrument-Assisted Soft Tissue Mobilization",
    "anxiety-stress": "Anxiety and Stress",
    "lomi-lomi": "Lomi Lomi",
}
_REGIONS = {
    "sciatica": "low back",
    "piriformis-syndrome": "hip",
    "low-back-pain": "low back",
    "neck-pain": "neck",
    "chronic-shoulder-pain": "shoulder",
    "frozen-shoulder": "shoulder",
    "rotator-cuff-strain": "shoulder",
    "tension-headache": "head",
    "migraine": "head",
    "tmj-dysfunction": "jaw",
    "carpal-tunnel-syndrome": "wrist",
    "tennis-elbow": "elbow",
    "plantar-fasciitis": "foot",
    "lymphedema": "upper limb",
    "post-mastectomy-lymphedema": "chest",
    "whiplash": "neck",
    "thoracic-outlet-syndrome": "neck",
    "scoliosis": "spine",
    "it-band-syndrome": "thigh",
    "ankle-sprain": "ankle",
    "hamstring-strain": "thigh",
    "shin-splints": "lower leg",
    "knee-replacement-rehab": "knee",
    "hip-replacement-rehab": "hip",
}
# (title, CE category, competency, hours choices, state-specific)
_REQUIRED = (
    ("Ethics and Professional Boundaries", "ethics", "ethics", (1, 2, 3, 4, 6), False),
    ("Laws and Rules", "laws-and-rules", "laws-and-rules", (1, 2, 3), True),
    ("Prevention of Medical Errors", "medical-errors", "clinical-documentation", (2,), True),
    ("Human Trafficking Awareness", "human-trafficking", "ethics", (1,), True),
    ("HIV/AIDS and Communicable Disease", "hiv-aids", "infection-control", (1, 2, 3), False),
    ("Infection Control", "communicable-disease", "infection-control", (2, 3, 4), False),
    ("CPR, AED and First Aid", "cpr", "cpr", (4, 5), False),
    ("Self-Care for Massage Therapists", "self-care", "kinesiology", (2, 3, 4, 6), False),
    ("Sexual Misconduct Prevention", "sexual-misconduct-prevention", "ethics", (1, 2), False),
    ("Recognizing Domestic Violence", "domestic-violence", "ethics", (1, 2), False),
    ("SOAP Notes and Documentation", "documentation", "clinical-documentation", (2, 4, 6), False),
    ("Business Skills for Massage Therapists", "business", "client-assessment", (2, 3, 6), False),
    ("Reading Massage Research", "research-literacy", "physiology", (2, 3), False),
)
_TECHNIQUE_TITLES = (
    "{t} Level {lvl}",
    "Introduction to {t}",
    "Advanced {t} Intensive",
    "{t}: {r} Focus",
    "Clinical {t} Workshop",
    "{t} Certification",
)
_CONDITION_TITLES = (
    "{t} for {c}",
    "{c}: Assessment and Treatment with {t}",
    "Clinical Massage for {c}",
    "Treating {c} with {t}",
    "{c} Protocols: {t}",
)
_HOURS = (1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 27, 32, 40, 48, 60, 100, 135, 160)
_HOURS_WEIGHTS = (2, 6, 7, 9, 10, 12, 6, 9, 3, 9, 2, 3, 4, 1, 2, 1.2, 0.8, 0.6, 0.3, 0.2, 0.1)
_MODES = ("P", "L", "S", "H")
_MODE_WEIGHTS = (45, 25, 20, 10)
_MODE_WORDS = {
    "P": ["onsite"],
    "H": ["blended"],
    "L": ["online", "synchronous"],
    "S": ["online", "asynchronous"],
}
_PER_HOUR = {"P": 28.0, "H": 26.0, "L": 18.0, "S": 11.0}
_LEVELS = ("beginner", "intermediate", "intermediate", "advanced", "all levels")
_PROVIDER_WORDS = (
    "Cedar", "Harbor", "Summit", "Riverbend", "Lakeside", "Evergreen", "Meridian", "Willow",
    "Keystone", "Prairie", "Coastal", "Granite", "Heritage", "Bluebird", "Silverleaf", "Northgate",
)  # fmt: skip
_PROVIDER_KINDS = (
    "School of Massage", "Massage Institute", "Bodywork Seminars", "CE Academy",
    "Medical Center, Integrative Medicine Education", "Lymphatic Institute",
    "Oncology Massage Education", "Sports Massage Collective", "Healing Arts College",
    "Continuing Education Online",
)  # fmt: skip
_FIRST = (
    "Ana", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hiro", "Imani", "Jon", "Kara",
    "Luis", "Maya", "Nate", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor",
)  # fmt: skip
_LAST = (
    "Adams", "Brooks", "Chen", "Diaz", "Ellis", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
    "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Ramos", "Silva", "Turner", "Walsh",
)  # fmt: skip
_VENUES = ("Wellness Center", "Conference Center", "Massage Studio", "Hotel Conference Center")
_STREETS = ("Main St", "Oak Ave", "Park Blvd", "Market St", "Elm St", "Lake Dr", "Cedar Ln")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class GenerateSummary:
    sessions: int
    courses: int
    providers: int
    bytes: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def label(term: str) -> str:
    """A readable label for a knowledge-base id: ``low-back-pain`` -> ``Low Back Pain``."""
    return _LABELS.get(term) or " ".join(w.capitalize() for w in term.split("-"))


def _zipf(count: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class _Generator:
    def __init__(self, sessions: int, seed: int, start: dt.date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (reproducible data, not security)
        self.total = sessions
        self.seed = seed
        self.start = start
        self.prefix = f"{BASE}/s{seed}"
        rng = self.rng
        # Topic popularity: a fixed Zipf curve over a seed-dependent ranking.
        self.techniques = list(TECHNIQUES)
        self.conditions = list(CONDITIONS)
        for term in ("swedish-massage", "deep-tissue-massage"):
            self.techniques.remove(term)
        rng.shuffle(self.techniques)
        rng.shuffle(self.conditions)
        # Everyday techniques stay on top of the ranking.
        self.techniques[:0] = ["deep-tissue-massage", "swedish-massage"]
        self.technique_weights = _zipf(len(self.techniques))
        self.condition_weights = _zipf(len(self.conditions))
        self.place_weights = list(itertools.accumulate(p.population for p in PLACES))
        self.hours_weights = list(itertools.accumulate(_HOURS_WEIGHTS))
        self.mode_weights = list(itertools.accumulate(_MODE_WEIGHTS))
        self.zones = {p.timezone: ZoneInfo(p.timezone) for p in PLACES}
        self.provider_count = max(1, round(sessions / SESSIONS_PER_PROVIDER))
        self.providers: list[tuple[dict[str, Any], Place, list[str]]] = []

    # --- helpers -------------------------------------------------------------------------

    def pick(self, items: Sequence[Any], cum_weights: Sequence[float]) -> Any:
        return self.rng.choices(items, cum_weights=cum_weights)[0]

    def place(self) -> Place:
        return self.pick(PLACES, self.place_weights)  # type: ignore[no-any-return]

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}, LMT"

    # --- providers -----------------------------------------------------------------------

    def provider(self, number: int) -> tuple[dict[str, Any], Place, list[str]]:
        rng = self.rng
        home = self.place()
        person = rng.random() < 0.06
        if person:
            name = self.person()
        else:
            name = f"{rng.choice(_PROVIDER_WORDS)} {rng.choice(_PROVIDER_KINDS)} of {home.city}"
        slug = f"p{number:05d}"
        approvals: list[dict[str, Any]] = []
        roll = rng.random()
        if roll < 0.75:
            years = rng.choice((-1, 0, 1, 1, 2, 2))
            approvals.append(
                {
                    "@type": "ce:Approval",
                    "ce:authority": "NCBTMB",
                    "identifier": f"{rng.randint(450000, 499999)}-{rng.randint(0, 99):02d}",
                    "validThrough": dt.date(self.start.year + years, 12, 31).isoformat(),
                }
            )
        if rng.random() < 0.4:
            approvals.append(
                {
                    "@type": "ce:Approval",
                    "ce:authority": "FSMTB",
                    "identifier": f"CE-{rng.randint(10000, 99999)}",
                }
            )
        if rng.random() < 0.5:
            approvals.append(
                {
                    "@type": "ce:Approval",
                    "ce:authority": f"state:{home.state}",
                    "identifier": f"{home.state}-CE-{rng.randint(1000, 9999)}",
                }
            )
        doc: dict[str, Any] = {
            "@type": "Person" if person else "Organization",
            "@id": f"{self.prefix}/providers/{slug}",
            "name": name,
            "description": "Synthetic sample data generated by ceatlas generate.",
            "url": f"https://{slug}.s{self.seed}.example/",
            "email": f"info@{slug}.s{self.seed}.example",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}",
                "addressLocality": home.city,
                "addressRegion": home.state,
                "postalCode": home.zip_code,
                "addressCountry": "US",
            },
            "ce:sample": True,
        }
        if approvals:
            doc["ce:approval"] = approvals
        instructors = [name] if person else [self.person() for _ in range(rng.randint(1, 4))]
        return doc, home, instructors

    def provider_for(self, course_number: int) -> tuple[dict[str, Any], Place, list[str]]:
        """Providers appear as courses need them; later courses reuse earlier providers."""
        rng = self.rng
        if len(self.providers) < self.provider_count and (
            not self.providers or rng.random() < 0.3 or course_number % 7 == 0
        ):
            self.providers.append(self.provider(len(self.providers) + 1))
            return self.providers[-1]
        # Skew towards big providers: the square favours low indexes.
        index = int(len(self.providers) * rng.random() ** 2)
        return self.providers[index]

    # --- courses -------------------------------------------------------------------------

    def course(self, number: int, size: int) -> dict[str, Any]:
        rng = self.rng
        provider, home, instructors = self.provider_for(number)
        required = rng.random() < 0.14
        techniques: list[str] = []
        conditions: list[str] = []
        competencies: list[str] = []
        regions: list[str] = []
        if required:
            title, category, competency, choices, by_state = rng.choice(_REQUIRED)
            if by_state:
                title = f"{title} ({home.state})"
            hours: float = rng.choice(choices)
            categories = [category]
            competencies.append(competency)
            modes = ("H", "P") if category == "cpr" else ("L", "S", "S", "P")
        else:
            hours = self.pick(_HOURS, self.hours_weights)
            technique = self.pick(self.techniques, self.technique_weights)
            techniques.append(technique)
            if rng.random() < 0.3:
                second = self.pick(self.techniques, self.technique_weights)
                if second != technique:
                    techniques.append(second)
            if rng.random() < 0.6:
                condition = self.pick(self.conditions, self.condition_weights)
                conditions.append(condition)
                region = _REGIONS.get(condition)
                title = rng.choice(_CONDITION_TITLES).format(t=label(technique), c=label(condition))
                if region:
                    regions.append(region)
            else:
                title = rng.choice(_TECHNIQUE_TITLES).format(
                    t=label(technique), lvl=rng.choice(("I", "II", "III")), r=rng.choice(
                        ("Upper Body", "Lower Body", "Neck and Shoulders", "Spine", "Full Body")
                    )
                )  # fmt: skip
            competencies.extend(rng.sample(COMPETENCIES, rng.randint(1, 2)))
            categories = ["technique", "hands-on"] if rng.random() < 0.7 else ["technique"]
            modes = _MODES
            if hours >= 60:
                modes = ("P", "H", "H", "S")
        number_text = f"c{number:07d}"
        course_id = f"{self.prefix}/courses/{number_text}"
        topics = ", ".join(label(t).lower() for t in techniques + conditions) or categories[0]
        doc: dict[str, Any] = {
            "@context": CONTEXT,
            "@type": "Course",
            "@id": course_id,
            "name": title,
            "description": f"{title}: {hours:g} CE hours on {topics}. Synthetic sample data.",
            "courseCode": f"G-{number}",
            "url": course_id,
            "provider": provider,
            "numberOfCredits": {"@type": "StructuredValue", "value": hours, "unitText": "CE hours"},
            "educationalLevel": rng.choice(_LEVELS),
            "inLanguage": "en",
            "teaches": [
                {"@type": "DefinedTerm", "name": t, "inDefinedTermSet": TERM_SETS["techniques"]}
                for t in techniques
            ]
            + [
                {"@type": "DefinedTerm", "name": c, "inDefinedTermSet": TERM_SETS["competencies"]}
                for c in competencies
            ],
            "ce:category": categories,
            "coursePrerequisites": ["Licensed massage therapist"],
        }
        about = [{"@type": "MedicalCondition", "name": c} for c in conditions] + [
            {"@type": "AnatomicalStructure", "name": r} for r in regions
        ]
        if about:
            doc["about"] = about
        if hours >= 8:
            doc["educationalCredentialAwarded"] = "Certificate of completion"
        if rng.random() < 0.15:
            doc["ce:approval"] = [
                {
                    "@type": "ce:Approval",
                    "ce:authority": "NCBTMB",
                    "identifier": f"C-{rng.randint(10000, 99999)}",
                }
            ]
        weights = [_MODE_WEIGHTS[_MODES.index(m)] for m in modes]
        cum = list(itertools.accumulate(weights))
        hands_on = hours * 0.6 if "hands-on" in categories else None
        doc["hasCourseInstance"] = [
            self.session(course_id, number_text, i, self.pick(modes, cum), hours, home, instructors,
                         hands_on)
            for i in range(1, size + 1)
        ]  # fmt: skip
        return doc

    # --- sessions ------------------------------------------------------------------------

    def price(self, mode: str, hours: float) -> int:
        rng = self.rng
        if hours <= 2 and mode in "LS" and rng.random() < 0.25:
            return 0
        raw = _PER_HOUR[mode] * hours * rng.lognormvariate(0, 0.3)
        return min(MAX_PRICE, max(10, 5 * round(raw / 5)))

    def session(
        self,
        course_id: str,
        number_text: str,
        index: int,
        mode: str,
        hours: float,
        home: Place,
        instructors: list[str],
        hands_on: float | None,
    ) -> dict[str, Any]:
        rng = self.rng
        session_id = f"{self.prefix}/sessions/{number_text}-{index}"
        price = self.price(mode, hours)
        offer: dict[str, Any] = {"@type": "Offer", "price": f"{price}.00", "priceCurrency": "USD"}
        session: dict[str, Any] = {
            "@type": "CourseInstance",
            "@id": session_id,
            "courseMode": _MODE_WORDS[mode],
        }
        offers = [offer]
        if mode == "S":
            opens = self.start + dt.timedelta(days=rng.randint(0, 30))
            offer["availabilityStarts"] = opens.isoformat()
            offer["availabilityEnds"] = (opens + dt.timedelta(days=335)).isoformat()
            session["ce:accessPeriod"] = rng.choice(("P90D", "P180D", "P365D"))
        else:
            where = home if rng.random() < 0.55 else self.place()
            start = self.dates(session, mode, hours, where)
            offer["availabilityEnds"] = max(self.start, start - dt.timedelta(days=7)).isoformat()
            if mode != "L":
                lat = where.latitude + (rng.random() - 0.5) * 0.04
                lon = where.longitude + (rng.random() - 0.5) * 0.04
                session["location"] = {
                    "@type": "Place",
                    "name": f"{where.city} {rng.choice(_VENUES)}",
                    "address": {
                        "@type": "PostalAddress",
                        "streetAddress": f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}",
                        "addressLocality": where.city,
                        "addressRegion": where.state,
                        "postalCode": where.zip_code,
                        "addressCountry": "US",
                    },
                    "geo": {
                        "@type": "GeoCoordinates",
                        "latitude": round(lat, 4),
                        "longitude": round(lon, 4),
                    },
                }
                total = rng.choice((10, 12, 16, 20, 24, 30, 40))
                if hands_on is not None:
                    session["ce:handsOnHours"] = round(hands_on, 1)
            else:
                total = rng.choice((30, 50, 100, 300))
            session["maximumAttendeeCapacity"] = total
            session["remainingAttendeeCapacity"] = 0 if rng.random() < 0.05 else rng.randint(
                1, total
            )  # fmt: skip
            early_until = start - dt.timedelta(days=30)
            if price >= 100 and rng.random() < 0.3 and early_until > self.start:
                offers.append(
                    {
                        "@type": "Offer",
                        "category": "early-bird",
                        "price": f"{5 * round(price * 0.85 / 5)}.00",
                        "priceCurrency": "USD",
                        "validThrough": early_until.isoformat(),
                    }
                )
        if price >= 50 and rng.random() < 0.2:
            offers.append(
                {
                    "@type": "Offer",
                    "category": "member",
                    "price": f"{5 * round(price * 0.9 / 5)}.00",
                    "priceCurrency": "USD",
                }
            )
        session["offers"] = offers
        session["instructor"] = [{"@type": "Person", "name": rng.choice(instructors)}]
        return session

    def dates(self, session: dict[str, Any], mode: str, hours: float, where: Place) -> dt.date:
        rng = self.rng
        if mode == "L":
            meetings = 1 if hours <= 4 else math.ceil(hours / (3 if hours <= 24 else 6))
            weekday = 5 if hours > 24 or rng.random() < 0.2 else rng.randint(0, 3)
            first = 9 * 60 if weekday == 5 else rng.choice((18, 19)) * 60
            daily = round(hours * 60 / meetings / 15) * 15
            span = 7 * (meetings - 1)
            days = [weekday]
        else:
            in_person = hours * 0.6 if mode == "H" else hours
            count = min(12, max(1, math.ceil(in_person / 8)))
            if count <= 3 and rng.random() < 0.7:
                weekday = (5, 5, 4)[count - 1]
            else:
                weekday = rng.randint(0, max(0, 5 - count)) if count <= 5 else 0
            first = 9 * 60 if in_person >= 4 or rng.random() < 0.5 else 13 * 60
            per = in_person / count
            daily = round((per + (1 if per > 5 else 0)) * 4) * 15
            span = count - 1
            days = [(weekday + d) % 7 for d in range(count)]
        latest = HORIZON_DAYS - 7 - span
        day = self.start + dt.timedelta(days=rng.randint(1, max(1, latest)))
        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        end = day + dt.timedelta(days=span)
        close = min(first + max(daily, 30), 23 * 60 + 45)
        zone = self.zones[where.timezone]
        begin_at = dt.datetime(day.year, day.month, day.day, first // 60, first % 60, tzinfo=zone)
        end_at = dt.datetime(end.year, end.month, end.day, close // 60, close % 60, tzinfo=zone)
        session["startDate"] = begin_at.isoformat()
        session["endDate"] = end_at.isoformat()
        session["ce:timezone"] = where.timezone
        if span:
            session["eventSchedule"] = [
                {
                    "@type": "Schedule",
                    "byDay": [f"https://schema.org/{_DAYS[d]}" for d in dict.fromkeys(days)],
                    "startTime": f"{first // 60:02d}:{first % 60:02d}",
                    "endTime": f"{close // 60:02d}:{close % 60:02d}",
                    "scheduleTimezone": where.timezone,
                }
            ]
        return day

    # --- the run -------------------------------------------------------------------------

    def run(self, out: TextIO) -> GenerateSummary:
        began = time.perf_counter()
        rng = self.rng
        remaining = self.total
        courses = 0
        written = 0
        encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
        while remaining > 0:
            size = min(remaining, min(40, 5 + int(rng.expovariate(1 / 7))))
            # Keep the tail from leaving a course with fewer sessions than it should.
            if 0 < remaining - size < 5:
                size = remaining if remaining <= 40 else remaining - 5
            courses += 1
            line = encode(self.course(courses, size)) + "\n"
            out.write(line)
            written += len(line)
            remaining -= size
        return GenerateSummary(
            sessions=self.total,
            courses=courses,
            providers=len(self.providers),
            bytes=written,
            seconds=round(time.perf_counter() - began, 3),
        )


def generate(sessions: int, seed: int, out: TextIO, start: dt.date) -> GenerateSummary:
    """Write ``sessions`` synthetic sessions as NDJSON Course documents to ``out``.

    Dated sessions fall within the year after ``start``; self-paced ones open within a month
    of it. The same ``sessions``, ``seed`` and ``start`` always give the same bytes.
    """
    if sessions < 1:
        raise ValueError(f"sessions must be at least 1, got {sessions}")
    return _Generator(sessions, seed, start).run(out)
