"""Queue messages and deliver them once.

:meth:`Outbox.enqueue` adds a message under a unique key (a second enqueue of the same key
adds nothing). :meth:`Outbox.deliver` claims due messages one at a time with a
compare-and-set update, so two senders (two cron runs, two hosts) never both send a
message; a failed send is retried after 1, 4, 16... minutes (at most 12 hours apart) and
given up after :data:`MAX_ATTEMPTS`. A sender that dies between handing a message over and
recording it leaves the row claimed; after :data:`LEASE` it is sent again with the same
Message-ID, which is the only case a message can arrive twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from sqlalchemy import ColumnElement, Engine, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ceatlas.mail.models import OutboxMessage
from ceatlas.mail.transport import Mailer, MailError

MAX_ATTEMPTS = 8
LEASE = dt.timedelta(minutes=10)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=12)
ERASED = "(The text of this message held a one-time link and was erased once it was sent.)"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 4, 16, 64... minutes."""
    delay: dt.timedelta = FIRST_RETRY * (4 ** max(0, attempts - 1))
    return min(delay, LONGEST_RETRY)


@dataclass(frozen=True)
class OutboxEntry:
    """A message as the outbox shows it (for tests, the CLI and operators)."""

    id: int
    kind: str
    key: str
    to_address: str
    subject: str
    status: str
    attempts: int
    last_error: str | None


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)


class Outbox:
    """Messages in ``engine``'s database, sent from ``sender`` (``Name <address>``)."""

    def __init__(self, engine: Engine, sender: str) -> None:
        self.engine = engine
        self.sender = sender

    def enqueue(
        self,
        *,
        key: str,
        kind: str,
        to: str,
        subject: str,
        body: str,
        user_id: int | None = None,
        headers: Iterable[tuple[str, str]] = (),
        secret: bool = False,
        now: dt.datetime | None = None,
    ) -> int | None:
        """Add a message; its id, or ``None`` when a message with ``key`` already exists."""
        moment = now or _now()
        row = OutboxMessage(
            user_id=user_id,
            kind=kind,
            key=key[:300],
            to_address=to,
            subject=subject[:300],
            body=body,
            headers=[[name, value] for name, value in headers],
            secret=secret,
            status="pending",
            attempts=0,
            next_attempt_at=moment,
            created_at=moment,
        )
        with Session(self.engine) as session:
            if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == row.key)):
                return None
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # the same key enqueued at the same moment elsewhere
                return None
            return row.id

    def deliver(
        self,
        mailer: Mailer,
        *,
        now: dt.datetime | None = None,
        limit: int = 500,
        only: Iterable[int] | None = None,
    ) -> DeliveryReport:
        """Send up to ``limit`` due messages (or only the ids in ``only``)."""
        moment = now or _now()
        wanted = set(only) if only is not None else None
        report = DeliveryReport()
        for _ in range(limit):
            row_id = self._claim(moment, wanted)
            if row_id is None:
                break
            self._send_one(mailer, row_id, moment, report)
        return report

    def messages(self, *, kind: str | None = None) -> list[OutboxEntry]:
        with Session(self.engine) as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind is not None:
                query = query.where(OutboxMessage.kind == kind)
            return [
                OutboxEntry(
                    r.id, r.kind, r.key, r.to_address, r.subject, r.status, r.attempts, r.last_error
                )
                for r in session.scalars(query)
            ]

    # --- claiming and sending -----------------------------------------------------------

    @staticmethod
    def _due(moment: dt.datetime) -> ColumnElement[bool]:
        """Pending and due, or claimed by a sender that has held it past the lease."""
        return or_(
            and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= moment),
            and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < moment - LEASE),
        )

    def _claim(self, moment: dt.datetime, wanted: set[int] | None) -> int | None:
        """Mark one due message as being sent by us; its id, or None when none is due."""
        with Session(self.engine) as session:
            while True:
                query = select(OutboxMessage.id).where(self._due(moment))
                if wanted is not None:
                    if not wanted:
                        return None
                    query = query.where(OutboxMessage.id.in_(wanted))
                row_id = session.scalar(query.order_by(OutboxMessage.id).limit(1))
                if row_id is None:
                    return None
                claimed = session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id, self._due(moment))
                    .values(
                        status="sending",
                        claimed_at=moment,
                        attempts=OutboxMessage.attempts + 1,
                    )
                )
                session.commit()
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    return int(row_id)
                # another sender took it first: look for the next one

    def _send_one(
        self, mailer: Mailer, row_id: int, moment: dt.datetime, report: DeliveryReport
    ) -> None:
        with Session(self.engine) as session:
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            message = self._message(row)
            try:
                mailer.send(message)
            except MailError as error:
                row.last_error = str(error)[:2000]
                report.errors[row_id] = row.last_error
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                    report.failed.append(row_id)
                else:
                    row.status = "pending"
                    row.next_attempt_at = moment + retry_delay(row.attempts)
                    report.retrying.append(row_id)
            else:
                row.status = "sent"
                row.sent_at = _now()
                row.last_error = None
                if row.secret:
                    row.body = ERASED
                report.sent.append(row_id)
            row.claimed_at = None
            session.commit()

    def _message(self, row: OutboxMessage) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = row.to_address
        message["Subject"] = row.subject
        message["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.sender)[1].partition("@")[2] or "localhost"
        digest = hashlib.sha256(row.key.encode()).hexdigest()[:16]
        message["Message-ID"] = f"<ceatlas.{row.id}.{digest}@{domain}>"
        for name, value in row.headers:
            message[str(name)] = str(value)
        message.set_content(row.body)
        return message
