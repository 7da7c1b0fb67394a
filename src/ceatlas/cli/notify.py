"""``ceatlas notify``: queue due reminders and alerts, then send the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ceatlas.cli.common import err, fail, out, print_json, services
from ceatlas.config import ConfigError
from ceatlas.db import migrate
from ceatlas.mail import mailer_for
from ceatlas.notify import run_notify


def notify(
    today: Annotated[
        str | None, typer.Option(help="Act as if today were this date (YYYY-MM-DD).")
    ] = None,
    queue_only: Annotated[
        bool, typer.Option("--queue-only", help="Queue what is due; send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Send renewal reminders (90, 30 and 7 days before each deadline), alerts about
    planned sessions and daily digests of new sessions for saved searches, and retry
    messages that failed before. Safe to run every few minutes from cron or a systemd
    timer: nothing is ever sent twice."""
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        raise fail(f"--today: {today!r} is not a date; use YYYY-MM-DD") from None
    with services() as built:
        migrate(built.engine)
        try:
            report = run_notify(
                built.engine,
                built.kb,
                built.settings,
                mailer_for(built.settings),
                today=day,
                send=not queue_only,
            )
        except ConfigError as error:
            raise fail(str(error)) from None
    delivery = report.delivery
    if as_json:
        print_json(
            {
                "queued": {
                    "renewal": len(report.renewal_queued),
                    "plan": len(report.plan_queued),
                    "saved_search": len(report.saved_search_queued),
                },
                "sent": len(delivery.sent),
                "retrying": len(delivery.retrying),
                "failed": len(delivery.failed),
                "errors": {str(k): v for k, v in delivery.errors.items()},
            }
        )
    else:
        out.print(
            f"queued {len(report.renewal_queued)} renewal reminder(s), "
            f"{len(report.plan_queued)} plan alert(s) and "
            f"{len(report.saved_search_queued)} saved-search digest(s); sent {len(delivery.sent)}, "
            f"will retry {len(delivery.retrying)}, gave up on {len(delivery.failed)}",
            soft_wrap=True,
        )
        for ident, message in delivery.errors.items():
            err.print(f"message {ident}: {message}", soft_wrap=True, markup=False)
    if delivery.retrying or delivery.failed:
        raise typer.Exit(1)
