"""``ceatlas ce``: a therapist's CE record (licenses, credentials, completed CE) and status."""

from __future__ import annotations

import datetime as dt
import mimetypes
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from ceatlas.accounts import AccountError
from ceatlas.cli.common import fail, out, print_json, services
from ceatlas.compliance import CeRecords, ComplianceError, ComplianceStatus, EntryInput
from ceatlas.compliance.cycles import long_date
from ceatlas.compliance.serialize import change_json, entry_json, license_json, status_json
from ceatlas.compliance.service import EntryView
from ceatlas.compliance.words import format_words, hours_words, status_words, verdict_words
from ceatlas.db import migrate

app = typer.Typer(
    help="Your CE record: licenses, credentials, completed CE, status.", no_args_is_help=True
)
license_app = typer.Typer(help="Your state licenses.", no_args_is_help=True)
credential_app = typer.Typer(help="Your national credentials (NCBTMB, AMTA).", no_args_is_help=True)
certificate_app = typer.Typer(
    help="The certificate file of a CE entry: save a copy, add or replace, remove.",
    no_args_is_help=True,
)
app.add_typer(license_app, name="license")
app.add_typer(credential_app, name="credential")
app.add_typer(certificate_app, name="certificate")

Account = Annotated[
    str | None,
    typer.Option(
        "--account",
        help="The therapist's account e-mail (default: the local profile of the embedded "
        "database, no account needed).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Today = Annotated[str | None, typer.Option("--today", help="Pretend today is YYYY-MM-DD.")]


@dataclass
class Context:
    records: CeRecords
    user_id: int
    name: str
    email: str


#: the account that keeps a CE record kept only in the terminal (embedded database only)
LOCAL_PROFILE = "local-profile@ceatlas.invalid"


def local_profile(engine: Engine) -> str:
    """The local profile's e-mail, creating the profile (no usable password) on first use."""
    from ceatlas.accounts.service import Accounts

    accounts = Accounts(engine)
    try:
        accounts.sign_up(LOCAL_PROFILE, secrets.token_urlsafe(32), "Local profile")
    except AccountError as error:
        if error.status != 409:
            raise
    return LOCAL_PROFILE


@contextmanager
def record(account: str | None) -> Iterator[Context]:
    with services() as built:
        migrate(built.engine)
        records = CeRecords(built.engine, built.kb, built.settings.data_dir)
        if account is None:
            if built.engine.dialect.name != "sqlite":
                raise fail(
                    "--account: give the therapist's account e-mail (the local profile is only "
                    "for the embedded SQLite database)",
                    1,
                )
            account = local_profile(built.engine)
        try:
            user_id = records.therapist_id(account)
            from ceatlas.accounts.service import Accounts

            user = Accounts(built.engine).get(user_id)
            yield Context(records, user_id, user.display_name if user else account, account)
        except ComplianceError as error:
            raise fail(str(error), 1) from None


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"today: {value!r} is not a date; use YYYY-MM-DD", 1) from None


def _add(
    kind: str,
    account: str | None,
    code: str,
    number: str | None,
    cycle_start: str | None,
    renewal: str | None,
    first_renewal: bool,
    as_json: bool,
    issued: str | None = None,
    today: str | None = None,
) -> None:
    day = _today(today)
    with record(account) as ctx:
        try:
            lic = ctx.records.add_license(
                ctx.user_id,
                code,
                kind=kind,
                number=number,
                cycle_start=cycle_start,
                cycle_end=renewal,
                first_renewal=first_renewal,
                issued_on=issued,
                today=day,
            )
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    if as_json:
        print_json(license_json(lic))
    else:
        out.print(f"added {lic.kind} {lic.jurisdiction} (id {lic.id}), renewal {lic.cycle_end}")


Number = Annotated[str | None, typer.Option("--number", help="License or certificate number.")]
CycleStart = Annotated[str | None, typer.Option("--cycle-start", help="Cycle start (YYYY-MM-DD).")]
Renewal = Annotated[
    str | None, typer.Option("--renewal", "--cycle-end", help="Renewal date (YYYY-MM-DD).")
]
First = Annotated[bool, typer.Option("--first-renewal", help="This is the first renewal.")]
Issued = Annotated[
    str | None,
    typer.Option("--issued", help="Date the license was issued (YYYY-MM-DD): first renewal."),
]


@license_app.command("add")
def license_add(
    state: Annotated[str, typer.Option("--state", help="State code, e.g. FL.")],
    number: Number = None,
    cycle_start: CycleStart = None,
    renewal: Renewal = None,
    first_renewal: First = False,
    issued: Issued = None,
    today: Today = None,
    as_json: AsJson = False,
    account: Account = None,
) -> None:
    """Record a state license."""
    _add(
        "license",
        account,
        state,
        number,
        cycle_start,
        renewal,
        first_renewal,
        as_json,
        issued,
        today,
    )


@credential_app.command("add")
def credential_add(
    credential: Annotated[str, typer.Argument(help="NCBTMB or AMTA.")],
    number: Number = None,
    cycle_start: CycleStart = None,
    renewal: Renewal = None,
    first_renewal: First = False,
    issued: Issued = None,
    today: Today = None,
    as_json: AsJson = False,
    account: Account = None,
) -> None:
    """Record a national credential."""
    _add(
        "credential",
        account,
        credential,
        number,
        cycle_start,
        renewal,
        first_renewal,
        as_json,
        issued,
        today,
    )


@license_app.command("list")
def license_list(as_json: AsJson = False, account: Account = None) -> None:
    """List licenses and credentials."""
    with record(account) as ctx:
        licenses = ctx.records.licenses(ctx.user_id)
    if as_json:
        print_json([license_json(lic) for lic in licenses])
        return
    for lic in licenses:
        out.print(
            f"{lic.id}  {lic.kind:10} {lic.jurisdiction:6} {lic.number or '-'}  "
            f"{lic.cycle_start or '?'} .. {lic.cycle_end}",
            markup=False,
        )


@license_app.command("edit")
def license_edit(
    license_id: Annotated[int, typer.Argument(help="The id `ce license list` shows.")],
    number: Number = None,
    cycle_start: Annotated[
        str | None, typer.Option("--cycle-start", "--start", help="Cycle start (YYYY-MM-DD).")
    ] = None,
    renewal: Renewal = None,
    issued: Issued = None,
    first_renewal: Annotated[
        bool | None,
        typer.Option("--first-renewal/--not-first-renewal", help="Whether this is the first."),
    ] = None,
    today: Today = None,
    as_json: AsJson = False,
    account: Account = None,
) -> None:
    """Change a license or credential (options not given keep their value)."""
    day = _today(today)
    given = {
        "number": number,
        "cycle_start": cycle_start,
        "cycle_end": renewal,
        "issued_on": issued,
        "first_renewal": first_renewal,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    with record(account) as ctx:
        try:
            lic = ctx.records.update_license(ctx.user_id, license_id, today=day, **changes)
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    if as_json:
        print_json(license_json(lic))
    else:
        out.print(
            f"updated {lic.kind} {lic.jurisdiction} (id {lic.id}), renewal {lic.cycle_end}",
            markup=False,
        )


@license_app.command("remove")
def license_remove(license_id: Annotated[int, typer.Argument()], account: Account = None) -> None:
    """Remove a license or credential by id."""
    with record(account) as ctx:
        try:
            ctx.records.delete_license(ctx.user_id, license_id)
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    out.print(f"removed {license_id}")


def _entry_input(
    title: str | None,
    course: str | None,
    provider: str | None,
    approval: list[str] | None,
    date: str | None,
    hours: str | None,
    category: list[str] | None,
    fmt: str | None,
    notes: str | None,
    expires: str | None = None,
) -> EntryInput:
    return EntryInput(
        title=title or "",
        completed_on=date,
        hours=hours,
        format=fmt or "",
        course_key=course,
        provider=provider,
        approvals=approval or [],
        categories=category or [],
        notes=notes,
        expires_on=expires,
    )


Title = Annotated[str | None, typer.Option("--title", help="Course title (free text).")]
CourseKey = Annotated[str | None, typer.Option("--course", help="Catalog course key.")]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="Provider name.")]
ApprovalOpt = Annotated[
    list[str] | None, typer.Option("--approval", help="AUTHORITY[:NUMBER], repeatable.")
]
DateOpt = Annotated[str | None, typer.Option("--date", help="Completion date (YYYY-MM-DD).")]
HoursOpt = Annotated[str | None, typer.Option("--hours", help="CE hours.")]
CategoryOpt = Annotated[
    list[str] | None, typer.Option("--category", help="CATEGORY[:HOURS], repeatable.")
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="in_person, live_online or self_paced.")
]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Notes.")]
ExpiresOpt = Annotated[
    str | None,
    typer.Option("--expires", help="A card's expiry date (CPR, BLS), YYYY-MM-DD."),
]
CertOpt = Annotated[
    Path | None, typer.Option("--certificate", help="Certificate file (PDF, PNG, JPEG; <= 10 MB).")
]


def _read_certificate(certificate: Path | None) -> tuple[str, bytes, str | None] | None:
    """(name, bytes, media type) of a certificate file, checked before anything is saved."""
    if certificate is None:
        return None
    try:
        data = certificate.read_bytes()
    except OSError as error:
        raise fail(f"certificate: cannot read {certificate}: {error.strerror}", 1) from None
    kind = mimetypes.guess_type(certificate.name)[0]
    try:
        CeRecords.check_certificate(data, kind)
    except ComplianceError as error:
        raise fail(str(error), 1) from None
    return certificate.name, data, kind


def _attach(
    ctx: Context, entry_id: int, upload: tuple[str, bytes, str | None] | None
) -> EntryView | None:
    if upload is None:
        return None
    name, data, kind = upload
    return ctx.records.attach_certificate(ctx.user_id, entry_id, name, data, kind)


@app.command("add")
def add(
    title: Title = None,
    course: CourseKey = None,
    provider: ProviderOpt = None,
    approval: ApprovalOpt = None,
    date: DateOpt = None,
    hours: HoursOpt = None,
    category: CategoryOpt = None,
    fmt: FormatOpt = None,
    notes: NotesOpt = None,
    expires: ExpiresOpt = None,
    certificate: CertOpt = None,
    today: Today = None,
    as_json: AsJson = False,
    account: Account = None,
) -> None:
    """Record completed CE (or, with 0 hours and its category, a card such as CPR)."""
    day = _today(today)
    upload = _read_certificate(certificate)  # a refused file saves nothing
    with record(account) as ctx:
        try:
            entry = ctx.records.add_entry(
                ctx.user_id,
                _entry_input(
                    title, course, provider, approval, date, hours, category, fmt, notes, expires
                ),
                day,
            )
            entry = _attach(ctx, entry.id, upload) or entry
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    if as_json:
        print_json(entry_json(entry))
    else:
        out.print(f"added CE entry {entry.id}: {entry.title} ({entry.hours} h)", markup=False)


@app.command("edit")
def edit(
    entry_id: Annotated[int, typer.Argument()],
    title: Title = None,
    course: CourseKey = None,
    provider: ProviderOpt = None,
    approval: ApprovalOpt = None,
    date: DateOpt = None,
    hours: HoursOpt = None,
    category: CategoryOpt = None,
    fmt: FormatOpt = None,
    notes: NotesOpt = None,
    expires: ExpiresOpt = None,
    certificate: CertOpt = None,
    today: Today = None,
    as_json: AsJson = False,
    account: Account = None,
) -> None:
    """Change a CE entry (options not given keep their value)."""
    day = _today(today)
    upload = _read_certificate(certificate)  # a refused file changes nothing
    with record(account) as ctx:
        try:
            old = ctx.records.entry(ctx.user_id, entry_id)
            data = EntryInput(
                title=title if title is not None else old.title,
                completed_on=date or old.completed_on,
                hours=hours or old.hours,
                format=fmt or old.format,
                course_key=course if course is not None else old.course_key,
                provider=provider if provider is not None else old.provider,
                approvals=approval
                if approval is not None
                else [
                    a["authority"] + (f":{a['number']}" if a.get("number") else "")
                    for a in old.approvals
                ],
                categories=category
                if category is not None
                else [f"{k}:{v}" for k, v in old.categories.items()],
                notes=notes if notes is not None else old.notes,
                expires_on=expires or old.expires_on,
            )
            entry = ctx.records.update_entry(ctx.user_id, entry_id, data, day)
            entry = _attach(ctx, entry.id, upload) or entry
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    if as_json:
        print_json(entry_json(entry))
    else:
        out.print(f"updated CE entry {entry.id}", markup=False)


@app.command("remove")
def remove(entry_id: Annotated[int, typer.Argument()], account: Account = None) -> None:
    """Delete a CE entry (and its certificate)."""
    with record(account) as ctx:
        try:
            ctx.records.delete_entry(ctx.user_id, entry_id)
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    out.print(f"removed CE entry {entry_id}")


@certificate_app.command("get")
def certificate_get(
    entry_id: Annotated[int, typer.Argument(help="The CE entry's id (`ce list`).")],
    out_file: Annotated[Path, typer.Option("--out", help="File to write the copy to.")],
    account: Account = None,
) -> None:
    """Save a copy of a CE entry's certificate."""
    with record(account) as ctx:
        try:
            name, _, data = ctx.records.certificate(ctx.user_id, entry_id)
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    try:
        out_file.write_bytes(data)
    except OSError as error:
        raise fail(f"out: cannot write {out_file}: {error.strerror}", 1) from None
    out.print(f"wrote {out_file} ({name}, {len(data)} bytes)", markup=False)


@certificate_app.command("add")
def certificate_add(
    entry_id: Annotated[int, typer.Argument(help="The CE entry's id (`ce list`).")],
    file: Annotated[Path, typer.Argument(help="PDF, PNG or JPEG, at most 10 MB.")],
    account: Account = None,
) -> None:
    """Add a CE entry's certificate, or replace the one on file."""
    upload = _read_certificate(file)
    with record(account) as ctx:
        try:
            entry = _attach(ctx, entry_id, upload)
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    assert entry is not None
    out.print(f"stored {entry.certificate_name} for CE entry {entry_id}", markup=False)


@certificate_app.command("remove")
def certificate_remove(
    entry_id: Annotated[int, typer.Argument(help="The CE entry's id (`ce list`).")],
    account: Account = None,
) -> None:
    """Delete a CE entry's certificate (the entry stays)."""
    with record(account) as ctx:
        try:
            ctx.records.remove_certificate(ctx.user_id, entry_id)
        except ComplianceError as error:
            raise fail(str(error), 1) from None
    out.print(f"removed the certificate of CE entry {entry_id}")


@app.command("history")
def history(as_json: AsJson = False, account: Account = None) -> None:
    """Every change to your CE record, newest first."""
    with record(account) as ctx:
        changes = ctx.records.history(ctx.user_id)
    if as_json:
        print_json([change_json(c) for c in changes])
        return
    if not changes:
        out.print("no changes recorded")
    for c in changes:
        out.print(f"{c.at:%Y-%m-%d %H:%M} UTC  {c.summary}", markup=False, soft_wrap=True)


@app.command("list")
def list_(as_json: AsJson = False, account: Account = None) -> None:
    """List completed CE."""
    with record(account) as ctx:
        entries = ctx.records.entries(ctx.user_id)
    if as_json:
        print_json([entry_json(e) for e in entries])
        return
    for e in entries:
        out.print(
            f"{e.id}  {e.completed_on}  {e.hours:>6} h  {format_words(e.format):29} {e.title}"
            + (f"  (certificate: {e.certificate_name})" if e.certificate_name else ""),
            markup=False,
        )


@app.command("status")
def status(today: Today = None, as_json: AsJson = False, account: Account = None) -> None:
    """What counts and what is missing for each license and credential this cycle."""
    day = _today(today)
    with record(account) as ctx:
        statuses = ctx.records.status(ctx.user_id, day)
    if as_json:
        print_json([status_json(s) for s in statuses])
        return
    if not statuses:
        out.print("no licenses or credentials recorded: add one with `ceatlas ce license add`")
    for s in statuses:
        _print_status(s)


def _print_status(s: ComplianceStatus) -> None:
    cycle = (
        f"{long_date(s.cycle_start) if s.cycle_start else 'start unknown'} to "
        f"{long_date(s.cycle_end) if s.cycle_end else 'renewal unknown'}"
    )
    out.print(f"{s.name}, {s.cycle_kind} ({cycle}): {status_words(s.status)}", markup=False)
    out.print(f"  {s.summary}", markup=False, soft_wrap=True)
    for r in s.requirements:
        amount = "" if r.evidence else f": {hours_words(r.counted)} of {hours_words(r.required)}"
        extra = f" (+{hours_words(r.uncertain)} not confirmed)" if r.uncertain else ""
        line = f"  - {r.label}{amount}{extra}: {status_words(r.status).lower()}"
        line += f"; {r.note}" if r.note else ""
        line += f" [{r.rule}]" if r.rule else ""
        line += f" To settle: {r.settle}" if r.settle else ""
        out.print(line, markup=False, soft_wrap=True)
    for v in s.entries:
        out.print(
            f"    {v.title} ({v.completed_on}): {verdict_words(v.verdict)}, "
            f"{hours_words(v.counted)} - " + "; ".join(v.reasons),
            markup=False,
            soft_wrap=True,
        )
    for line in s.unknowns + s.notes:
        out.print(f"  note: {line}", markup=False, soft_wrap=True)
    out.print("  sources: " + " ".join(s.sources), markup=False, soft_wrap=True)


@app.command("transcript")
def transcript(
    out_file: Annotated[Path, typer.Option("--out", help="PDF file to write.")],
    with_changes: Annotated[
        bool, typer.Option("--with-changes", help="Add the section 'Changes to this record'.")
    ] = False,
    today: Today = None,
    account: Account = None,
) -> None:
    """Write a printable CE transcript (PDF) for audits."""
    from ceatlas.compliance.transcript import transcript_pdf

    day = _today(today)
    with record(account) as ctx:
        data = transcript_pdf(
            ctx.name,
            ctx.email,
            ctx.records.licenses(ctx.user_id),
            ctx.records.entries(ctx.user_id),
            ctx.records.status(ctx.user_id, day),
            day,
            ctx.records.names(),
            ctx.records.history(ctx.user_id) if with_changes else None,
        )
    try:
        out_file.write_bytes(data)
    except OSError as error:
        raise fail(f"out: cannot write {out_file}: {error.strerror}", 1) from None
    out.print(f"wrote {out_file} ({len(data)} bytes)", markup=False)
