"""The signed-in therapist's CE record and compliance status (visible to them alone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile
from pydantic import BaseModel, Field

from ceatlas.compliance import CeRecords, ComplianceError, EntryInput
from ceatlas.compliance.serialize import change_json, entry_json, license_json, status_json
from ceatlas.web.auth import Therapist, verify_csrf
from ceatlas.web.certificates import certificate_response
from ceatlas.web.context import Ctx, WebContext
from ceatlas.web.errors import WebError
from ceatlas.web.schemas import file_response

router = APIRouter(prefix="/me/ce", tags=["me"])
Csrf = Annotated[None, Depends(verify_csrf)]
RowId = Annotated[int, Path(ge=1, le=2**62)]
MAX_UPLOAD = 10 * 1024 * 1024


def records(ctx: WebContext) -> CeRecords:
    return CeRecords(ctx.engine, ctx.kb, ctx.settings.data_dir)


@contextmanager
def as_web_errors() -> Iterator[None]:
    try:
        yield
    except ComplianceError as error:
        status = error.status if error.status != 400 else 422
        raise WebError(status, error.message, error.field) from None


class LicenseIn(BaseModel):
    jurisdiction: str = Field(max_length=20)
    kind: str = Field(default="license", pattern="^(license|credential)$")
    number: str | None = Field(default=None, max_length=100)
    cycle_start: dt.date | None = None
    cycle_end: dt.date
    issued_on: dt.date | None = None
    first_renewal: bool = False


class LicenseChange(BaseModel):
    """A license's new details (its state or credential cannot change: add another)."""

    number: str | None = Field(default=None, max_length=100)
    cycle_start: dt.date | None = None
    cycle_end: dt.date
    issued_on: dt.date | None = None
    first_renewal: bool = False


class EntryIn(BaseModel):
    title: str = Field(default="", max_length=500)
    course_key: str | None = Field(default=None, max_length=512)
    provider: str | None = Field(default=None, max_length=300)
    approvals: list[str] = Field(default_factory=list, max_length=20)
    completed_on: dt.date
    hours: str = Field(max_length=20)
    categories: list[str] = Field(default_factory=list, max_length=30)
    format: str = Field(max_length=30)
    notes: str | None = Field(default=None, max_length=5000)
    expires_on: dt.date | None = None


@router.get("/status", summary="What counts and what is missing, per license")
def get_status(ctx: Ctx, account: Therapist) -> list[dict[str, Any]]:
    return [status_json(s) for s in records(ctx).status(account.id, ctx.today())]


@router.get("/licenses", summary="My licenses and credentials")
def get_licenses(ctx: Ctx, account: Therapist) -> list[dict[str, Any]]:
    return [license_json(x) for x in records(ctx).licenses(account.id)]


@router.post("/licenses", status_code=201, summary="Record a license or credential")
def add_license(ctx: Ctx, account: Therapist, _csrf: Csrf, body: LicenseIn) -> dict[str, Any]:
    with as_web_errors():
        made = records(ctx).add_license(
            account.id,
            body.jurisdiction,
            kind=body.kind,
            number=body.number,
            cycle_start=body.cycle_start,
            cycle_end=body.cycle_end,
            issued_on=body.issued_on,
            first_renewal=body.first_renewal,
            today=ctx.today(),
        )
    return license_json(made)


@router.get("/licenses/{license_id}", summary="One license or credential")
def get_license(ctx: Ctx, account: Therapist, license_id: RowId) -> dict[str, Any]:
    with as_web_errors():
        return license_json(records(ctx).license(account.id, license_id))


@router.put("/licenses/{license_id}", summary="Change a license or credential")
def edit_license(
    ctx: Ctx, account: Therapist, _csrf: Csrf, license_id: RowId, body: LicenseChange
) -> dict[str, Any]:
    with as_web_errors():
        changed = records(ctx).update_license(
            account.id, license_id, today=ctx.today(), **body.model_dump()
        )
    return license_json(changed)


@router.delete("/licenses/{license_id}", status_code=204, summary="Delete a license")
def delete_license(ctx: Ctx, account: Therapist, _csrf: Csrf, license_id: RowId) -> Response:
    with as_web_errors():
        records(ctx).delete_license(account.id, license_id)
    return Response(status_code=204)


@router.get("/entries", summary="My completed CE")
def get_entries(ctx: Ctx, account: Therapist) -> list[dict[str, Any]]:
    return [entry_json(e) for e in records(ctx).entries(account.id)]


@router.post("/entries", status_code=201, summary="Record completed CE")
def add_entry(ctx: Ctx, account: Therapist, _csrf: Csrf, body: EntryIn) -> dict[str, Any]:
    with as_web_errors():
        made = records(ctx).add_entry(account.id, EntryInput(**body.model_dump()), ctx.today())
    return entry_json(made)


@router.get("/entries/{entry_id}", summary="One CE entry")
def get_entry(ctx: Ctx, account: Therapist, entry_id: RowId) -> dict[str, Any]:
    with as_web_errors():
        return entry_json(records(ctx).entry(account.id, entry_id))


@router.put("/entries/{entry_id}", summary="Change a CE entry (the same body as to record one)")
def edit_entry(
    ctx: Ctx, account: Therapist, _csrf: Csrf, entry_id: RowId, body: EntryIn
) -> dict[str, Any]:
    with as_web_errors():
        changed = records(ctx).update_entry(
            account.id, entry_id, EntryInput(**body.model_dump()), ctx.today()
        )
    return entry_json(changed)


@router.get(
    "/entries/{entry_id}/certificate",
    summary="The entry's certificate file (PDF, PNG or JPEG)",
    response_class=Response,
)
def get_certificate(
    ctx: Ctx,
    account: Therapist,
    entry_id: RowId,
    download: Annotated[bool, Query(description="Save it rather than show it.")] = False,
) -> Response:
    with as_web_errors():
        name, kind, data = records(ctx).certificate(account.id, entry_id)
    return certificate_response(name, kind, data, download)


@router.put("/entries/{entry_id}/certificate", summary="Upload or replace the certificate")
async def put_certificate(
    ctx: Ctx,
    account: Therapist,
    _csrf: Csrf,
    entry_id: RowId,
    certificate: Annotated[UploadFile, File(description="PDF, PNG or JPEG, at most 10 MB")],
) -> dict[str, Any]:
    data = await certificate.read(MAX_UPLOAD + 1)
    await certificate.close()
    with as_web_errors():
        stored = records(ctx).attach_certificate(
            account.id, entry_id, certificate.filename or "", data, certificate.content_type
        )
    return entry_json(stored)


@router.delete("/entries/{entry_id}/certificate", status_code=204, summary="Delete the certificate")
def delete_certificate(ctx: Ctx, account: Therapist, _csrf: Csrf, entry_id: RowId) -> Response:
    with as_web_errors():
        records(ctx).remove_certificate(account.id, entry_id)
    return Response(status_code=204)


@router.get("/changes", summary="Every change to my CE record, newest first")
def get_changes(ctx: Ctx, account: Therapist) -> list[dict[str, Any]]:
    return [change_json(c) for c in records(ctx).history(account.id)]


@router.delete("/entries/{entry_id}", status_code=204, summary="Delete a CE entry")
def delete_entry(ctx: Ctx, account: Therapist, _csrf: Csrf, entry_id: RowId) -> Response:
    with as_web_errors():
        records(ctx).delete_entry(account.id, entry_id)
    return Response(status_code=204)


@router.get(
    "/transcript.pdf",
    summary="My CE transcript (PDF)",
    response_class=Response,
    responses=file_response("application/pdf", "The transcript as a PDF file"),
)
def transcript(
    ctx: Ctx,
    account: Therapist,
    with_changes: Annotated[
        bool, Query(description="Add the section 'Changes to this record'.")
    ] = False,
) -> Response:
    from ceatlas.compliance.transcript import transcript_pdf

    store = records(ctx)
    day = ctx.today()
    data = transcript_pdf(
        account.display_name,
        account.email,
        store.licenses(account.id),
        store.entries(account.id),
        store.status(account.id, day),
        day,
        store.names(),
        store.history(account.id) if with_changes else None,
    )
    return Response(data, media_type="application/pdf")
