"""A small catalog worked by hand, for the directory tests (see ``load_small_catalog``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ceatlas.catalog.importer import ImportReport
from ceatlas.catalog.service import Catalog

TODAY = dt.date(2027, 3, 1)
SCHOOL = "https://gulf.example/"
OTHER = "https://other.example/"


def _session(key: str, mode: str, start: str | None, price: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"@id": key, "courseMode": mode}
    if start:
        doc["startDate"] = start
    if mode in ("in_person", "hybrid"):
        doc["location"] = {
            "@type": "Place",
            "name": "Harbor Studio",
            "address": {"addressLocality": "Tampa", "addressRegion": "FL", "postalCode": "33602"},
        }
    if price is not None:
        doc["offers"] = {"@type": "Offer", "price": price, "priceCurrency": "USD"}
    return doc


def _course(key: str, name: str, provider: str, hours: int, *sessions: Any) -> dict[str, Any]:
    return {
        "@type": "Course",
        "@id": key,
        "name": name,
        "provider": {"@id": provider},
        "numberOfCredits": hours,
        "hasCourseInstance": list(sessions),
    }


def documents() -> list[dict[str, Any]]:
    """Gulf Coast School (Tampa, FL; NCBTMB approval current on TODAY, FSMTB expired):
    Anatomy has a past hybrid session ($50) and an in-person one on Apr 1 ($100);
    Kinesiology a live online session starting TODAY ($250). Other School (no place, no
    approvals): Ethics, one undated self-paced session with no price. The Gulf Coast
    Certificate (40 hours) requires Anatomy (10 CE hours) and Kinesiology (8) and one of
    Ethics (3) or a course not in the catalog."""
    return [
        {
            "@type": "EducationalOrganization",
            "@id": SCHOOL,
            "name": "Gulf Coast School",
            "address": {"addressLocality": "Tampa", "addressRegion": "FL"},
            "approval": [
                {"authority": "NCBTMB", "identifier": "451234", "validThrough": "2028-01-31"},
                {"authority": "FSMTB", "validThrough": "2026-12-31"},
            ],
        },
        {"@type": "EducationalOrganization", "@id": OTHER, "name": "Other School"},
        _course(
            f"{SCHOOL}c/anatomy",
            "Anatomy",
            SCHOOL,
            10,
            _session(f"{SCHOOL}s/anatomy-past", "hybrid", "2027-01-10", "50"),
            _session(f"{SCHOOL}s/anatomy-apr", "in_person", "2027-04-01", "100"),
        ),
        _course(
            f"{SCHOOL}c/kinesiology",
            "Kinesiology",
            SCHOOL,
            8,
            _session(f"{SCHOOL}s/kinesiology-today", "live_online", "2027-03-01T18:00", "250"),
        ),
        _course(
            f"{OTHER}c/ethics",
            "Ethics",
            OTHER,
            3,
            _session(f"{OTHER}s/ethics-any-time", "self_paced_online", None, None),
        ),
        {
            "@type": "EducationalOccupationalProgram",
            "@id": f"{SCHOOL}p/certificate",
            "name": "Gulf Coast Certificate",
            "provider": {"@id": SCHOOL},
            "numberOfCredits": 40,
            "educationalCredentialAwarded": "Certificate",
            "requirementGroup": [
                {
                    "name": "Core",
                    "hasCourse": [
                        {"@id": f"{SCHOOL}c/anatomy"},
                        {"@id": f"{SCHOOL}c/kinesiology"},
                    ],
                },
                {
                    "name": "Elective",
                    "choose": 1,
                    "hasCourse": [{"@id": f"{OTHER}c/ethics"}, {"@id": f"{SCHOOL}c/not-here"}],
                },
            ],
        },
    ]


def load_small_catalog(catalog: Catalog) -> ImportReport:
    report = catalog.import_documents(documents(), "small catalog", TODAY)
    assert report.ok, report.problems
    return report
