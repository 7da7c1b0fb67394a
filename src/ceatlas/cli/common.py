"""Shared CLI plumbing: building services, printing JSON, turning known errors into exits."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import OperationalError

from ceatlas.app import Services
from ceatlas.config import load_settings
from ceatlas.db import DatabaseError
from ceatlas.kb import KBError

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def services() -> Iterator[Services]:
    try:
        settings = load_settings()
    except ValidationError as error:
        first = error.errors()[0]
        raise fail(
            f"configuration: CEATLAS_{str(first['loc'][0]).upper()}: {first['msg']}"
        ) from None
    built = Services(settings)
    try:
        yield built
    except OperationalError as error:
        reason = str(error.orig).splitlines()[0] if error.orig else str(error)
        raise fail(
            f"cannot use the database {settings.resolved_database_url!r}: {reason}"
        ) from None
    except DatabaseError as error:
        raise fail(str(error)) from None
    except KBError as error:
        raise fail(f"the knowledge base cannot be used: {error}") from None
    finally:
        built.close()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
