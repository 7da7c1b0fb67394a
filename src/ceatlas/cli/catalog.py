"""Catalog commands: init, import, export, generate, stats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ceatlas.catalog.importer import ImportReport, expand_paths
from ceatlas.cli.common import err, fail, out, print_json, services
from ceatlas.db import migrate

SHOWN_PROBLEMS = 50


def init(
    sample: Annotated[
        bool, typer.Option("--sample/--no-sample", help="Load the sample catalog.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create or upgrade the database and (by default) load the sample catalog."""
    with services() as app:
        app.catalog.init()
        report = app.catalog.load_sample(dt.date.today()) if sample else None
        stats = app.catalog.stats()
    if as_json:
        print_json(
            {
                "database": app.settings.resolved_database_url,
                "stats": stats.as_dict(),
                "sample": report.as_dict() if report else None,
            }
        )
        return
    out.print(f"Database ready: {app.settings.resolved_database_url}")
    if report is not None:
        out.print(f"Sample catalog loaded: {_summary(report)}")
        if report.past_note():
            out.print(report.past_note(), markup=False, soft_wrap=True)
    _print_stats(stats.as_dict())


def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders: .json .jsonld .ndjson .html .csv")
    ],
    strict: Annotated[
        bool, typer.Option(help="Reject a whole file if any record in it is invalid.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(help="Remove sessions of imported courses that the files no longer list."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import catalog files; every rejected record is reported with its place, field and reason.

    Exit code 0 when everything was imported, 1 when any record or file was rejected.
    """
    files = expand_paths(paths)
    total = sum(f.stat().st_size for f in files if f.is_file())
    with services() as app:
        app.catalog.init()
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=as_json or total < 5_000_000,
        ) as bar:
            task = bar.add_task("import", total=total)
            report = app.catalog.import_paths(
                files, strict=strict, prune=prune, progress=lambda n: bar.advance(task, n)
            )
    if as_json:
        print_json(report.as_dict())
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonld, ndjson or csv")] = "jsonld",
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Export the catalog as schema.org JSON-LD (one document or NDJSON) or CSV."""
    if fmt not in {"jsonld", "ndjson", "csv"}:
        raise fail(f"--format: expected jsonld, ndjson or csv, got {fmt!r}")
    with services() as app:
        app.catalog.init()
        if output is None:
            import sys

            count = app.catalog.export(sys.stdout, fmt)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = app.catalog.export(stream, fmt)
    err.print(f"exported {count} {'rows' if fmt == 'csv' else 'documents'}")


def stats(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Counts of providers, courses, sessions and programs."""
    with services() as app:
        app.catalog.init()
        data = app.catalog.stats().as_dict()
    if as_json:
        print_json(data)
    else:
        _print_stats(data)


def _summary(report: ImportReport) -> str:
    t = report.totals
    return (
        f"{report.records_imported} records imported, {report.records_rejected} rejected, "
        f"{len(report.skipped)} skipped; "
        f"courses +{t.courses.inserted} ~{t.courses.updated} ={t.courses.unchanged}; "
        f"sessions +{t.sessions.inserted} ~{t.sessions.updated} ={t.sessions.unchanged}"
        + (f" -{t.sessions_pruned}" if t.sessions_pruned else "")
        + f"; programs +{t.programs.inserted} ~{t.programs.updated} ={t.programs.unchanged}"
    )


def _print_report(report: ImportReport) -> None:
    out.print(_summary(report) + "  (+ new, ~ updated, = unchanged, - pruned)")
    for problem in report.problems[:SHOWN_PROBLEMS]:
        err.print(f"rejected: {problem}", markup=False, soft_wrap=True)
    if len(report.problems) > SHOWN_PROBLEMS:
        err.print(f"... and {len(report.problems) - SHOWN_PROBLEMS} more (use --json for all)")
    for note in report.not_listed_note():
        err.print(f"rejected: ... {note}", markup=False, soft_wrap=True)
    for path in report.files_rejected:
        err.print(f"file rejected: {path}", markup=False)
    for note in report.merged[:SHOWN_PROBLEMS]:
        out.print(f"merged: {note}", markup=False, soft_wrap=True)
    if len(report.merged) > SHOWN_PROBLEMS:
        out.print(f"... and {len(report.merged) - SHOWN_PROBLEMS} more merged (use --json)")
    for note in report.skipped:  # every one: nothing is dropped without a line
        out.print(f"skipped: {note}", markup=False, soft_wrap=True)
    for note in report.warnings[:SHOWN_PROBLEMS]:
        err.print(f"warning: {note}", markup=False, soft_wrap=True)
    if len(report.warnings) > SHOWN_PROBLEMS:
        err.print(f"... and {len(report.warnings) - SHOWN_PROBLEMS} more warnings (use --json)")
    past = report.past_note()
    if past:
        out.print(past, markup=False, soft_wrap=True)
    for note in report.located[:SHOWN_PROBLEMS]:
        out.print(f"located: {note}", markup=False, soft_wrap=True)
    if len(report.located) > SHOWN_PROBLEMS:
        out.print(f"... and {len(report.located) - SHOWN_PROBLEMS} more located (use --json)")


def _print_stats(data: dict[str, object]) -> None:
    table = Table(show_header=False, box=None)
    for key, value in data.items():
        table.add_row(key.replace("_", " "), str(value))
    out.print(table)


def read_courses(
    everything: Annotated[
        bool, typer.Option("--all", help="Read every course again, not only new and changed ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Read courses' titles and descriptions into knowledge-base terms (after a KB change)."""
    with services() as app:
        migrate(app.engine)  # not catalog.init(), which would read the stale courses first
        report = app.catalog.read_courses(everything=everything)
    if report is None:
        raise fail("the knowledge base is not available to read courses with", 1)
    if as_json:
        print_json(
            {
                "courses": report.courses,
                "terms": report.terms,
                "seconds": round(report.seconds, 3),
                "courses_per_second": round(report.per_second, 1),
            }
        )
        return
    out.print(
        f"read {report.courses} course(s): {report.terms} term(s) in {report.seconds:.1f} s "
        f"({report.per_second:.0f} courses/s)"
    )


terms_app = typer.Typer(
    help="What the course reader found in a course; administrators confirm or correct it.",
    no_args_is_help=True,
)


@terms_app.command("show")
def terms_show(
    course_id: Annotated[int, typer.Argument(help="The course's id (as in /courses/ID).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List a course's terms with their centrality, evidence and provenance."""
    from ceatlas.catalog.understanding import course_terms

    with services() as app:
        app.catalog.init()
        found = course_terms(app.engine, course_id)
    if as_json:
        print_json([t.__dict__ for t in found])
        return
    if not found:
        out.print(f"course {course_id}: no terms read (unknown course, or nothing found)")
    for t in found:
        out.print(
            f"{t.kind:12} {t.term:32} {t.centrality:9} {t.provenance:9} {t.evidence}",
            markup=False,
            soft_wrap=True,
        )


@terms_app.command("confirm")
def terms_confirm(
    course_id: Annotated[int, typer.Argument(help="The course's id.")],
    kind: Annotated[str, typer.Argument(help="conditions, techniques, competencies, categories")],
    term: Annotated[str, typer.Argument(help="A KB id or name, e.g. sciatica.")],
    centrality: Annotated[
        str,
        typer.Option(help="primary, secondary, mentioned, or none (the course does not teach it)"),
    ] = "primary",
) -> None:
    """Set a term of a course by hand; re-reading the course never changes it."""
    from ceatlas.catalog.understanding import TermError, confirm_term

    with services() as app:
        app.catalog.init()
        try:
            made = confirm_term(app.engine, app.kb, course_id, kind, term, centrality)
        except TermError as error:
            raise fail(str(error), 1) from None
    out.print(f"course {course_id}: {made.kind} {made.term} confirmed as {made.centrality}")
