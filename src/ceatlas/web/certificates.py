"""Sending a stored CE certificate back to its owner (the page and the API share this)."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response

from ceatlas.compliance.service import CERTIFICATE_TYPES

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, kind: str) -> str:
    """A plain ASCII file name for the Content-Disposition header, with the type's suffix."""
    suffix = CERTIFICATE_TYPES[kind][0] if kind in CERTIFICATE_TYPES else ""
    stem = _UNSAFE.sub("_", name).strip(" ._") or "certificate"
    if suffix and not stem.lower().endswith((suffix, ".jpeg" if suffix == ".jpg" else suffix)):
        stem += suffix
    return stem[:120]


def certificate_response(name: str, kind: str, data: bytes, download: bool) -> Response:
    """The file, shown in the browser (PDF, PNG, JPEG) or, with ``download``, saved."""
    known = kind in CERTIFICATE_TYPES
    disposition = "inline" if known and not download else "attachment"
    plain = safe_filename(name, kind)
    return Response(
        data,
        media_type=kind if known else "application/octet-stream",
        headers={
            "Content-Disposition": (
                f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
