"""Reading HTML forms: plain strings (never a 422 page for a missing field)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class FormData:
    values: dict[str, str]
    lists: dict[str, list[str]]
    files: dict[str, UploadedFile]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def getlist(self, name: str) -> list[str]:
        return self.lists.get(name, [])


MAX_FIELD = 20_000
MAX_FILE = 20 * 1024 * 1024


async def read_form(request: Request) -> FormData:
    form = await request.form()
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    files: dict[str, UploadedFile] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            # Read (at most MAX_FILE + 1 bytes) and close now: nothing keeps the temporary file.
            data = await value.read(MAX_FILE + 1)
            await value.close()
            files[key] = UploadedFile(value.filename or "", data)
            continue
        text = value[:MAX_FIELD]
        values.setdefault(key, text)
        lists.setdefault(key, []).append(text)
    return FormData(values, lists, files)


def home_for(role: str) -> str:
    """Where an account lands after logging in."""
    return {"therapist": "/me", "provider": "/provider", "admin": "/admin"}.get(role, "/")
