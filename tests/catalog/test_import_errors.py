"""Bad input: each rejected record is named with its place, field and reason; nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ceatlas.catalog.service import Catalog
from conftest import canonical


def good(n: int, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@type": "Course",
        "@id": f"https://school.example/c/{n}",
        "name": f"Course {n}",
        "hasCourseInstance": [
            {
                "@id": f"https://school.example/s/{n}",
                "courseMode": "onsite",
                "startDate": "2027-03-01",
                "location": "Hall A",
            }
        ],
    }
    doc.update(extra)
    return doc


def write_ndjson(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return path


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        ({"name": ""}, "name", "a course needs a name (its title); none was given"),
        ({"numberOfCredits": "lots"}, "numberOfCredits", "expected a number, got 'lots'"),
        ({"numberOfCredits": -2}, "numberOfCredits", "must be at least 0, got -2"),
        (
            {
                "hasCourseInstance": [
                    {"courseMode": "onsite", "startDate": "2027-03-01", "location": "A"},
                    {"courseMode": "onsite", "startDate": "next week"},
                ]
            },
            "hasCourseInstance[1].startDate",
            "expected an ISO 8601 date or date-time, got 'next week'",
        ),
        (
            {
                "hasCourseInstance": {
                    "courseMode": "onsite",
                    "startDate": "2027-03-05",
                    "endDate": "2027-03-01",
                }
            },
            "hasCourseInstance[0].endDate",
            "2027-03-01 is before the start date 2027-03-05",
        ),
        (
            {
                "hasCourseInstance": {
                    "courseMode": "onsite",
                    "startDate": "2027-03-05",
                    "offers": {"price": "-5", "priceCurrency": "USD"},
                }
            },
            "hasCourseInstance[0].offers.price",
            "must be at least 0, got -5",
        ),
        (
            {
                "hasCourseInstance": {
                    "courseMode": "onsite",
                    "startDate": "2027-03-05",
                    "offers": {"price": "5", "priceCurrency": "dollars"},
                }
            },
            "hasCourseInstance[0].offers.priceCurrency",
            "expected an ISO 4217 currency code such as USD, got 'DOLLARS'",
        ),
        (
            {"hasCourseInstance": {"courseMode": "full-time", "startDate": "2027-03-05"}},
            "hasCourseInstance[0].courseMode",
            "cannot tell how this session is taught: give courseMode (online, onsite, blended; synchronous or asynchronous) or a location",
        ),
        (
            {
                "hasCourseInstance": {
                    "courseMode": "onsite",
                    "startDate": "2027-03-05",
                    "maximumAttendeeCapacity": 10,
                    "remainingAttendeeCapacity": 12,
                }
            },
            "hasCourseInstance[0].remainingAttendeeCapacity",
            "12 seats left but only 10 in all",
        ),
        (
            {
                "hasCourseInstance": {
                    "courseMode": "onsite",
                    "startDate": "2027-03-05",
                    "location": {"geo": {"latitude": 123, "longitude": 5}},
                }
            },
            "hasCourseInstance[0].location.geo.latitude",
            "must be between -90 and 90, got 123",
        ),
        (
            {
                "hasCourseInstance": {
                    "courseMode": "onsite",
                    "startDate": "2027-03-05",
                    "ce:timezone": "Mars/Olympus",
                }
            },
            "hasCourseInstance[0].timezone",
            "unknown time zone 'Mars/Olympus'",
        ),
        ({"name": "x" * 501}, "name", "is 501 characters long; at most 500 are allowed"),
        (
            {"provider": {"@type": "Organization", "url": "https://x.example"}},
            "provider.name",
            "a provider needs a name",
        ),
        (
            {"provider": {"@id": "https://nobody.example/#org"}},
            "provider",
            "unknown provider 'https://nobody.example/#org': it is neither in this import nor in the catalog",
        ),
    ],
)
def test_bad_record_is_named_and_the_rest_are_imported(
    catalog: Catalog, tmp_path: Path, bad: dict[str, Any], field: str, reason: str
) -> None:
    path = write_ndjson(tmp_path / "feed.ndjson", [good(1), good(2, **bad), good(3)])
    report = catalog.import_paths([path])
    assert [(p.where, p.field, p.reason) for p in report.problems] == [
        (f"{path}, line 2", field, reason)
    ]
    assert report.records_imported == 2
    assert report.records_rejected == 1
    keys = [c["course"]["key"] for c in canonical(catalog.engine)]
    # All or nothing: the bad record's course and sessions are absent, the others complete.
    assert keys == ["https://school.example/c/1", "https://school.example/c/3"]
    assert catalog.stats().sessions == 2


def test_invalid_json_lines_are_reported_and_skipped(catalog: Catalog, tmp_path: Path) -> None:
    path = write_ndjson(
        tmp_path / "feed.ndjson", [good(1), '{"@type": "Course", "name": ', "[1, 2", good(4)]
    )
    report = catalog.import_paths([path])
    assert [(p.where, p.reason) for p in report.problems] == [
        (f"{path}, line 2", "not valid JSON: Expecting value at column 29"),
        (f"{path}, line 3", "not valid JSON: Expecting ',' delimiter at column 6"),
    ]
    assert catalog.stats().courses == 2


def test_whole_file_that_is_not_json(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    report = catalog.import_paths([path])
    assert report.problems[0].reason.startswith("not valid JSON: Expecting property name")
    assert report.problems[0].where == f"{path}, line 1"


def test_unsupported_and_missing_files(catalog: Catalog, tmp_path: Path) -> None:
    other = tmp_path / "catalog.xlsx"
    other.write_bytes(b"PK")
    report = catalog.import_paths([other, tmp_path / "nope.json"])
    assert [str(p) for p in report.problems] == [
        f"{other}: unsupported file type .xlsx; expected one of .csv, .htm, .html, .json, .jsonl, .jsonld, .ndjson",
        f"{tmp_path / 'nope.json'}: no such file",
    ]


def test_html_page_without_json_ld(catalog: Catalog, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>Classes</h1></body></html>")
    report = catalog.import_paths([page])
    assert report.problems[0].reason == 'no <script type="application/ld+json"> block in the page'


def test_strict_rejects_the_whole_file(catalog: Catalog, tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "feed.ndjson", [good(1), good(2, name=None), good(3)])
    report = catalog.import_paths([path], strict=True)
    assert report.files_rejected == [str(path)]
    assert [p.where for p in report.problems] == [f"{path}, line 2"]
    assert catalog.stats().courses == 0
    clean = write_ndjson(tmp_path / "clean.ndjson", [good(1), good(3)])
    assert catalog.import_paths([clean], strict=True).ok
    assert catalog.stats().courses == 2


def test_hostile_text_is_stored_verbatim_not_interpreted(catalog: Catalog, tmp_path: Path) -> None:
    evil = "<script>alert('x')</script> '; DROP TABLE course; -- 💆"
    path = write_ndjson(tmp_path / "feed.ndjson", [good(1, name=evil, description=evil)])
    assert catalog.import_paths([path]).ok
    row = canonical(catalog.engine)[0]["course"]
    assert row["title"] == evil
    assert row["description"] == evil


def test_control_characters_are_dropped_on_both_backends(catalog: Catalog, tmp_path: Path) -> None:
    # PostgreSQL refuses NUL in text; a catalog has no use for control characters anyway.
    doc = good(1, name="Ethics\x00 101\x07", description="a\x00b\n\nc")
    path = write_ndjson(tmp_path / "feed.ndjson", [doc])
    assert catalog.import_paths([path]).ok
    row = canonical(catalog.engine)[0]["course"]
    assert (row["title"], row["description"]) == ("Ethics 101", "ab\n\nc")
