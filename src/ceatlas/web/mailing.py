"""E-mail from web requests: messages are queued in the outbox, then sent after the
response (a background task), so a slow or failing mail server never holds a page and the
answer takes the same time whether or not a message was sent. What fails to send is
retried by ``ceatlas notify``."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import BackgroundTasks

from ceatlas.accounts.notices import AccountMail
from ceatlas.mail import Outbox
from ceatlas.web.context import WebContext


def outbox(ctx: WebContext) -> Outbox:
    return Outbox(ctx.engine, ctx.settings.mail_from)


def account_mail(ctx: WebContext) -> AccountMail:
    return AccountMail(outbox(ctx), ctx.settings.link)


def send_after_response(tasks: BackgroundTasks, ctx: WebContext, ids: Iterable[int | None]) -> None:
    """Send the queued messages ``ids`` (``None``s skipped) once the response has gone."""
    wanted = [i for i in ids if i is not None]
    if wanted:
        tasks.add_task(_deliver, ctx, wanted)


def _deliver(ctx: WebContext, ids: list[int]) -> None:
    outbox(ctx).deliver(ctx.mailer, only=ids)
