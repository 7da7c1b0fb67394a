"""The CE record service: field errors, privacy between therapists, certificate limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ceatlas.accounts.service import Accounts
from ceatlas.compliance import CeRecords, ComplianceError, EntryInput
from ceatlas.kb import load_kb

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def records(engine: Engine, tmp_path: Path) -> CeRecords:
    return CeRecords(engine, load_kb(), tmp_path / "data")


def _user(engine: Engine, email: str) -> int:
    return Accounts(engine).sign_up(email, "correct horse battery", "T").id


def _entry(**changes: object) -> EntryInput:
    values: dict[str, object] = {
        "title": "Ethics",
        "completed_on": "2026-05-01",
        "hours": "3",
        "format": "in_person",
        "approvals": ["NCBTMB:1"],
        "categories": ["ethics"],
    }
    values.update(changes)
    return EntryInput(**values)  # type: ignore[arg-type]


def test_another_therapist_sees_nothing(records: CeRecords, engine: Engine) -> None:
    ana, ben = _user(engine, "ana@example.org"), _user(engine, "ben@example.org")
    lic = records.add_license(ana, "FL", cycle_end="2027-08-31")
    entry = records.add_entry(ana, _entry(), TODAY)
    assert records.entries(ben) == []
    assert records.licenses(ben) == []
    for action in (
        lambda: records.entry(ben, entry.id),
        lambda: records.delete_entry(ben, entry.id),
        lambda: records.update_entry(ben, entry.id, _entry(), TODAY),
        lambda: records.delete_license(ben, lic.id),
        lambda: records.attach_certificate(ben, entry.id, "c.pdf", b"%PDF-1", None),
    ):
        with pytest.raises(ComplianceError) as caught:
            action()
        assert caught.value.status == 404
    assert records.entry(ana, entry.id).categories == {"ethics": entry.hours}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"completed_on": "2026-02-30"}, "completed_on"),
        ({"completed_on": "2027-01-01"}, "completed_on"),
        ({"completed_on": "1900-01-01"}, "completed_on"),
        ({"hours": "0"}, "hours"),
        ({"hours": "1.234"}, "hours"),
        ({"format": "podcast"}, "format"),
        ({"categories": ["ethics:9"]}, "categories"),
        ({"approvals": ["XYZ:1"]}, "approvals"),
        ({"course_key": "https://nowhere.example/c"}, "course"),
    ],
)
def test_field_errors(
    records: CeRecords, engine: Engine, changes: dict[str, object], field: str
) -> None:
    user = _user(engine, "ana@example.org")
    with pytest.raises(ComplianceError) as caught:
        records.add_entry(user, _entry(**changes), TODAY)
    assert caught.value.field == field


def test_certificate_type_size_and_storage(records: CeRecords, engine: Engine) -> None:
    user = _user(engine, "ana@example.org")
    entry = records.add_entry(user, _entry(), TODAY)
    with pytest.raises(ComplianceError, match="PDF, PNG or JPEG"):
        records.attach_certificate(user, entry.id, "x.exe", b"MZ\x90\x00", None)
    with pytest.raises(ComplianceError, match="10 MB"):
        records.attach_certificate(user, entry.id, "big.pdf", b"%PDF-" + b"0" * 10_485_760, None)
    stored = records.attach_certificate(
        user, entry.id, "../../c.png", b"\x89PNG\r\n\x1a\nabc", None
    )
    assert stored.certificate_type == "image/png"
    name, kind, data = records.certificate(user, entry.id)
    assert (name, kind, data) == ("c.png", "image/png", b"\x89PNG\r\n\x1a\nabc")
    files = list((records.data_dir / "certificates" / str(user)).iterdir())
    assert len(files) == 1
    records.delete_entry(user, entry.id)
    assert not files[0].exists()


def test_license_rules(records: CeRecords, engine: Engine) -> None:
    user = _user(engine, "ana@example.org")
    records.add_license(user, "fl", cycle_end="2027-08-31")
    with pytest.raises(ComplianceError) as caught:
        records.add_license(user, "FL", cycle_end="2027-08-31")
    assert caught.value.status == 409
    with pytest.raises(ComplianceError, match="national credential"):
        records.add_license(user, "NCBTMB", cycle_end="2027-08-31")
    with pytest.raises(ComplianceError, match="start before it ends"):
        records.add_license(user, "NY", cycle_start="2028-01-01", cycle_end="2027-08-31")
    statuses = records.status(user, TODAY)
    assert [s.jurisdiction for s in statuses] == ["FL"]


def test_an_entry_before_1950_names_its_date(records: CeRecords, engine: Engine) -> None:
    """1900-01-01 was accepted and then counted; no CE record is that old."""
    user = _user(engine, "ana@example.org")
    with pytest.raises(ComplianceError, match="1900-01-01 is before 1950; check the year"):
        records.add_entry(user, _entry(completed_on="1900-01-01"), TODAY)
    assert records.entries(user) == []
    kept = records.add_entry(user, _entry(completed_on="1950-01-01"), TODAY)
    assert kept.completed_on.isoformat() == "1950-01-01"
