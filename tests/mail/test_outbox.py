"""The outbox sends each message once through a real SMTP server (aiosmtpd on loopback),
retries failures with backoff, and never sends a message twice when two senders run."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.config import load_settings
from ceatlas.mail import FolderMailer, Outbox, SmtpMailer, mailer_for
from ceatlas.mail.models import OutboxMessage
from ceatlas.mail.outbox import ERASED, MAX_ATTEMPTS, retry_delay
from smtp_server import Received, free_port, smtp_server

SENDER = "CE Atlas <no-reply@ceatlas.test>"
NOON = dt.datetime(2099, 3, 1, 12, 0)


def _plain(smtp: Received) -> SmtpMailer:
    return SmtpMailer(smtp.host, smtp.port, security="none", timeout=5)


def _queue(outbox: Outbox, key: str, to: str = "ana@example.org", **extra: object) -> int | None:
    return outbox.enqueue(
        key=key,
        kind="test",
        to=to,
        subject=f"Subject {key}",
        body=f"Body of {key}\n",
        now=NOON,
        **extra,  # type: ignore[arg-type]
    )


def test_a_queued_message_arrives_once_with_its_headers(engine: Engine, smtp: Received) -> None:
    outbox = Outbox(engine, SENDER)
    first = _queue(outbox, "hello", headers=[("List-Unsubscribe", "<https://x.test/u>")])
    assert first is not None
    assert _queue(outbox, "hello") is None  # the same key again adds nothing

    report = outbox.deliver(_plain(smtp), now=NOON)
    again = outbox.deliver(_plain(smtp), now=NOON + dt.timedelta(days=1))

    assert report.sent == [first]
    assert again.sent == []
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["Subject"] == "Subject hello"
    assert message["From"] == SENDER
    assert message["To"] == "ana@example.org"
    assert message["List-Unsubscribe"] == "<https://x.test/u>"
    assert message["Message-ID"].endswith("@ceatlas.test>")
    assert message.get_content().splitlines() == ["Body of hello"]
    assert smtp.recipients == [["ana@example.org"]]


def test_a_failed_send_waits_then_is_retried_and_finally_given_up(engine: Engine) -> None:
    outbox = Outbox(engine, SENDER)
    ident = _queue(outbox, "retry")
    assert ident is not None
    down = SmtpMailer("127.0.0.1", free_port(), security="none", timeout=2)

    first = outbox.deliver(down, now=NOON)
    assert first.retrying == [ident]
    assert "127.0.0.1" in first.errors[ident]
    # Hand worked: after the 1st failure the next try is 1 minute later, after the 2nd 4.
    assert retry_delay(1) == dt.timedelta(minutes=1)
    assert retry_delay(2) == dt.timedelta(minutes=4)
    assert retry_delay(20) == dt.timedelta(hours=12)
    assert outbox.deliver(down, now=NOON + dt.timedelta(seconds=59)).retrying == []
    assert outbox.deliver(down, now=NOON + dt.timedelta(seconds=60)).retrying == [ident]

    with smtp_server() as smtp:
        # the 3rd failure was at 12:01, so the next try is due at 12:05
        assert outbox.deliver(_plain(smtp), now=NOON + dt.timedelta(minutes=4)).sent == []
        done = outbox.deliver(_plain(smtp), now=NOON + dt.timedelta(minutes=5))
        assert done.sent == [ident]
        assert len(smtp.messages) == 1
    (entry,) = outbox.messages()
    assert entry.status == "sent"
    assert entry.attempts == 3
    assert entry.last_error is None

    hopeless = _queue(outbox, "hopeless")
    moment = NOON
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = outbox.deliver(down, now=moment)
        moment += retry_delay(attempt)
    assert report.failed == [hopeless]
    assert outbox.messages(kind="test")[-1].status == "failed"
    assert outbox.deliver(down, now=moment + dt.timedelta(days=30)).errors == {}


def test_two_senders_at_once_send_each_message_once(engine: Engine, smtp: Received) -> None:
    outbox = Outbox(engine, SENDER)
    ids = [_queue(outbox, f"m{n}", to=f"t{n}@example.org") for n in range(30)]
    results: list[list[int]] = []

    def send() -> None:
        results.append(Outbox(engine, SENDER).deliver(_plain(smtp), now=NOON).sent)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(i for sent in results for i in sent) == sorted(ids)  # type: ignore[type-var]
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"t{n}@example.org" for n in range(30))


def test_a_sender_that_died_mid_send_is_taken_over_after_the_lease(
    engine: Engine, smtp: Received
) -> None:
    outbox = Outbox(engine, SENDER)
    ident = _queue(outbox, "stuck")
    with Session(engine) as session:  # what a sender killed after claiming leaves behind
        row = session.get(OutboxMessage, ident)
        assert row is not None
        row.status, row.claimed_at, row.attempts = "sending", NOON, 1
        session.commit()
    assert outbox.deliver(_plain(smtp), now=NOON + dt.timedelta(minutes=9)).sent == []
    assert outbox.deliver(_plain(smtp), now=NOON + dt.timedelta(minutes=11)).sent == [ident]
    assert len(smtp.messages) == 1


def test_a_one_time_link_is_erased_from_the_outbox_once_sent(
    engine: Engine, smtp: Received
) -> None:
    outbox = Outbox(engine, SENDER)
    ident = _queue(outbox, "reset", secret=True)
    outbox.deliver(_plain(smtp), now=NOON)
    with Session(engine) as session:
        assert session.scalar(select(OutboxMessage.body).where(OutboxMessage.id == ident)) == ERASED
    assert smtp.messages[0].get_content().splitlines() == ["Body of reset"]


def test_smtp_login_with_the_configured_credentials(engine: Engine) -> None:
    outbox = Outbox(engine, SENDER)
    with smtp_server(login=("ceatlas", "s3cret-pass")) as smtp:
        wrong = SmtpMailer(
            smtp.host, smtp.port, security="none", username="ceatlas", password="nope", timeout=5
        )
        ident = _queue(outbox, "auth")
        assert outbox.deliver(wrong, now=NOON).retrying == [ident]
        settings = load_settings(
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            smtp_security="none",
            smtp_username="ceatlas",
            smtp_password="s3cret-pass",
        )
        later = NOON + dt.timedelta(minutes=1)
        assert outbox.deliver(mailer_for(settings), now=later).sent == [ident]
        assert len(smtp.messages) == 1


def test_without_an_smtp_host_messages_are_written_to_the_mail_folder(
    engine: Engine, tmp_path: Path
) -> None:
    settings = load_settings(data_dir=tmp_path)
    mailer = mailer_for(settings)
    assert isinstance(mailer, FolderMailer)
    assert mailer.folder == tmp_path / "mail"
    outbox = Outbox(engine, SENDER)
    _queue(outbox, "one")
    _queue(outbox, "two")
    assert len(outbox.deliver(mailer, now=NOON).sent) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Subject one"
