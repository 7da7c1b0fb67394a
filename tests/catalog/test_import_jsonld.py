"""What real sites publish: the importer reads schema.org JSON-LD in all its shapes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ceatlas.catalog.service import Catalog
from conftest import canonical


def course(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": "https://school.example/courses/mfr-1",
        "name": "Myofascial Release I",
        "provider": {"@type": "Organization", "name": "Coastal School of Massage"},
    }
    doc.update(extra)
    return doc


def instance(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"@type": "CourseInstance", "startDate": "2027-04-10"}
    doc.update(extra)
    return doc


def load(
    catalog: Catalog, tmp_path: Path, *documents: Any, name: str = "in.json"
) -> list[dict[str, Any]]:
    path = tmp_path / name
    if name.endswith(".ndjson"):
        path.write_text("\n".join(json.dumps(d) for d in documents) + "\n")
    else:
        path.write_text(json.dumps(documents[0] if len(documents) == 1 else list(documents)))
    report = catalog.import_paths([path])
    assert report.problems == [], report.problems
    return canonical(catalog.engine)


@pytest.mark.parametrize(
    ("mode", "start", "expected"),
    [
        ("online", "2027-04-10", "self_paced_online"),
        ("Online", "2027-04-10T18:00:00-05:00", "live_online"),
        (["online", "synchronous"], "2027-04-10", "live_online"),
        (["MOOC", "online"], None, "self_paced_online"),
        ("https://schema.org/Online", None, "self_paced_online"),
        (["online", "asynchronous"], None, "self_paced_online"),
        ("onsite", "2027-04-10", "in_person"),
        ("On-site", "2027-04-10", "in_person"),
        ("in person", "2027-04-10", "in_person"),
        ("blended", "2027-04-10", "hybrid"),
        ("Hybrid", "2027-04-10", "hybrid"),
        (["online", "onsite"], "2027-04-10", "hybrid"),
        ("distance learning", None, "self_paced_online"),
        ("webinar", "2027-04-10T12:00", "live_online"),
        ("self-paced", None, "self_paced_online"),
        ("live_online", "2027-04-10", "live_online"),
    ],
)
def test_course_mode_in_any_shape(
    catalog: Catalog, tmp_path: Path, mode: Any, start: str | None, expected: str
) -> None:
    rows = load(
        catalog, tmp_path, course(hasCourseInstance={"courseMode": mode, "startDate": start})
    )
    assert rows[0]["sessions"][0]["mode"] == expected


def test_part_time_with_a_place_is_in_person(catalog: Catalog, tmp_path: Path) -> None:
    rows = load(
        catalog,
        tmp_path,
        course(hasCourseInstance=instance(courseMode="part-time", location="Studio 4")),
    )
    session = rows[0]["sessions"][0]
    assert (session["mode"], session["venue"]) == ("in_person", "Studio 4")


@pytest.mark.parametrize(
    ("offers", "price", "currency"),
    [
        ({"price": "395", "priceCurrency": "USD"}, "395.00", "USD"),
        ({"price": 395.5, "priceCurrency": "usd"}, "395.50", "USD"),
        ([{"@type": "Offer", "price": "$1,200.00", "priceCurrency": "USD"}], "1200.00", "USD"),
        ({"price": "Free"}, "0.00", None),
        ({"price": "0", "priceCurrency": "USD"}, "0.00", "USD"),
    ],
)
def test_offers_object_or_list_price_text_or_number(
    catalog: Catalog, tmp_path: Path, offers: Any, price: str, currency: str | None
) -> None:
    rows = load(
        catalog, tmp_path, course(hasCourseInstance=instance(courseMode="onsite", offers=offers))
    )
    session = rows[0]["sessions"][0]
    assert (str(session["price"]), session["currency"]) == (price, currency)


def test_early_bird_and_member_prices(catalog: Catalog, tmp_path: Path) -> None:
    offers = [
        {
            "price": 450,
            "priceCurrency": "USD",
            "url": "https://school.example/r/1",
            "availabilityEnds": "2027-04-01",
        },
        {"name": "Early bird", "price": 395, "priceCurrency": "USD", "validThrough": "2027-02-01"},
        {"category": "member", "price": 420, "priceCurrency": "USD"},
    ]
    rows = load(
        catalog, tmp_path, course(hasCourseInstance=instance(courseMode="onsite", offers=offers))
    )
    s = rows[0]["sessions"][0]
    assert (s["price"], s["early_price"], s["member_price"]) == (
        Decimal("450.00"),
        Decimal("395.00"),
        Decimal("420.00"),
    )
    assert str(s["early_price_until"]) == "2027-02-01"
    assert str(s["registration_deadline"]) == "2027-04-01"
    assert s["registration_url"] == "https://school.example/r/1"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Suite 200, Tampa", {"venue": "Suite 200, Tampa", "city": None}),
        (
            {
                "@type": "Place",
                "name": "Bayside Studio",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": "Tampa",
                    "addressRegion": "FL",
                    "postalCode": "33602",
                },
            },
            {"venue": "Bayside Studio", "city": "Tampa", "region": "FL", "postal_code": "33602"},
        ),
        (
            {
                "@type": "PostalAddress",
                "streetAddress": "1 Main St",
                "addressLocality": "Austin",
                "addressRegion": "TX",
            },
            {"street": "1 Main St", "city": "Austin", "region": "TX"},
        ),
        (
            {
                "name": "No type",
                "address": "1 Main St, Austin TX",
                "geo": {"latitude": "30.27", "longitude": "-97.74"},
            },
            {
                "venue": "No type",
                "street": "1 Main St, Austin TX",
                "latitude": 30.27,
                "longitude": -97.74,
            },
        ),
        (
            {
                "@type": "Place",
                "address": {
                    "addressLocality": "Denver",
                    "addressCountry": {"@type": "Country", "name": "US"},
                },
            },
            {"city": "Denver", "country": "US"},
        ),
    ],
)
def test_location_as_text_place_or_address(
    catalog: Catalog, tmp_path: Path, location: Any, expected: dict[str, Any]
) -> None:
    rows = load(
        catalog,
        tmp_path,
        course(hasCourseInstance=instance(courseMode="onsite", location=location)),
    )
    session = rows[0]["sessions"][0]
    assert {k: session[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("credits", "hours"),
    [
        (16, "16.00"),
        ("2.5", "2.50"),
        ({"@type": "StructuredValue", "value": 24}, "24.00"),
        ({"value": "3"}, "3.00"),
    ],
)
def test_number_of_credits_as_number_or_structured_value(
    catalog: Catalog, tmp_path: Path, credits: Any, hours: str
) -> None:
    rows = load(catalog, tmp_path, course(numberOfCredits=credits))
    assert str(rows[0]["course"]["ce_hours"]) == hours


@pytest.mark.parametrize(
    ("workload", "hours"),
    [
        ("PT2H", "2.00"),
        ("P3D", "72.00"),
        ("PT1H30M", "1.50"),
        ("16 hours", "16.00"),
        ("2 days 4 hrs", "52.00"),
    ],
)
def test_workload_iso_or_text(catalog: Catalog, tmp_path: Path, workload: str, hours: str) -> None:
    rows = load(
        catalog,
        tmp_path,
        course(hasCourseInstance=instance(courseMode="onsite", courseWorkload=workload)),
    )
    assert str(rows[0]["sessions"][0]["workload_hours"]) == hours


def test_provider_person_http_context_prefixed_names(catalog: Catalog, tmp_path: Path) -> None:
    doc = {
        "@context": {"@vocab": "http://schema.org/"},
        "@type": "schema:Course",
        "schema:name": "Oncology Massage Foundations",
        "http://schema.org/provider": {"@type": "Person", "name": "Ana Ruiz, LMT"},
        "hasCourseInstance": [
            {
                "courseMode": "ONLINE",
                "startDate": "2027-05-01T18:00:00Z",
                "ce:timezone": "America/New_York",
            }
        ],
    }
    rows = load(catalog, tmp_path, doc)
    assert rows[0]["provider"]["kind"] == "person"
    session = rows[0]["sessions"][0]
    # 18:00 UTC is 14:00 in New York in May (EDT).
    assert (session["mode"], str(session["start_time"]), session["timezone"]) == (
        "live_online",
        "14:00:00",
        "America/New_York",
    )


def test_graph_array_ndjson_and_html(catalog: Catalog, tmp_path: Path) -> None:
    graph = {
        "@context": "https://schema.org/",
        "@graph": [course(), course(**{"@id": "https://school.example/c/2", "name": "Two"})],
    }
    load(catalog, tmp_path, graph, name="graph.jsonld")
    load(
        catalog,
        tmp_path,
        course(**{"@id": "https://school.example/c/3", "name": "Three"}),
        course(**{"@id": "https://school.example/c/4", "name": "Four"}),
        name="lines.ndjson",
    )
    page = tmp_path / "page.html"
    page.write_text(
        '<html><script type="application/ld+json">'
        + json.dumps(course(**{"@id": "https://school.example/c/5", "name": "Five"}))
        + '</script><script type="application/ld+json">{"@type": "BreadcrumbList"}</script>'
        + '<script type="Application/LD+JSON">'
        + json.dumps(course(**{"@id": "https://school.example/c/6", "name": "Six"}))
        + "</script></html>"
    )
    report = catalog.import_paths([page])
    assert report.problems == []
    assert report.records_imported == 2
    assert report.nodes_ignored == 1
    assert catalog.stats().courses == 6


def test_provider_referenced_by_id_in_a_graph(catalog: Catalog, tmp_path: Path) -> None:
    org = {"@type": "Organization", "@id": "https://school.example/#org", "name": "Coastal School"}
    graph = {"@graph": [org, course(provider={"@id": "https://school.example/#org"})]}
    rows = load(catalog, tmp_path, graph)
    assert rows[0]["provider"]["name"] == "Coastal School"


def test_knowledge_base_terms_and_approvals(catalog: Catalog, tmp_path: Path) -> None:
    doc = course(
        teaches=[
            "Myofascial Release",
            {
                "@type": "DefinedTerm",
                "name": "anatomy",
                "inDefinedTermSet": "https://w3id.org/ceatlas/kb/competencies",
            },
        ],
        about=[
            {"@type": "MedicalCondition", "name": "Sciatica"},
            {"@type": "AnatomicalStructure", "name": "lumbar spine"},
        ],
        coursePrerequisites=["Licensed massage therapist"],
        **{
            "ce:approval": [
                {"ce:authority": "ncbtmb", "identifier": "123"},
                {"ce:authority": "FL", "identifier": "MCE9"},
            ]
        },
    )
    rows = load(catalog, tmp_path, doc)
    c = rows[0]["course"]
    assert c["techniques"] == ["myofascial-release"]
    assert c["competencies"] == ["anatomy"]
    assert c["conditions"] == ["sciatica"]
    assert c["body_regions"] == ["lumbar spine"]
    assert c["prerequisites"] == [{"kind": "credential", "value": "Licensed massage therapist"}]
    assert [(a["authority"], a["number"]) for a in c["approvals"]] == [
        ("NCBTMB", "123"),
        ("state:FL", "MCE9"),
    ]


def test_program_with_requirement_groups_and_embedded_courses(
    catalog: Catalog, tmp_path: Path
) -> None:
    program = {
        "@context": "https://schema.org/",
        "@type": "EducationalOccupationalProgram",
        "@id": "https://school.example/programs/apmt",
        "name": "Advanced Professional Massage Therapy",
        "provider": {"@type": "EducationalOrganization", "name": "Coastal School"},
        "numberOfCredits": 300,
        "ce:requirementGroup": [
            {
                "name": "Core",
                "hasCourse": [
                    {
                        "@type": "Course",
                        "@id": "https://school.example/c/anatomy",
                        "name": "Anatomy",
                    }
                ],
            },
            {
                "name": "Any 2 of",
                "ce:choose": 2,
                "hasCourse": [
                    {"@id": "https://school.example/c/a"},
                    {"@id": "https://school.example/c/b"},
                    {"@id": "https://school.example/c/c"},
                ],
            },
        ],
    }
    rows = load(catalog, tmp_path, program)
    programs = [r for r in rows if "program" in r]
    assert programs[0]["program"]["structure"] == [
        {"title": "Core", "choose": None, "courses": ["https://school.example/c/anatomy"]},
        {
            "title": "Any 2 of",
            "choose": 2,
            "courses": [
                "https://school.example/c/a",
                "https://school.example/c/b",
                "https://school.example/c/c",
            ],
        },
    ]
    assert str(programs[0]["program"]["total_hours"]) == "300.00"
    assert catalog.stats().courses == 1
