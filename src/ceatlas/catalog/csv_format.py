"""The catalog CSV format: one row a session, the course's columns repeated on each row.

A course with no sessions is one row whose session columns are empty. List cells separate
items with ``;``; approvals are ``AUTHORITY:number:valid-until``; prerequisites are
``kind:value`` (kind is course, competency or credential); meeting patterns are
``Sat,Sun 09:00-17:00`` (several separated by ``;``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ceatlas.catalog import parsing as p
from ceatlas.catalog.records import CourseRecord, ProviderRecord, RecordError, SessionRecord
from ceatlas.catalog.schemaorg_read import (
    SESSION_FIELDS,
    _provider_key,
    _provider_values,
    check_session,
    normalise_authority,
)
from ceatlas.catalog.vocabulary import TermMapper

PROVIDER_COLUMNS = (
    "provider_key",
    "provider_name",
    "provider_kind",
    "provider_url",
    "provider_email",
    "provider_phone",
    "provider_street",
    "provider_city",
    "provider_region",
    "provider_postal_code",
    "provider_country",
    "provider_approvals",
    "provider_sample",
)
COURSE_COLUMNS = (
    "course_key",
    "title",
    "description",
    "course_code",
    "course_url",
    "ce_hours",
    "level",
    "language",
    "techniques",
    "conditions",
    "body_regions",
    "competencies",
    "ce_categories",
    "prerequisites",
    "credential_awarded",
    "course_workload_hours",
    "course_approvals",
)
SESSION_COLUMNS = ("session_key", *SESSION_FIELDS)
HEADER = PROVIDER_COLUMNS + COURSE_COLUMNS + SESSION_COLUMNS
REQUIRED = ("course_key", "title")


def _cell(row: dict[str, str], name: str) -> str | None:
    value = row.get(name)
    return value.translate(p.CONTROL).strip() or None if value is not None else None


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _field(name: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except RecordError as error:
        raise RecordError(name, error.reason) from None


def _approvals(cell: str | None) -> list[dict[str, Any]]:
    found = []
    for item in _split(cell):
        parts = item.split(":")
        if parts[0].lower() in {"state", "other"} and len(parts) > 1:
            parts = [f"{parts[0]}:{parts[1]}", *parts[2:]]
        authority, name = normalise_authority(parts[0])
        found.append(
            {
                "authority": authority,
                "authority_name": name,
                "number": parts[1] if len(parts) > 1 and parts[1] else None,
                "valid_until": p.date_only(parts[2]) if len(parts) > 2 and parts[2] else None,
            }
        )
    return found


def _prerequisites(cell: str | None) -> list[dict[str, Any]]:
    found = []
    for item in _split(cell):
        kind, _, value = item.partition(":")
        if kind not in {"course", "competency", "credential"} or not value:
            raise RecordError(
                "", f"expected kind:value with kind course, competency or credential, got {item!r}"
            )
        found.append({"kind": kind, "value": value})
    return found


def _meetings(cell: str | None) -> list[dict[str, Any]]:
    found = []
    for item in _split(cell):
        days_part, _, hours = item.partition(" ")
        start, _, end = hours.partition("-")
        found.append(
            {
                "days": [p.weekday(d) for d in days_part.split(",") if d],
                "start_time": p.clock(start).strftime("%H:%M") if start else None,  # type: ignore[union-attr]
                "end_time": p.clock(end).strftime("%H:%M") if end else None,  # type: ignore[union-attr]
            }
        )
    return found


#: the stand-ins ``errors="surrogateescape"`` leaves for bytes that are not UTF-8
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


class CsvReader:
    def __init__(self, terms: TermMapper) -> None:
        self.terms = terms

    def rows(self, stream: io.TextIOBase) -> Iterator[tuple[int, CourseRecord | RecordError]]:
        """Yield (line number, record or error) for each data row."""
        reader = csv.DictReader(stream)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            yield (
                1,
                RecordError(
                    "header", f"missing column(s) {', '.join(missing)}; see the documented header"
                ),
            )
            return
        unknown = [c for c in header if c not in HEADER]
        if unknown:
            yield 1, RecordError("header", f"unknown column(s) {', '.join(unknown)}")
            return
        for row in reader:
            line = reader.line_num
            if None in row:
                yield line, RecordError("", "more cells than header columns")
                continue
            spoiled = next((k for k, v in row.items() if v and _NOT_UTF8.search(v)), None)
            if spoiled is not None:
                yield (
                    line,
                    RecordError(spoiled, "holds a byte that is not UTF-8; save the file as UTF-8"),
                )
                continue
            try:
                yield line, self.record(row)
            except RecordError as error:
                yield line, error

    def _terms(self, kind: str, cell: str | None) -> list[str]:
        found: list[str] = []
        for word in _split(cell):
            mapped = self.terms.map(kind, word)
            if mapped not in found:
                found.append(mapped)
        return found

    def record(self, row: dict[str, str]) -> CourseRecord:
        provider = self._provider(row)
        key = _cell(row, "course_key")
        title = _field("title", lambda v: p.bounded(p.text(v), 500), _cell(row, "title"))
        if not key or not title:
            raise RecordError("course_key" if not key else "title", "is required")
        values = {
            "title": title,
            "description": p.long_text(row.get("description")),
            "course_code": _cell(row, "course_code"),
            "ce_hours": _field("ce_hours", p.decimal, _cell(row, "ce_hours")),
            "level": (_cell(row, "level") or "").lower() or None,
            "language": _cell(row, "language"),
            "techniques": self._terms("techniques", _cell(row, "techniques")),
            "conditions": self._terms("conditions", _cell(row, "conditions")),
            "body_regions": _split(_cell(row, "body_regions")),
            "competencies": self._terms("competencies", _cell(row, "competencies")),
            "ce_categories": self._terms("categories", _cell(row, "ce_categories")),
            "prerequisites": _field("prerequisites", _prerequisites, _cell(row, "prerequisites")),
            "credential_awarded": _cell(row, "credential_awarded"),
            "workload_hours": _field(
                "course_workload_hours", p.decimal, _cell(row, "course_workload_hours")
            ),
            "url": _cell(row, "course_url"),
        }
        approvals = _field("course_approvals", _approvals, _cell(row, "course_approvals"))
        sessions = [self._session(row)] if _cell(row, "session_key") or _cell(row, "mode") else []
        return CourseRecord(key, values, provider, approvals, sessions)

    def _provider(self, row: dict[str, str]) -> ProviderRecord | None:
        name = _cell(row, "provider_name")
        key = _cell(row, "provider_key")
        if name is None:
            return ProviderRecord(key, {}, ref_only=True) if key else None
        url = _cell(row, "provider_url")
        kind = (_cell(row, "provider_kind") or "organization").lower()
        if kind not in {"organization", "person"}:
            raise RecordError("provider_kind", f"expected organization or person, got {kind!r}")
        values = _provider_values(
            name=name,
            kind=kind,
            url=url,
            email=_cell(row, "provider_email"),
            phone=_cell(row, "provider_phone"),
            street=_cell(row, "provider_street"),
            city=_cell(row, "provider_city"),
            region=_cell(row, "provider_region"),
            postal_code=_cell(row, "provider_postal_code"),
            country=_cell(row, "provider_country"),
            is_sample=(_cell(row, "provider_sample") or "").lower() in {"1", "true", "yes"},
        )
        approvals = _field("provider_approvals", _approvals, _cell(row, "provider_approvals"))
        return ProviderRecord(key or _provider_key(None, url, name), values, approvals)

    def _session(self, row: dict[str, str]) -> SessionRecord:
        key = _cell(row, "session_key")
        if key is None:
            raise RecordError("session_key", "is required when a row has a session")
        words = p.mode_words(_cell(row, "mode"))
        values: dict[str, Any] = dict.fromkeys(SESSION_FIELDS)
        for name in (
            "start_date",
            "end_date",
            "registration_opens",
            "registration_deadline",
            "early_price_until",
        ):
            values[name] = _field(name, p.date_only, _cell(row, name))
        for name in ("start_time", "end_time"):
            values[name] = _field(name, p.clock, _cell(row, name))
        for name in ("workload_hours", "hands_on_hours", "supervised_hours"):
            values[name] = _field(name, p.decimal, _cell(row, name))
        for name in ("price", "early_price", "member_price"):
            values[name] = _field(name, p.money, _cell(row, name))
        for name in ("access_days", "seats_total", "seats_remaining"):
            values[name] = _field(name, p.integer, _cell(row, name))
        for name in (
            "venue",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "registration_url",
        ):
            values[name] = _cell(row, name)
        values["timezone"] = _field("timezone", p.timezone_name, _cell(row, "timezone"))
        values["currency"] = _field("currency", p.currency, _cell(row, "currency"))
        values["latitude"], values["longitude"] = _field(
            "latitude",
            lambda _: p.latitude_longitude(_cell(row, "latitude"), _cell(row, "longitude")),
            None,
        )
        values["meeting_pattern"] = _field(
            "meeting_pattern", _meetings, _cell(row, "meeting_pattern")
        )
        values["instructors"] = _split(_cell(row, "instructors"))
        mode = p.session_mode(
            words,
            has_place=bool(values["venue"] or values["city"]),
            has_clock=values["start_time"] is not None,
        )
        if mode is None:
            raise RecordError(
                "mode", "expected self_paced_online, live_online, in_person or hybrid"
            )
        values["mode"] = mode
        _field("start_date", check_session, values)
        return SessionRecord(key, values)


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date | dt.time):
        text = value.isoformat()
        return (
            text[:5] if len(text) == 8 and text.endswith(":00") and text.count(":") == 2 else text
        )
    return str(value)


def _format_approvals(approvals: list[dict[str, Any]]) -> str:
    parts = []
    for a in approvals:
        authority = (
            a["authority"] if a["authority"] != "other" else f"other:{a['authority_name'] or ''}"
        )
        parts.append(
            ":".join([authority, a["number"] or "", _format(a["valid_until"])]).rstrip(":")
        )
    return "; ".join(parts)


def _format_meetings(meetings: list[dict[str, Any]]) -> str:
    parts = []
    for m in meetings:
        days = ",".join(d[:3] for d in m["days"])
        hours = (
            f"{m['start_time'] or ''}-{m['end_time'] or ''}"
            if m["start_time"] or m["end_time"]
            else ""
        )
        parts.append(f"{days} {hours}".strip())
    return "; ".join(parts)


def format_row(
    provider: dict[str, Any] | None, course: dict[str, Any], session: dict[str, Any] | None
) -> list[str]:
    """One CSV row from plain dicts of column values (as the store holds them)."""
    cells: dict[str, Any] = {}
    if provider:
        for column in PROVIDER_COLUMNS:
            cells[column] = provider.get(column.removeprefix("provider_"), provider.get(column))
        cells["provider_key"] = provider["key"]
        cells["provider_approvals"] = _format_approvals(provider["approvals"])
        cells["provider_sample"] = provider["is_sample"]
    for column in COURSE_COLUMNS:
        cells[column] = course.get(column)
    cells["course_key"] = course["key"]
    cells["course_url"] = course["url"]
    cells["course_workload_hours"] = course["workload_hours"]
    for column in ("techniques", "conditions", "body_regions", "competencies", "ce_categories"):
        cells[column] = "; ".join(course[column])
    cells["prerequisites"] = "; ".join(f"{x['kind']}:{x['value']}" for x in course["prerequisites"])
    cells["course_approvals"] = _format_approvals(course["approvals"])
    if session:
        for column in SESSION_COLUMNS:
            cells[column] = session.get(column)
        cells["session_key"] = session["key"]
        cells["meeting_pattern"] = _format_meetings(session["meeting_pattern"])
        cells["instructors"] = "; ".join(session["instructors"])
    return [_format(cells.get(column)) for column in HEADER]
