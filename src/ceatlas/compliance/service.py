"""The CE record service: licenses, credentials, completed CE and certificates of one account.

Every method takes the owner's ``user_id`` and touches only that owner's rows: another
account's row is reported as not found. The CLI and the web app call this service.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import Role, User
from ceatlas.catalog.models import Course, CourseApproval, ProviderApproval
from ceatlas.compliance.errors import ComplianceError
from ceatlas.compliance.facts import ComplianceStatus, EntryFacts, LicenseFacts
from ceatlas.compliance.models import CeChange, CeEntry, CeLicense
from ceatlas.compliance.rules import evaluate
from ceatlas.compliance.words import approval_words, format_words, hours_words
from ceatlas.kb import KnowledgeBase
from ceatlas.kb.models import APPROVER_CODES, Jurisdiction

FORMATS = ("in_person", "live_online", "self_paced")
#: a catalog session's mode as a CE format (a hybrid session is attended in person)
FORMAT_OF_MODE = {
    "in_person": "in_person",
    "hybrid": "in_person",
    "live_online": "live_online",
    "self_paced_online": "self_paced",
}
FORMAT_ALIASES = {
    "in-person": "in_person",
    "live": "in_person",
    "live-online": "live_online",
    "online": "live_online",
    "webinar": "live_online",
    "self-paced": "self_paced",
    "home-study": "self_paced",
    "home_study": "self_paced",
    "self_paced_online": "self_paced",
}
MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
CERTIFICATE_TYPES = {
    "application/pdf": (".pdf", b"%PDF-"),
    "image/png": (".png", b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": (".jpg", b"\xff\xd8\xff"),
}
MAX_HOURS = Decimal("500")
_STATE_APPROVER = re.compile(r"^state:[A-Z]{2}$")


@dataclass(frozen=True)
class LicenseView:
    id: int
    kind: str
    jurisdiction: str
    number: str | None
    cycle_start: dt.date | None
    cycle_end: dt.date | None
    first_renewal: bool
    issued_on: dt.date | None = None


@dataclass(frozen=True)
class EntryView:
    id: int
    title: str
    course_key: str | None
    provider: str | None
    approvals: list[dict[str, str]]
    completed_on: dt.date
    hours: Decimal
    categories: dict[str, Decimal]
    format: str
    notes: str | None
    certificate_name: str | None
    certificate_type: str | None
    certificate_size: int | None
    expires_on: dt.date | None = None


@dataclass(frozen=True)
class ChangeView:
    """One line of a record's audit trail: ``what`` (license, entry, certificate) ``row_id``
    was ``action`` (added, changed, deleted) ``at`` (UTC), as ``summary`` says."""

    id: int
    at: dt.datetime
    what: str
    row_id: int
    action: str
    summary: str


@dataclass
class EntryInput:
    """A completed CE activity as entered; validated by :meth:`CeRecords.add_entry`."""

    title: str = ""
    completed_on: dt.date | str | None = None
    hours: Decimal | str | float | None = None
    format: str = ""
    course_key: str | None = None
    provider: str | None = None
    approvals: list[str] = field(default_factory=list)  # "NCBTMB:451234" or "NCBTMB"
    categories: list[str] = field(default_factory=list)  # "ethics:2" or "ethics"
    notes: str | None = None
    expires_on: dt.date | str | None = None  # a card's expiry date (CPR, BLS)


#: the fields of a license that can be edited, with their words in the audit trail
LICENSE_FIELDS = {
    "number": "number",
    "cycle_start": "cycle start",
    "cycle_end": "renewal date",
    "issued_on": "issue date",
    "first_renewal": "first renewal",
}
#: the words of a CE entry's fields in the audit trail
ENTRY_FIELDS = {
    "title": "title",
    "course_key": "catalog course",
    "provider": "provider",
    "completed_on": "completed on",
    "hours": "hours",
    "format": "format",
    "approvals": "approvals",
    "categories": "CE categories",
    "notes": "notes",
    "expires_on": "card expires on",
}


def _quoted(title: str) -> str:
    return f"'{title}'"


def _value_words(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def catalog_claims(
    claims: list[ProviderApproval | CourseApproval],
) -> tuple[set[str], set[str]]:
    """(verified, declared) authorities of a course's and its provider's approval claims.

    Rejected and expired claims are in neither: they do not count. The therapist's own
    record of an approval (from a certificate) is taken as given, like a verified claim.
    """
    verified = {a.authority for a in claims if a.status == "verified"}
    declared = {a.authority for a in claims if a.status == "declared"}
    return verified, declared


# No CE record is older than this: an earlier date is a typing mistake (1900-01-01 was
# accepted and the page then counted it).
EARLIEST_ENTRY = dt.date(1950, 1, 1)


def _license_view(row: CeLicense) -> LicenseView:
    return LicenseView(
        row.id,
        row.kind,
        row.jurisdiction,
        row.number,
        row.cycle_start,
        row.cycle_end,
        row.first_renewal,
        row.issued_on,
    )


def _entry_view(row: CeEntry) -> EntryView:
    return EntryView(
        id=row.id,
        title=row.title,
        course_key=row.course_key,
        provider=row.provider,
        approvals=[{k: str(v) for k, v in a.items() if v is not None} for a in row.approvals],
        completed_on=row.completed_on,
        hours=row.hours,
        categories={str(c["id"]): Decimal(str(c["hours"])) for c in row.categories},
        format=row.format,
        notes=row.notes,
        certificate_name=row.certificate_name,
        certificate_type=row.certificate_type,
        certificate_size=row.certificate_size,
        expires_on=row.expires_on,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_date(value: dt.date | str | None, name: str, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise ComplianceError("enter a date as YYYY-MM-DD", name)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ComplianceError(f"{value!r} is not a date; use YYYY-MM-DD", name) from None


def parse_hours(
    value: Decimal | str | float | None, name: str = "hours", allow_zero: bool = False
) -> Decimal:
    if value is None or value == "":
        raise ComplianceError("enter the CE hours, e.g. 3 or 1.5", name)
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise ComplianceError(f"{value!r} is not a number of hours", name) from None
    low_ok = hours >= 0 if allow_zero else hours > 0
    if not hours.is_finite() or not low_ok or hours > MAX_HOURS:
        lowest = "0 or more" if allow_zero else "more than 0"
        raise ComplianceError(f"hours must be {lowest} and at most {MAX_HOURS}", name)
    if hours != hours.quantize(Decimal("0.01")):
        raise ComplianceError("use at most two decimals", name)
    return hours.quantize(Decimal("0.01"))


class CeRecords:
    """CE records in ``engine``'s database, with certificates under ``data_dir``."""

    def __init__(self, engine: Engine, kb: KnowledgeBase, data_dir: Path) -> None:
        self.engine = engine
        self.kb = kb
        self.data_dir = data_dir

    # --- accounts --------------------------------------------------------------------

    def therapist_id(self, email: str) -> int:
        """The id of the therapist account with this e-mail (the CLI's ``--account``)."""
        address = email.strip().lower()
        with Session(self.engine) as session:
            user = session.scalar(select(User).where(User.email == address))
            if user is None:
                raise ComplianceError(f"no account with e-mail {address!r}", "account", 404)
            if user.role is not Role.THERAPIST:
                raise ComplianceError("CE records belong to therapist accounts", "account")
            return user.id

    # --- licenses and credentials ------------------------------------------------------

    def _jurisdiction(self, code: str, kind: str) -> str:
        wanted = code.strip()
        found = self.kb.jurisdictions.get(wanted.upper()) or self.kb.get("jurisdiction", wanted)
        field_name = "jurisdiction" if kind == "license" else "credential"
        entry = found if isinstance(found, Jurisdiction) else None
        if entry is None:
            raise ComplianceError(f"unknown jurisdiction {code!r}", field_name)
        national = entry.kind == "national"
        if kind == "license" and national:
            raise ComplianceError(f"{entry.id} is a national credential, not a license", field_name)
        if kind == "credential" and not national:
            raise ComplianceError(
                f"{entry.id} is a state; national credentials are NCBTMB and AMTA", field_name
            )
        return str(entry.id)

    def _license_values(
        self,
        kind: str,
        code: str,
        number: str | None,
        cycle_start: dt.date | str | None,
        cycle_end: dt.date | str | None,
        first_renewal: bool,
        issued_on: dt.date | str | None,
        today: dt.date,
    ) -> dict[str, Any]:
        """The checked columns of a license being added or edited (one rule for both)."""
        start = parse_date(cycle_start, "cycle_start", required=False)
        end = parse_date(cycle_end, "cycle_end", required=False)
        if end is None:
            raise ComplianceError("enter the renewal date as YYYY-MM-DD", "cycle_end")
        if end < today:
            raise ComplianceError(
                f"the renewal date {end.isoformat()} has passed; enter the next renewal "
                "date on your license",
                "cycle_end",
            )
        if start is not None and start >= end:
            raise ComplianceError("the cycle must start before it ends", "cycle_start")
        issued = parse_date(issued_on, "issued_on", required=False)
        if issued is not None and issued >= end:
            raise ComplianceError("the license must be issued before its renewal date", "issued_on")
        if issued is not None and issued > today:
            raise ComplianceError(
                f"the issue date {issued.isoformat()} is in the future", "issued_on"
            )
        if issued is not None and issued < EARLIEST_ENTRY:
            raise ComplianceError(
                f"the issue date {issued.isoformat()} is before {EARLIEST_ENTRY.year}; "
                "check the year",
                "issued_on",
            )
        cleaned = (number or "").strip() or None
        if cleaned is not None and len(cleaned) > 100:
            raise ComplianceError("use at most 100 characters", "number")
        return {
            "kind": kind,
            "jurisdiction": code,
            "number": cleaned,
            "cycle_start": start,
            "cycle_end": end,
            "first_renewal": bool(first_renewal),
            "issued_on": issued,
        }

    def add_license(
        self,
        user_id: int,
        jurisdiction: str,
        *,
        kind: str = "license",
        number: str | None = None,
        cycle_start: dt.date | str | None = None,
        cycle_end: dt.date | str | None = None,
        first_renewal: bool = False,
        issued_on: dt.date | str | None = None,
        today: dt.date | None = None,
    ) -> LicenseView:
        """Record a state license (``kind="license"``) or national credential.

        The renewal date may not have passed on ``today`` (default: the real today)."""
        if kind not in ("license", "credential"):
            raise ComplianceError("kind must be license or credential", "kind")
        code = self._jurisdiction(jurisdiction, kind)
        values = self._license_values(
            kind,
            code,
            number,
            cycle_start,
            cycle_end,
            first_renewal,
            issued_on,
            today or dt.date.today(),
        )
        row = CeLicense(user_id=user_id, created_at=_now(), **values)
        with Session(self.engine) as session:
            duplicate = session.scalar(
                select(CeLicense.id).where(
                    CeLicense.user_id == user_id, CeLicense.jurisdiction == code
                )
            )
            if duplicate is not None:
                raise ComplianceError(
                    f"{code} is already recorded (id {duplicate}); edit it instead",
                    "jurisdiction",
                    409,
                    row_id=duplicate,
                )
            session.add(row)
            session.flush()
            self._log(session, user_id, "license", row.id, "added", self._license_added(row))
            session.commit()
            return _license_view(row)

    def update_license(
        self, user_id: int, license_id: int, today: dt.date | None = None, **changes: Any
    ) -> LicenseView:
        """Change a license's ``number``, ``cycle_start``, ``cycle_end``, ``issued_on`` or
        ``first_renewal`` (those given; the others keep their value), checked as when added."""
        unknown = set(changes) - set(LICENSE_FIELDS)
        if unknown:
            raise ComplianceError(f"a license has no field {sorted(unknown)[0]!r}", "id")
        with Session(self.engine) as session:
            row = self._own(session, CeLicense, user_id, license_id, "license")
            current = {name: getattr(row, name) for name in LICENSE_FIELDS}
            merged = {**current, **changes}
            values = self._license_values(
                row.kind,
                row.jurisdiction,
                merged["number"],
                merged["cycle_start"],
                merged["cycle_end"],
                merged["first_renewal"],
                merged["issued_on"],
                today or dt.date.today(),
            )
            differences = [
                self._license_difference(name, current[name], values[name])
                for name in LICENSE_FIELDS
                if current[name] != values[name]
            ]
            before = self._license_name(row)  # as the therapist knew it
            for name in LICENSE_FIELDS:
                setattr(row, name, values[name])
            if differences:
                summary = f"Changed {before}: " + "; ".join(differences)
                self._log(session, user_id, "license", row.id, "changed", summary)
            session.commit()
            return _license_view(row)

    def delete_license(self, user_id: int, license_id: int) -> None:
        with Session(self.engine) as session:
            row = self._own(session, CeLicense, user_id, license_id, "license")
            summary = f"Deleted {self._license_name(row)}" + (
                f", renewal {row.cycle_end.isoformat()}" if row.cycle_end else ""
            )
            self._log(session, user_id, "license", row.id, "deleted", summary)
            session.delete(row)
            session.commit()

    def license(self, user_id: int, license_id: int) -> LicenseView:
        with Session(self.engine) as session:
            return _license_view(self._own(session, CeLicense, user_id, license_id, "license"))

    def licenses(self, user_id: int) -> list[LicenseView]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(CeLicense)
                .where(CeLicense.user_id == user_id)
                .order_by(CeLicense.kind.desc(), CeLicense.jurisdiction)
            )
            return [_license_view(r) for r in rows]

    # --- completed CE ----------------------------------------------------------------

    def _validate(self, data: EntryInput, today: dt.date) -> dict[str, Any]:
        title = data.title.strip()
        course_key = (data.course_key or "").strip() or None
        provider = (data.provider or "").strip() or None
        if course_key is not None:
            with Session(self.engine) as session:
                course = session.scalar(select(Course).where(Course.key == course_key))
                if course is None:
                    raise ComplianceError(f"no catalog course with key {course_key!r}", "course")
                title = title or course.title
                if provider is None and course.provider is not None:
                    provider = course.provider.name
        if not title or len(title) > 500:
            raise ComplianceError("enter a title of 1 to 500 characters", "title")
        if provider is not None and len(provider) > 300:
            raise ComplianceError("use at most 300 characters", "provider")
        completed = parse_date(data.completed_on, "completed_on")
        assert completed is not None
        if completed > today:
            raise ComplianceError("the completion date cannot be in the future", "completed_on")
        if completed < EARLIEST_ENTRY:
            raise ComplianceError(
                f"the completion date {completed.isoformat()} is before "
                f"{EARLIEST_ENTRY.year}; check the year",
                "completed_on",
            )
        hours = parse_hours(data.hours, allow_zero=True)
        named = {c.rpartition(":")[0] if ":" in c else c for c in data.categories if c.strip()}
        if hours == 0 and not (named and named <= self._card_categories()):
            raise ComplianceError(
                "hours must be more than 0 (0 only for the record of a card or check, such as "
                "CPR, BLS or a background check: give its category)",
                "hours",
            )
        expires = parse_date(data.expires_on, "expires_on", required=False)
        if expires is not None and expires < completed:
            raise ComplianceError("a card cannot expire before it was issued", "expires_on")
        fmt = data.format.strip().lower()
        fmt = FORMAT_ALIASES.get(fmt, fmt)
        if fmt not in FORMATS:
            raise ComplianceError(
                f"format must be one of {', '.join(FORMATS)}, got {data.format!r}", "format"
            )
        approvals = [self._approval(text) for text in data.approvals if text.strip()]
        categories = self._categories(data.categories, hours)
        notes = (data.notes or "").strip() or None
        return {
            "title": title,
            "course_key": course_key,
            "provider": provider,
            "completed_on": completed,
            "hours": hours,
            "format": fmt,
            "approvals": approvals,
            "categories": categories,
            "notes": notes,
            "expires_on": expires,
        }

    def _card_categories(self) -> set[str]:
        """Categories that prove a checklist item (a CPR card...): such records may have 0 h."""
        return {
            evidence for jur in self.kb.jurisdictions.values() for evidence in jur.check_evidence()
        }

    @staticmethod
    def _approval(text: str) -> dict[str, str]:
        authority, _, number = text.strip().partition(":")
        authority = authority.strip()
        if authority.lower() == "state":  # "state:FL:1234"
            state, _, number = number.partition(":")
            authority = f"state:{state.strip().upper()}"
        elif authority.upper() in APPROVER_CODES - {"other"}:
            authority = authority.upper()
        elif authority.lower() in ("other", "school"):
            authority = authority.lower()
        if authority not in APPROVER_CODES and not _STATE_APPROVER.match(authority):
            raise ComplianceError(
                f"unknown approver {authority!r}: use NCBTMB, FSMTB, AMTA, ABMP, AMMA, "
                "state:XX, school or other, optionally followed by :NUMBER",
                "approvals",
            )
        approval = {"authority": authority}
        if number.strip():
            approval["number"] = number.strip()[:100]
        return approval

    def _categories(self, items: list[str], hours: Decimal) -> list[dict[str, str]]:
        found: dict[str, Decimal] = {}
        for text in items:
            if not text.strip():
                continue
            name, _, amount = text.rpartition(":") if ":" in text else (text, "", "")
            entry = self.kb.get("category", name.strip())
            if entry is None:
                raise ComplianceError(f"unknown CE category {name.strip()!r}", "categories")
            share = parse_hours(amount, "categories", allow_zero=True) if amount.strip() else hours
            if share > hours:
                raise ComplianceError(
                    f"{entry.id}: {share} h is more than the entry's {hours} h", "categories"
                )
            found[entry.id] = share
        return [{"id": k, "hours": str(v)} for k, v in found.items()]

    def add_entry(self, user_id: int, data: EntryInput, today: dt.date | None = None) -> EntryView:
        values = self._validate(data, today or dt.date.today())
        row = CeEntry(user_id=user_id, created_at=_now(), **values)
        with Session(self.engine) as session:
            session.add(row)
            session.flush()
            summary = (
                f"Added CE entry {_quoted(row.title)}: {hours_words(row.hours)}, "
                f"completed on {row.completed_on.isoformat()}"
            )
            self._log(session, user_id, "entry", row.id, "added", summary)
            session.commit()
            return _entry_view(row)

    def update_entry(
        self, user_id: int, entry_id: int, data: EntryInput, today: dt.date | None = None
    ) -> EntryView:
        values = self._validate(data, today or dt.date.today())
        with Session(self.engine) as session:
            row = self._own(session, CeEntry, user_id, entry_id, "entry")
            before = _quoted(row.title)
            differences = [
                self._entry_difference(key, getattr(row, key), value)
                for key, value in values.items()
                if getattr(row, key) != value
            ]
            for key, value in values.items():
                setattr(row, key, value)
            if differences:
                summary = f"Changed CE entry {before}: " + "; ".join(differences)
                self._log(session, user_id, "entry", row.id, "changed", summary)
            session.commit()
            return _entry_view(row)

    def delete_entry(self, user_id: int, entry_id: int) -> None:
        with Session(self.engine) as session:
            row = self._own(session, CeEntry, user_id, entry_id, "entry")
            path = row.certificate_path
            summary = (
                f"Deleted CE entry {_quoted(row.title)} ({hours_words(row.hours)}, completed on "
                f"{row.completed_on.isoformat()})"
                + (f" and its certificate ({row.certificate_name})" if path else "")
            )
            self._log(session, user_id, "entry", row.id, "deleted", summary)
            session.delete(row)
            session.commit()
        if path:
            (self.data_dir / path).unlink(missing_ok=True)

    def entries(self, user_id: int) -> list[EntryView]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(CeEntry)
                .where(CeEntry.user_id == user_id)
                .order_by(CeEntry.completed_on, CeEntry.id)
            )
            return [_entry_view(r) for r in rows]

    def entry(self, user_id: int, entry_id: int) -> EntryView:
        with Session(self.engine) as session:
            return _entry_view(self._own(session, CeEntry, user_id, entry_id, "entry"))

    # --- certificates ----------------------------------------------------------------

    @staticmethod
    def check_certificate(data: bytes, content_type: str | None = None) -> str:
        """The certificate's media type, or :class:`ComplianceError` (field
        ``certificate``) when it is empty, over 10 MB, or not a PDF, PNG or JPEG. Forms
        check it before saving anything, so a refused file never leaves an entry behind."""
        if not data:
            raise ComplianceError("the certificate file is empty", "certificate")
        if len(data) > MAX_CERTIFICATE_BYTES:
            raise ComplianceError("the certificate must be at most 10 MB", "certificate")
        kind = next(
            (t for t, (_, magic) in CERTIFICATE_TYPES.items() if data.startswith(magic)), None
        )
        if kind is None or (
            content_type and content_type not in (kind, "application/octet-stream")
        ):
            raise ComplianceError("the certificate must be a PDF, PNG or JPEG file", "certificate")
        return kind

    def attach_certificate(
        self, user_id: int, entry_id: int, filename: str, data: bytes, content_type: str | None
    ) -> EntryView:
        """Store a certificate (PDF, PNG or JPEG, at most 10 MB) for an entry."""
        kind = self.check_certificate(data, content_type)
        suffix = CERTIFICATE_TYPES[kind][0]
        name = Path(filename).name[:255] or f"certificate{suffix}"
        relative = (
            Path("certificates") / str(user_id) / f"{entry_id}-{secrets.token_hex(8)}{suffix}"
        )
        with Session(self.engine) as session:
            row = self._own(session, CeEntry, user_id, entry_id, "entry")
            target = self.data_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            old = row.certificate_path
            if old:
                summary = (
                    f"Replaced the certificate of {_quoted(row.title)} "
                    f"({row.certificate_name} → {name})"
                )
            else:
                summary = f"Added the certificate of {_quoted(row.title)} ({name})"
            self._log(
                session, user_id, "certificate", row.id, "changed" if old else "added", summary
            )
            row.certificate_path = str(relative)
            row.certificate_name = name
            row.certificate_type = kind
            row.certificate_size = len(data)
            session.commit()
            view = _entry_view(row)
        if old and old != str(relative):
            (self.data_dir / old).unlink(missing_ok=True)
        return view

    def certificate(self, user_id: int, entry_id: int) -> tuple[str, str, bytes]:
        """(file name, media type, bytes) of an entry's certificate."""
        with Session(self.engine) as session:
            row = self._own(session, CeEntry, user_id, entry_id, "entry")
            if not row.certificate_path:
                raise ComplianceError("this entry has no certificate", "certificate", 404)
            try:
                data = (self.data_dir / row.certificate_path).read_bytes()
            except FileNotFoundError:
                raise ComplianceError(
                    "the certificate file is missing; upload it again", "certificate", 404
                ) from None
            return row.certificate_name or "certificate", row.certificate_type or "", data

    def remove_certificate(self, user_id: int, entry_id: int) -> EntryView:
        """Delete an entry's certificate (the file too); the entry stays."""
        with Session(self.engine) as session:
            row = self._own(session, CeEntry, user_id, entry_id, "entry")
            path = row.certificate_path
            if not path:
                raise ComplianceError("this entry has no certificate", "certificate", 404)
            summary = f"Deleted the certificate of {_quoted(row.title)} ({row.certificate_name})"
            self._log(session, user_id, "certificate", row.id, "deleted", summary)
            row.certificate_path = None
            row.certificate_name = None
            row.certificate_type = None
            row.certificate_size = None
            session.commit()
            view = _entry_view(row)
        (self.data_dir / path).unlink(missing_ok=True)
        return view

    # --- audit trail -----------------------------------------------------------------

    def history(self, user_id: int) -> list[ChangeView]:
        """Every change to this owner's record, newest first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(CeChange)
                .where(CeChange.user_id == user_id)
                .order_by(CeChange.at.desc(), CeChange.id.desc())
            )
            return [ChangeView(r.id, r.at, r.what, r.row_id, r.action, r.summary) for r in rows]

    @staticmethod
    def _log(
        session: Session, user_id: int, what: str, row_id: int, action: str, summary: str
    ) -> None:
        session.add(
            CeChange(
                user_id=user_id,
                at=_now(),
                what=what,
                row_id=row_id,
                action=action,
                summary=summary,
            )
        )

    def _license_name(self, row: CeLicense) -> str:
        """'the Florida license (MA123)', 'the NCBTMB credential'."""
        place = self.names().get(row.jurisdiction, row.jurisdiction)
        number = f" ({row.number})" if row.number else ""
        return f"the {place} {row.kind}{number}"

    def _license_added(self, row: CeLicense) -> str:
        text = f"Added {self._license_name(row)}"
        if row.cycle_end is not None:
            text += f", renewal {row.cycle_end.isoformat()}"
        return text

    @staticmethod
    def _license_difference(name: str, old: Any, new: Any) -> str:
        label = LICENSE_FIELDS[name]
        if name == "first_renewal":
            return f"{label}: {'yes' if old else 'no'} → {'yes' if new else 'no'}"
        return f"{label} {_value_words(old)} → {_value_words(new)}"

    def _entry_difference(self, name: str, old: Any, new: Any) -> str:
        label = ENTRY_FIELDS.get(name, name.replace("_", " "))
        if name == "notes":
            return "notes changed"
        if name == "hours":
            return f"hours {old.normalize():f} → {new.normalize():f}"
        if name == "format":
            return f"{label} {format_words(old)} → {format_words(new)}"
        if name == "approvals":
            return f"{label} {self._approvals_words(old)} → {self._approvals_words(new)}"
        if name == "categories":
            return f"{label} {self._categories_words(old)} → {self._categories_words(new)}"
        if name == "title":
            return f"{label} {_quoted(old)} → {_quoted(new)}"
        return f"{label} {_value_words(old)} → {_value_words(new)}"

    def _approvals_words(self, approvals: list[dict[str, Any]]) -> str:
        names = self.names()
        return (
            ", ".join(
                approval_words(str(a["authority"]), names)
                + (f" #{a['number']}" if a.get("number") else "")
                for a in approvals
            )
            or "none"
        )

    def _categories_words(self, categories: list[dict[str, Any]]) -> str:
        names = self.names()
        return (
            ", ".join(
                f"{names.get(str(c['id']), str(c['id']))} {hours_words(Decimal(str(c['hours'])))}"
                for c in categories
            )
            or "none"
        )

    # --- evaluation ------------------------------------------------------------------

    def facts(self, user_id: int) -> tuple[list[LicenseFacts], list[EntryFacts]]:
        """The record as the pure rules engine takes it (approvals from the catalog added)."""
        licenses = [
            LicenseFacts(
                lic.jurisdiction,
                lic.cycle_start,
                lic.cycle_end,
                lic.first_renewal,
                lic.number,
                lic.id,
                lic.issued_on,
            )
            for lic in self.licenses(user_id)
        ]
        entries = self.entries(user_id)
        keys = {e.course_key for e in entries if e.course_key}
        catalog: dict[str, tuple[set[str], set[str]]] = {}
        if keys:
            with Session(self.engine) as session:
                for course in session.scalars(select(Course).where(Course.key.in_(keys))):
                    claims: list[ProviderApproval | CourseApproval] = [*course.approvals]
                    if course.provider is not None:
                        claims += course.provider.approvals
                    catalog[course.key] = catalog_claims(claims)
        facts = []
        for e in entries:
            own = {a["authority"] for a in e.approvals}
            verified, declared = catalog.get(e.course_key or "", (set(), set()))
            facts.append(
                EntryFacts(
                    id=e.id,
                    title=e.title,
                    completed_on=e.completed_on,
                    hours=e.hours,
                    format=e.format,
                    categories=e.categories,
                    approvers=frozenset(own | verified | declared),
                    provider=e.provider,
                    expires_on=e.expires_on,
                    unchecked=frozenset(declared - verified - own),
                )
            )
        return licenses, facts

    def names(self) -> dict[str, str]:
        """Names of jurisdictions and CE categories by id, for printouts."""
        out = {j.id: j.name for j in self.kb.jurisdictions.values()}
        out.update({c.id: c.name for c in self.kb.categories.values()})
        return out

    def status(self, user_id: int, today: dt.date | None = None) -> list[ComplianceStatus]:
        """Each license's and credential's status for its current cycle."""
        day = today or dt.date.today()
        licenses, entries = self.facts(user_id)
        names = {c.id: c.name for c in self.kb.categories.values()}
        return [
            evaluate(self.kb.jurisdictions[lic.jurisdiction], lic, entries, day, names)
            for lic in licenses
        ]

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _own(session: Session, model: Any, user_id: int, row_id: int, what: str) -> Any:
        row = session.get(model, row_id)
        if row is None or row.user_id != user_id:
            raise ComplianceError(f"no {what} with id {row_id}", "id", 404)
        return row
