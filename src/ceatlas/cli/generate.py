"""``ceatlas generate``: write a synthetic catalog as NDJSON for load tests and demos."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from ceatlas.catalog.generator import GenerateSummary
from ceatlas.catalog.generator import generate as generate_catalog
from ceatlas.cli.common import err, fail, print_json


def generate(
    sessions: Annotated[
        int, typer.Option("--sessions", "-n", min=1, help="How many sessions to write (>= 1).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="NDJSON file to write ('-' for standard output).")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same bytes.")] = 1,
    start: Annotated[
        dt.datetime | None,
        typer.Option(
            "--start",
            formats=["%Y-%m-%d"],
            help="First day of the catalog year (YYYY-MM-DD); default today.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Generate a synthetic catalog: one Course (with its sessions) per line, as NDJSON.

    Providers and courses are fictional and marked as sample data. The summary (sessions,
    courses, providers, bytes, seconds) goes to standard error, or as JSON with --json.
    """
    first_day = start.date() if start else dt.date.today()
    to_stdout = str(out) == "-"
    if to_stdout:
        summary = generate_catalog(sessions, seed, sys.stdout, first_day)
    else:
        summary = _to_file(out, sessions, seed, first_day)
    if as_json:
        data = {**summary.as_dict(), "out": str(out), "seed": seed, "start": str(first_day)}
        if to_stdout:
            sys.stderr.write(json.dumps(data, indent=2) + "\n")
        else:
            print_json(data)
        return
    err.print(
        f"Generated {summary.sessions:,} sessions in {summary.courses:,} courses from "
        f"{summary.providers:,} providers: {summary.bytes:,} bytes in {summary.seconds:.1f} s"
        + ("" if to_stdout else f" -> {out}"),
        soft_wrap=True,
    )


def _to_file(path: Path, sessions: int, seed: int, first_day: dt.date) -> GenerateSummary:
    if path.is_dir():
        raise fail(f"cannot write {str(path)!r}: it is a folder")
    try:
        handle: TextIO = path.open("w", encoding="utf-8", buffering=1 << 20)
    except OSError as error:
        raise fail(f"cannot write {str(path)!r}: {error.strerror or error}") from None
    try:
        with handle:
            return generate_catalog(sessions, seed, handle, first_day)
    except OSError as error:
        raise fail(f"cannot write {str(path)!r}: {error.strerror or error}") from None
