"""``ceatlas sources``: the sites the catalog is kept in sync with (add, list, sync, remove)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ceatlas.catalog.source_registry import (
    DEFAULT_EVERY,
    SourceError,
    SourceInfo,
    add_source,
    list_sources,
    parse_every,
    remove_source,
)
from ceatlas.catalog.sync import SourceReport, SyncOptions, sync_sources
from ceatlas.cli.common import err, fail, out, print_json, services

app = typer.Typer(
    help="Providers' pages, sitemaps and feeds the catalog is kept in sync with.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    url: Annotated[
        str, typer.Argument(help="A provider's page, a sitemap or a feed (http/https).")
    ],
    provider: Annotated[
        str | None, typer.Option("--provider", help="The key of the provider who owns it.")
    ] = None,
    every: Annotated[
        str, typer.Option("--every", help="How often `sources sync` fetches it: 30m, 6h, 1d, 1w.")
    ] = "1d",
) -> None:
    """Register an address to keep in sync (fetched by the next `ceatlas sources sync`)."""
    try:
        seconds = parse_every(every) if every else DEFAULT_EVERY
    except SourceError as error:
        raise fail(str(error)) from None
    with services() as app_:
        app_.catalog.init()
        try:
            ident = add_source(app_.engine, url, provider=provider, every_seconds=seconds)
        except SourceError as error:
            raise fail(str(error)) from None
        info = list_sources(app_.engine, [ident])[0]
    out.print(f"added source {ident}: {info.url} (every {info.every})", markup=False)


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Each source with its health: last sync, last success, last error, counts."""
    with services() as app_:
        app_.catalog.init()
        found = list_sources(app_.engine)
    if as_json:
        print_json([s.as_dict() for s in found])
        return
    if not found:
        out.print("no sources registered (add one with `ceatlas sources add URL`)")
        return
    table = Table(box=None)
    for name in ("id", "url", "every", "kind", "pages", "last sync", "last success", "last"):
        table.add_column(name)
    for s in found:
        table.add_row(
            str(s.id),
            s.url,
            s.every,
            s.kind or "-",
            str(s.pages),
            _when(s.last_sync_at),
            _when(s.last_success_at),
            _last(s),
        )
    out.print(table)
    for s in found:
        if s.last_error:
            err.print(
                f"source {s.id}: last error ({_when(s.last_error_at)}): {s.last_error}",
                markup=False,
                soft_wrap=True,
            )


@app.command("sync")
def sync(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Sync these sources (default: those due).")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Sync every source, due or not.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
) -> None:
    """Fetch the sources due (or all, or those named), import what changed, retire what
    disappeared. Exit code 1 when a page or source failed (see `sources list`)."""
    with services() as app_:
        app_.catalog.init()
        settings = app_.settings
        options = SyncOptions(
            user_agent=settings.sync_user_agent,
            timeout=settings.sync_timeout,
            host_delay=settings.sync_host_delay,
        )
        try:
            reports = sync_sources(
                app_.engine, app_.resolver, options, ids=ids or None, everything=everything
            )
        except SourceError as error:
            raise fail(str(error)) from None
    if as_json:
        print_json([r.as_dict() for r in reports])
    else:
        if not reports:
            out.print("no source due (use --all to sync every source now)")
        for report in reports:
            _print_report(report)
    if any(not r.ok for r in reports):
        raise typer.Exit(1)


@app.command("remove")
def remove(
    ident: Annotated[int, typer.Argument(help="The source's id (see `sources list`).")],
) -> None:
    """Stop syncing a source. The sessions it brought stay in the catalog."""
    with services() as app_:
        app_.catalog.init()
        try:
            url = remove_source(app_.engine, ident)
        except SourceError as error:
            raise fail(str(error)) from None
    out.print(f"removed source {ident}: {url} (its sessions stay in the catalog)", markup=False)


def summary(report: SourceReport) -> str:
    s = report.sessions
    return (
        f"source {report.source_id} {report.url}: {report.requests} requests; "
        f"{report.pages_imported} pages imported, {report.not_modified} not modified (304), "
        f"{report.unchanged} unchanged, {report.pages_gone} gone, {report.pages_failed} failed, "
        f"{report.pages_blocked} blocked by robots.txt; "
        f"sessions +{s.inserted} ~{s.updated} ={s.unchanged} retired {report.sessions_retired}"
        + (
            f"; {report.records_refused} refused (another provider's)"
            if report.records_refused
            else ""
        )
    )


def _print_report(report: SourceReport) -> None:
    out.print(summary(report), markup=False, soft_wrap=True)
    for line in report.changes:
        out.print(f"  changed: {line}", markup=False, soft_wrap=True)
    for item in report.skipped:  # every page not imported, with why
        out.print(f"  skipped: {item['url']}: {item['reason']}", markup=False, soft_wrap=True)
    for note in report.notes:
        out.print(f"  {note}", markup=False, soft_wrap=True)
    for item in report.errors:
        err.print(f"  error: {item['url']}: {item['reason']}", markup=False, soft_wrap=True)


def _when(moment: object) -> str:
    return "-" if moment is None else str(moment)[:16].replace("T", " ")


def _last(info: SourceInfo) -> str:
    health = info.health
    if not health:
        return "never synced"
    s = health.get("sessions", {})
    return (
        f"{'ok' if health.get('ok') else 'errors'}: {health.get('pages_imported', 0)} imported, "
        f"{health.get('not_modified', 0)} 304, {health.get('pages_gone', 0)} gone, "
        f"{health.get('pages_failed', 0)} failed; sessions +{s.get('inserted', 0)} "
        f"~{s.get('updated', 0)} -{health.get('sessions_retired', 0)}"
    )
