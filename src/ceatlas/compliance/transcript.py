"""A printable CE transcript (PDF) for audits: every entry, and each license's status."""

from __future__ import annotations

import datetime as dt

from ceatlas.compliance.facts import ComplianceStatus
from ceatlas.compliance.service import ChangeView, EntryView, LicenseView
from ceatlas.compliance.words import (
    approval_words,
    format_words,
    hours_words,
    status_words,
    verdict_words,
)
from ceatlas.exports.pdf import Document


def transcript_pdf(
    name: str,
    email: str,
    licenses: list[LicenseView],
    entries: list[EntryView],
    statuses: list[ComplianceStatus],
    today: dt.date,
    names: dict[str, str] | None = None,
    changes: list[ChangeView] | None = None,
) -> bytes:
    """The PDF. ``names`` maps jurisdiction codes and category ids to their names; with
    ``changes`` (the record's audit trail), a last section lists them, newest first."""
    words = names or {}
    doc = Document(f"CE transcript: {name}")
    doc.line_text(f"{email} - printed {today.isoformat()}")
    doc.heading("Licenses and credentials")
    if not licenses:
        doc.line_text("none recorded")
    for lic in licenses:
        cycle = (
            f"cycle {lic.cycle_start} to {lic.cycle_end}"
            if lic.cycle_start
            else f"renews {lic.cycle_end}"
        )
        number = f" {lic.number}" if lic.number else ""
        doc.line_text(
            f"{words.get(lic.jurisdiction, lic.jurisdiction)} {lic.kind}{number}: {cycle}"
            + (f", issued {lic.issued_on}" if lic.issued_on else "")
            + (" (first renewal)" if lic.first_renewal else "")
        )
    doc.heading("Completed continuing education")
    if not entries:
        doc.line_text("none recorded")
    for e in entries:
        approvals = ", ".join(
            approval_words(a["authority"], words) + (f" #{a['number']}" if a.get("number") else "")
            for a in e.approvals
        )
        categories = ", ".join(
            f"{words.get(k, k.replace('-', ' '))} {hours_words(v)}" for k, v in e.categories.items()
        )
        doc.line_text(
            f"{e.completed_on.isoformat()}  {e.title} - {e.hours.normalize():f} h", bold=True
        )
        doc.line_text(
            f"{e.provider or 'provider not recorded'}; {format_words(e.format)}"
            + (f"; approvals: {approvals}" if approvals else "")
            + (f"; categories: {categories}" if categories else "")
            + (f"; card expires {e.expires_on}" if e.expires_on else "")
            + ("; certificate on file" if e.certificate_name else "")
        )
    for status in statuses:
        doc.heading(f"{status.name}, {status.cycle_kind}: {status_words(status.status)}")
        doc.line_text(status.summary)
        for req in status.requirements:
            counted = (
                f"{hours_words(req.counted)} of {hours_words(req.required)}"
                if not req.evidence
                else ""
            )
            doc.line_text(
                f"- {req.label}: {counted}{' - ' if counted else ''}{status_words(req.status)}"
                + (f"; {req.note}" if req.note else "")
                + (f" [{req.rule}]" if req.rule else "")
            )
        for line in status.unknowns + status.notes:
            doc.line_text(f"Note: {line}")
        for verdict in status.entries:
            doc.line_text(
                f"  {verdict.title}: {verdict_words(verdict.verdict)} "
                f"({hours_words(verdict.counted)}) - " + "; ".join(verdict.reasons),
                size=8,
            )
        doc.line_text("Sources: " + " ; ".join(status.sources), size=7)
    if changes is not None:
        doc.heading("Changes to this record")
        if not changes:
            doc.line_text("none recorded")
        for change in changes:
            summary = change.summary.replace("\u2192", "->")  # the core fonts have no arrow
            doc.line_text(f"{change.at:%Y-%m-%d %H:%M} UTC  {summary}", size=8)
    return doc.pdf_bytes()
