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
    lic = records.add_license(ana, "FL", cycle_end="2027-08-31", today=TODAY)
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
    records.add_license(user, "fl", cycle_end="2027-08-31", today=TODAY)
    with pytest.raises(ComplianceError) as caught:
        records.add_license(user, "FL", cycle_end="2027-08-31", today=TODAY)
    assert caught.value.status == 409
    with pytest.raises(ComplianceError, match="national credential"):
        records.add_license(user, "NCBTMB", cycle_end="2027-08-31", today=TODAY)
    with pytest.raises(ComplianceError, match="start before it ends"):
        records.add_license(
            user, "NY", cycle_start="2028-01-01", cycle_end="2027-08-31", today=TODAY
        )
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


def test_a_license_is_edited_with_the_rules_it_was_added_with(
    records: CeRecords, engine: Engine
) -> None:
    """Editing used to skip the checks adding made (issue date after renewal, 101-character
    numbers); now both share one, and a renewal date already past is refused for both."""
    user = _user(engine, "ana@example.org")
    with pytest.raises(ComplianceError) as caught:
        records.add_license(user, "FL", cycle_end="2020-01-01", today=TODAY)
    assert caught.value.field == "cycle_end"
    assert caught.value.message == (
        "the renewal date 2020-01-01 has passed; enter the next renewal date on your license"
    )
    lic = records.add_license(user, "FL", number="MA1", cycle_end="2027-08-31", today=TODAY)
    for changes, field in (
        ({"cycle_end": "2026-11-22"}, "cycle_end"),  # the day before TODAY
        ({"issued_on": "2027-09-01"}, "issued_on"),
        ({"number": "9" * 101}, "number"),
        ({"cycle_start": "2027-08-31"}, "cycle_start"),
        ({"cycle_end": "someday"}, "cycle_end"),
    ):
        with pytest.raises(ComplianceError) as caught:
            records.update_license(user, lic.id, today=TODAY, **changes)
        assert caught.value.field == field, changes
    assert records.license(user, lic.id) == lic  # nothing of a refused edit is kept
    same_day = records.update_license(user, lic.id, today=TODAY, cycle_end="2026-11-23")
    assert same_day.cycle_end == TODAY
    changed = records.update_license(
        user, lic.id, today=TODAY, number="MA2", cycle_end="2029-08-31", first_renewal=True
    )
    assert (changed.number, changed.cycle_end, changed.first_renewal) == (
        "MA2",
        dt.date(2029, 8, 31),
        True,
    )
    assert changed.jurisdiction == "FL"


def test_the_duplicate_message_names_the_license_to_edit(
    records: CeRecords, engine: Engine
) -> None:
    user = _user(engine, "ana@example.org")
    lic = records.add_license(user, "FL", cycle_end="2027-08-31", today=TODAY)
    with pytest.raises(ComplianceError) as caught:
        records.add_license(user, "FL", cycle_end="2029-08-31", today=TODAY)
    assert caught.value.message == f"FL is already recorded (id {lic.id}); edit it instead"
    assert caught.value.row_id == lic.id
    edited = records.update_license(user, lic.id, today=TODAY, cycle_end="2029-08-31")
    assert edited.cycle_end == dt.date(2029, 8, 31)


def test_every_change_is_in_the_history_newest_first(records: CeRecords, engine: Engine) -> None:
    """Each add, change and delete of a license, entry or certificate leaves one line in
    the owner's words; an edit that changes nothing leaves none; another therapist's
    history stays empty."""
    ana, ben = _user(engine, "ana@example.org"), _user(engine, "ben@example.org")
    lic = records.add_license(ana, "FL", number="MA1", cycle_end="2027-08-31", today=TODAY)
    records.update_license(ana, lic.id, today=TODAY, cycle_end="2029-08-31")
    records.update_license(ana, lic.id, today=TODAY, cycle_end="2029-08-31")  # no change
    entry = records.add_entry(
        ana, _entry(title="Ethics for Florida", hours="2", completed_on="2026-03-01"), TODAY
    )
    records.update_entry(
        ana,
        entry.id,
        _entry(title="Ethics for Florida", hours="3", completed_on="2026-03-02"),
        TODAY,
    )
    records.attach_certificate(ana, entry.id, "certificate.pdf", b"%PDF-1.4 a", None)
    records.attach_certificate(ana, entry.id, "scan.png", b"\x89PNG\r\n\x1a\nb", None)
    records.remove_certificate(ana, entry.id)
    records.delete_entry(ana, entry.id)
    records.delete_license(ana, lic.id)
    lines = [(c.what, c.row_id, c.action, c.summary) for c in records.history(ana)]
    assert lines == [
        ("license", lic.id, "deleted", "Deleted the Florida license (MA1), renewal 2029-08-31"),
        (
            "entry",
            entry.id,
            "deleted",
            "Deleted CE entry 'Ethics for Florida' (3 h, completed on 2026-03-02)",
        ),
        (
            "certificate",
            entry.id,
            "deleted",
            "Deleted the certificate of 'Ethics for Florida' (scan.png)",
        ),
        (
            "certificate",
            entry.id,
            "changed",
            "Replaced the certificate of 'Ethics for Florida' (certificate.pdf → scan.png)",
        ),
        (
            "certificate",
            entry.id,
            "added",
            "Added the certificate of 'Ethics for Florida' (certificate.pdf)",
        ),
        (
            "entry",
            entry.id,
            "changed",
            # the category named without hours takes the entry's hours, so it changes too
            "Changed CE entry 'Ethics for Florida': completed on 2026-03-01 → 2026-03-02; "
            "hours 2 → 3; CE categories Ethics 2 h → Ethics 3 h",
        ),
        (
            "entry",
            entry.id,
            "added",
            "Added CE entry 'Ethics for Florida': 2 h, completed on 2026-03-01",
        ),
        (
            "license",
            lic.id,
            "changed",
            "Changed the Florida license (MA1): renewal date 2027-08-31 → 2029-08-31",
        ),
        ("license", lic.id, "added", "Added the Florida license (MA1), renewal 2027-08-31"),
    ]
    assert records.history(ben) == []
    assert all(c.at.tzinfo is None for c in records.history(ana))


def test_a_removed_certificate_is_gone_and_never_anyone_elses(
    records: CeRecords, engine: Engine
) -> None:
    ana, ben = _user(engine, "ana@example.org"), _user(engine, "ben@example.org")
    entry = records.add_entry(ana, _entry(), TODAY)
    records.attach_certificate(ana, entry.id, "c.pdf", b"%PDF-1.4 x", None)
    for action in (
        lambda: records.certificate(ben, entry.id),
        lambda: records.remove_certificate(ben, entry.id),
    ):
        with pytest.raises(ComplianceError) as caught:
            action()
        assert caught.value.status == 404
    (stored,) = (records.data_dir / "certificates" / str(ana)).iterdir()
    kept = records.remove_certificate(ana, entry.id)
    assert kept.certificate_name is None
    assert not stored.exists()
    with pytest.raises(ComplianceError) as caught:
        records.certificate(ana, entry.id)
    assert caught.value.status == 404
    assert records.entry(ana, entry.id).title == "Ethics"
