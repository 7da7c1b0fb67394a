"""``ceatlas notify``: queue what is due, then send what is queued.

Safe to run from cron or a systemd timer every few minutes, on several hosts at once:
queuing is idempotent (every message has a unique key in the outbox) and sending claims
each message before handing it over (see :mod:`ceatlas.mail.outbox`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine

from ceatlas.compliance import CeRecords
from ceatlas.config import Settings
from ceatlas.kb import KnowledgeBase
from ceatlas.mail import DeliveryReport, Mailer, Outbox
from ceatlas.notify.common import Links
from ceatlas.notify.plan_alerts import queue_plan_alerts
from ceatlas.notify.renewal import queue_renewal_reminders
from ceatlas.notify.saved_search import queue_saved_search_digests
from ceatlas.search import SearchService


@dataclass
class NotifyReport:
    renewal_queued: list[int] = field(default_factory=list)
    plan_queued: list[int] = field(default_factory=list)
    saved_search_queued: list[int] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


def run_notify(
    engine: Engine,
    kb: KnowledgeBase,
    settings: Settings,
    mailer: Mailer,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    send: bool = True,
) -> NotifyReport:
    """Queue the reminders, plan alerts and saved-search digests due ``today``, then
    (with ``send``) deliver every due message in the outbox, including retries of earlier
    failures."""
    day = today or dt.date.today()
    moment = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    outbox = Outbox(engine, settings.mail_from)
    links = Links(settings.link, settings.session_secret())
    records = CeRecords(engine, kb, settings.data_dir)
    report = NotifyReport(
        renewal_queued=queue_renewal_reminders(records, outbox, links, day),
        plan_queued=queue_plan_alerts(engine, outbox, links, day),
        saved_search_queued=queue_saved_search_digests(
            engine, SearchService(engine, kb), kb, outbox, links, day, moment
        ),
    )
    if send:
        report.delivery = outbox.deliver(mailer, now=now)
    return report
