"""A printable CE transcript (PDF) for audits: every entry, and each license's status."""

from __future__ import annotations

import datetime as dt

from ceatlas.compliance.rules import ComplianceStatus
from ceatlas.compliance.service import EntryView, LicenseView
from ceatlas.exports.pdf import Document


def transcript_pdf(
    name: str,
    email: str,
    licenses: list[LicenseView],
    entries: list[EntryView],
    statuses: list[ComplianceStatus],
    today: dt.date,
) -> bytes:
    doc = Document(f"CE transcript: {name}")
    doc.line_text(f"{email} - printed {today.isoformat()}")
    doc.heading("Licenses and credentials")
    if not licenses:
        doc.line_text("none recorded")
    for lic in licenses:
        cycle = f"{lic.cycle_start or '?'} to {lic.cycle_end or '?'}"
        doc.line_text(
            f"{lic.jurisdiction} {lic.kind} {lic.number or ''}: cycle {cycle}"
            + (" (first renewal)" if lic.first_renewal else "")
        )
    doc.heading("Completed continuing education")
    if not entries:
        doc.line_text("none recorded")
    for e in entries:
        approvals = ", ".join(
            a["authority"] + (f" #{a['number']}" if a.get("number") else "") for a in e.approvals
        )
        categories = ", ".join(f"{k} {v.normalize():f} h" for k, v in e.categories.items())
        doc.line_text(
            f"{e.completed_on.isoformat()}  {e.title} - {e.hours.normalize():f} h", bold=True
        )
        doc.line_text(
            f"{e.provider or 'provider not recorded'}; {e.format.replace('_', ' ')}"
            + (f"; approvals: {approvals}" if approvals else "")
            + (f"; categories: {categories}" if categories else "")
            + ("; certificate on file" if e.certificate_name else "")
        )
    for status in statuses:
        doc.heading(f"{status.name}: {status.status}")
        doc.line_text(status.summary)
        for req in status.requirements:
            required = f"{req.required.normalize():f}" if req.required is not None else "unknown"
            doc.line_text(
                f"- {req.label}: {req.counted.normalize():f} of {required} h ({req.status})"
                + (f"; {req.note}" if req.note else "")
            )
        for line in status.unknowns + status.notes:
            doc.line_text(f"Note: {line}")
        for verdict in status.entries:
            doc.line_text(
                f"  {verdict.title}: {verdict.verdict} ({verdict.counted.normalize():f} h) - "
                + "; ".join(verdict.reasons),
                size=8,
            )
        doc.line_text("Sources: " + " ; ".join(status.sources), size=7)
    return doc.pdf_bytes()
