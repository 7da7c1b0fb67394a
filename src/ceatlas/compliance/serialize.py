"""Plain JSON-ready views of a CE record and its status (for the CLI's --json and the API)."""

from __future__ import annotations

from typing import Any

from ceatlas.compliance.facts import ComplianceStatus
from ceatlas.compliance.service import ChangeView, EntryView, LicenseView
from ceatlas.compliance.words import status_words, verdict_words


def license_json(lic: LicenseView) -> dict[str, Any]:
    return {
        "id": lic.id,
        "kind": lic.kind,
        "jurisdiction": lic.jurisdiction,
        "number": lic.number,
        "cycle_start": lic.cycle_start,
        "cycle_end": lic.cycle_end,
        "first_renewal": lic.first_renewal,
        "issued_on": lic.issued_on,
    }


def entry_json(e: EntryView) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "course_key": e.course_key,
        "provider": e.provider,
        "approvals": e.approvals,
        "completed_on": e.completed_on,
        "hours": str(e.hours),
        "categories": {k: str(v) for k, v in e.categories.items()},
        "format": e.format,
        "notes": e.notes,
        "expires_on": e.expires_on,
        "certificate": (
            {"name": e.certificate_name, "type": e.certificate_type, "size": e.certificate_size}
            if e.certificate_name
            else None
        ),
    }


def change_json(c: ChangeView) -> dict[str, Any]:
    return {
        "id": c.id,
        "at": c.at.isoformat() + "Z",
        "what": c.what,
        "row_id": c.row_id,
        "action": c.action,
        "summary": c.summary,
    }


def status_json(s: ComplianceStatus) -> dict[str, Any]:
    return {
        "jurisdiction": s.jurisdiction,
        "name": s.name,
        "license_id": s.license_id,
        "license_number": s.license_number,
        "cycle_start": s.cycle_start,
        "cycle_end": s.cycle_end,
        "days_left": s.days_left,
        "status": s.status,
        "status_text": status_words(s.status),
        "cycle_kind": s.cycle_kind,
        "summary": s.summary,
        "requirements": [
            {
                "key": r.key,
                "label": r.label,
                "required": None if r.required is None else str(r.required),
                "counted": str(r.counted),
                "uncertain": str(r.uncertain),
                "missing": None if r.missing is None else str(r.missing),
                "surely_missing": None if r.surely_missing is None else str(r.surely_missing),
                "status": r.status,
                "status_text": status_words(r.status),
                "note": r.note,
                "rule": r.rule,
                "settle": r.settle,
            }
            for r in s.requirements
        ],
        "entries": [
            {
                "id": v.entry_id,
                "title": v.title,
                "completed_on": v.completed_on,
                "hours": str(v.hours),
                "counted": str(v.counted),
                "uncertain": str(v.uncertain),
                "verdict": v.verdict,
                "verdict_text": verdict_words(v.verdict),
                "reasons": v.reasons,
            }
            for v in s.entries
        ],
        "online_cap": None if s.online_cap is None else str(s.online_cap),
        "online_cap_known": s.online_cap_known,
        "online_cap_formats": list(s.cap_formats),
        "accepted_approvers": s.accepted_approvers,
        "unknowns": s.unknowns,
        "notes": s.notes,
        "sources": s.sources,
    }
