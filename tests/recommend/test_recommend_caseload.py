"""The caseload model: complaints and counts, and no client identifiers."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from ceatlas.recommend import Caseload, Complaint, Constraints, parse_complaint


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        Caseload.model_validate(data)
    first = caught.value.errors()[0]
    return ".".join(map(str, first["loc"])) + " | " + str(first["msg"])


def test_complaints_as_text_or_condition() -> None:
    caseload = Caseload.model_validate(
        {
            "complaints": [
                {"text": "pain shooting down the back of my leg", "clients_per_month": 9},
                {"condition": "piriformis-syndrome", "clients_per_month": 2.5},
            ]
        }
    )
    assert caseload.clients_per_month == 11.5
    assert [c.label for c in caseload.complaints] == [
        "pain shooting down the back of my leg",
        "piriformis-syndrome",
    ]


@pytest.mark.parametrize(
    ("spec", "text", "count"),
    [
        ("sciatica:9", "sciatica", 9),
        ("can't lift my arm over my head : 3", "can't lift my arm over my head", 3),
        ("pain down my leg = 2.5", "pain down my leg", 2.5),
        ("tech neck", "tech neck", 1),
        ("ratio 3:2 of something", "ratio 3:2 of something", 1),
    ],
)
def test_parse_complaint(spec: str, text: str, count: float) -> None:
    complaint = parse_complaint(spec)
    assert (complaint.text, complaint.clients_per_month) == (text, count)


@pytest.mark.parametrize(
    "data",
    [
        {"complaints": []},
        {"complaints": [{"text": "sciatica", "clients_per_month": 0}]},
        {"complaints": [{"clients_per_month": 2}]},
        {"complaints": [{"text": "x" * 301, "clients_per_month": 2}]},
        {"complaints": [{"text": "sciatica", "clients_per_month": 2, "colour": "red"}]},
    ],
)
def test_invalid_caseloads(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Caseload.model_validate(data)


@pytest.mark.parametrize(
    ("field", "what"),
    [
        ("name", "a name"),
        ("client_name", "a name"),
        ("Patient-Name", "a name"),
        ("dob", "a birth date"),
        ("date_of_birth", "a birth date"),
        ("phone", "a phone number"),
        ("email", "an e-mail address"),
        ("mrn", "a record number"),
        ("record_number", "a record number"),
    ],
)
def test_identifier_fields_are_refused_by_name(field: str, what: str) -> None:
    message = _error({"complaints": [{"text": "sciatica", "clients_per_month": 2, field: "x"}]})
    assert message.startswith("complaints.0 | ")
    assert f"field {field!r} looks like it holds {what}" in message
    assert "no client identifiers" in message
    top = _error({"complaints": [{"text": "sciatica", "clients_per_month": 2}], field: "x"})
    assert f"field {field!r}" in top


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("John has sciatica", "a person's name"),
        ("Mrs. Alvarez, frozen shoulder", "a person's name"),
        ("client named Kowalski with neck pain", "a person's name"),
        ("neck pain, DOB 4/12/1961", "a birth date"),
        ("born 1961-04-12, low back pain", "a birth date"),
        ("sciatica since March 3, 2024", "full date"),
        ("call 813-555-0199 about her shoulder", "a phone number"),
        ("jane.doe@example.com tennis elbow", "an e-mail address"),
        ("MRN 448812 lymphedema", "a record or ID number"),
        ("chart #20391 whiplash", "a record or ID number"),
        ("patient 1234567 plantar fasciitis", "a record or ID number"),
    ],
)
def test_identifier_values_are_refused(text: str, what: str) -> None:
    message = _error({"complaints": [{"text": text, "clients_per_month": 1}]})
    assert message.startswith("complaints.0.text | ")
    assert what in message
    assert text not in message  # the identifier is not echoed back


@pytest.mark.parametrize(
    "text",
    [
        "pain shooting down the back of my leg",
        "Parkinson's disease with rigidity",
        "I have MS and my legs are stiff",
        "62-year-old with a frozen shoulder",
        "tight IT band from running 30 miles a week",
        "swelling in the arm since the mastectomy in 2019",
        "L5 radiculopathy, grade 2 hamstring strain",
        "wake up at 3am",
        "Achilles tendon pain",
    ],
)
def test_ordinary_complaints_pass(text: str) -> None:
    assert Complaint(text=text, clients_per_month=1).text == text


def test_constraints_from_profile() -> None:
    profile = SimpleNamespace(
        home_postal_code="33602",
        max_travel_km=80,
        budget=Decimal("450.00"),
        currency="USD",
        available_days=["saturday", "sunday"],
        available_times=["morning"],
        preferred_modes=["in_person", "live_online"],
    )
    constraints = Constraints.from_profile(profile, rank_by="hour")
    assert constraints.near == "33602"
    assert constraints.radius_miles == pytest.approx(49.7, abs=0.1)
    assert constraints.budget == Decimal("450.00")
    assert constraints.days == ["saturday", "sunday"]
    assert constraints.modes == ["in_person", "live_online"]
    assert constraints.rank_by == "hour"
    assert Constraints.model_validate({"days": "weekend"}).days == ["saturday", "sunday"]
    with pytest.raises(ValidationError):
        Constraints.model_validate({"modes": "teleport"})
