"""Idempotent upsert by stable identifier: re-imports update, never duplicate; --prune removes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ceatlas.catalog.service import Catalog
from conftest import canonical


def feed(path: Path, price: str = "300", start: str = "2027-03-01", sessions: int = 3) -> Path:
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Course",
        "@id": "https://school.example/c/1",
        "name": "Trigger Point Therapy",
        "provider": {
            "@type": "Organization",
            "@id": "https://school.example/",
            "name": "Coastal School",
        },
        "hasCourseInstance": [
            {
                "@id": f"https://school.example/s/{i}",
                "courseMode": "onsite",
                "startDate": start if i == 0 else f"2027-0{i + 3}-01",
                "location": "Hall A",
                "offers": {"price": price if i == 0 else "250", "priceCurrency": "USD"},
            }
            for i in range(sessions)
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def test_same_file_twice_changes_nothing(catalog: Catalog, tmp_path: Path) -> None:
    path = feed(tmp_path / "a.json")
    first = catalog.import_paths([path])
    before = canonical(catalog.engine)
    second = catalog.import_paths([path])
    assert (first.totals.sessions.inserted, second.totals.sessions.inserted) == (3, 0)
    assert (
        second.totals.sessions.unchanged,
        second.totals.courses.unchanged,
        second.totals.providers.unchanged,
    ) == (3, 1, 1)
    assert canonical(catalog.engine) == before


def test_changed_price_or_date_updates_that_session_only(catalog: Catalog, tmp_path: Path) -> None:
    catalog.import_paths([feed(tmp_path / "a.json")])
    report = catalog.import_paths([feed(tmp_path / "b.json", price="325", start="2027-03-08")])
    assert (
        report.totals.sessions.updated,
        report.totals.sessions.unchanged,
        report.totals.sessions.inserted,
    ) == (1, 2, 0)
    sessions = canonical(catalog.engine)[0]["sessions"]
    first = next(s for s in sessions if s["key"] == "https://school.example/s/0")
    assert (str(first["price"]), str(first["start_date"])) == ("325.00", "2027-03-08")
    assert catalog.stats().sessions == 3


def test_sessions_missing_from_a_reimport_stay_unless_pruned(
    catalog: Catalog, tmp_path: Path
) -> None:
    catalog.import_paths([feed(tmp_path / "a.json", sessions=3)])
    shorter = feed(tmp_path / "b.json", sessions=1)
    catalog.import_paths([shorter])
    assert catalog.stats().sessions == 3
    report = catalog.import_paths([shorter], prune=True)
    assert report.totals.sessions_pruned == 2
    assert catalog.stats().sessions == 1
