"""``ceatlas notify`` end to end through a real SMTP server (aiosmtpd): renewal reminders
at 90, 30 and 7 days before a deadline, each exactly once, saying what is still missing;
alerts about planned sessions; nothing for unconfirmed addresses or turned-off kinds.

Hand working for the Florida reminders: Fla. Admin. Code R. 64B7-28.009(4) asks 24 CE
hours per renewal after the first (2 h prevention of medical errors, 2 h Florida laws and
rules, 2 h ethics, 1 h human trafficking, 12 h in person); licenses expire on August 31
of odd years, so 2099-08-31 is a renewal date. With nothing recorded, all 24 h are
missing. 2099-08-31 minus 90 days is 2099-06-02; minus 30 is 2099-08-01; minus 7 is
2099-08-24.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, or_, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ceatlas.accounts import Accounts
from ceatlas.accounts.models import User
from ceatlas.accounts.preferences import EmailPreferences
from ceatlas.accounts.profile import Plans
from ceatlas.catalog.models import CourseSession
from ceatlas.catalog.service import Catalog
from ceatlas.cli import app
from ceatlas.compliance import CeRecords
from ceatlas.config import Settings, load_settings
from ceatlas.kb import load_kb
from ceatlas.mail import SmtpMailer
from ceatlas.notify import run_notify
from ceatlas.notify.renewal import threshold_for
from smtp_server import Received, free_port

RENEWAL = dt.date(2099, 8, 31)
PASSWORD = "correct horse battery"


def _settings(database_url: str, tmp_path: Path, smtp: Received) -> Settings:
    return load_settings(
        database_url=database_url,
        data_dir=tmp_path,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_security="none",
        public_url="https://ceatlas.test",
        secret_key="x" * 40,
    )


def _therapist(engine: Engine, email: str, verified: bool = True) -> int:
    made = Accounts(engine).sign_up(email, PASSWORD, email.split("@")[0].title())
    if verified:
        with Session(engine) as session:
            session.execute(
                update(User)
                .where(User.id == made.id)
                .values(email_verified_at=dt.datetime(2099, 1, 1))
            )
            session.commit()
    return made.id


def test_thresholds_by_hand() -> None:
    assert [threshold_for(d) for d in (91, 90, 31, 30, 8, 7, 0, -1)] == [
        None,
        90,
        90,
        30,
        30,
        7,
        7,
        None,
    ]


def test_renewal_reminders_go_once_per_threshold(
    engine: Engine, database_url: str, tmp_path: Path, smtp: Received
) -> None:
    kb = load_kb()
    settings = _settings(database_url, tmp_path, smtp)
    ana = _therapist(engine, "ana@example.org")
    _therapist(engine, "unconfirmed@example.org", verified=False)
    quiet = _therapist(engine, "quiet@example.org")
    records = CeRecords(engine, kb, tmp_path)
    for user in (ana, quiet):
        records.add_license(user, "FL", number="MA99", cycle_end=RENEWAL, today=dt.date(2099, 1, 1))
    EmailPreferences(engine).turn_off(quiet, "renewal")
    mailer = SmtpMailer(smtp.host, smtp.port, security="none", timeout=5)

    def run(day: dt.date) -> int:
        return len(run_notify(engine, kb, settings, mailer, today=day).delivery.sent)

    sent_by_day = [
        (day, run(day))
        for day in (
            dt.date(2099, 6, 1),  # 91 days before: nothing yet
            dt.date(2099, 6, 2),  # 90 days: the first reminder
            dt.date(2099, 6, 2),  # the same day again (a second cron run): nothing
            dt.date(2099, 7, 15),
            dt.date(2099, 8, 1),  # 30 days
            dt.date(2099, 8, 23),
            dt.date(2099, 8, 24),  # 7 days
            dt.date(2099, 8, 31),  # the deadline: the 7-day reminder was sent already
            dt.date(2099, 9, 1),  # past: nothing
        )
    ]
    assert [n for _, n in sent_by_day] == [0, 1, 0, 0, 1, 0, 1, 0, 0]
    assert [m["To"] for m in smtp.messages] == ["ana@example.org"] * 3
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects == [
        "Florida: renewal due in 90 days, 24 CE hours still needed",
        "Florida: renewal due in 30 days, 24 CE hours still needed",
        "Florida: renewal due in 7 days, 24 CE hours still needed",
    ]
    body = smtp.messages[0].get_content()
    assert (
        "Florida (MA99): the renewal deadline is Monday 31 August 2099, 90 days from today" in body
    )
    assert "24 more hours (0 of 24 counted so far)" in body
    assert re.search(r"2 more hours \(0 of 2 counted so far\)", body)  # medical errors etc.
    assert "https://ceatlas.test/search?state=FL&date_from=2099-06-02&date_to=2099-08-31" in body
    unsubscribe = str(smtp.messages[0]["List-Unsubscribe"]).strip()  # may be folded
    assert unsubscribe.startswith("<https://ceatlas.test/unsubscribe?token=")
    assert smtp.messages[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_failed_send_is_retried_by_the_next_run_and_sent_once(
    engine: Engine, database_url: str, tmp_path: Path, smtp: Received
) -> None:
    kb = load_kb()
    settings = _settings(database_url, tmp_path, smtp)
    ana = _therapist(engine, "ana@example.org")
    CeRecords(engine, kb, tmp_path).add_license(
        ana, "FL", cycle_end=RENEWAL, today=dt.date(2099, 1, 1)
    )
    down = SmtpMailer("127.0.0.1", free_port(), security="none", timeout=2)
    up = SmtpMailer(smtp.host, smtp.port, security="none", timeout=5)
    first_run = dt.datetime(2099, 6, 2, 8, 0)

    failed = run_notify(engine, kb, settings, down, today=first_run.date(), now=first_run)
    assert len(failed.renewal_queued) == 1
    assert len(failed.delivery.retrying) == 1
    later = first_run + dt.timedelta(minutes=5)
    ok = run_notify(engine, kb, settings, up, today=later.date(), now=later)
    assert ok.renewal_queued == []
    assert len(ok.delivery.sent) == 1
    again = run_notify(engine, kb, settings, up, today=later.date(), now=later)
    assert again.delivery.sent == []
    assert len(smtp.messages) == 1


def test_plan_alerts_for_a_changed_full_and_withdrawn_session(
    engine: Engine, catalog: Catalog, database_url: str, tmp_path: Path, smtp: Received
) -> None:
    today = dt.date.today()
    catalog.load_sample(today)
    kb = load_kb()
    settings = _settings(database_url, tmp_path, smtp)
    ana = _therapist(engine, "ana@example.org")
    mailer = SmtpMailer(smtp.host, smtp.port, security="none", timeout=5)
    with Session(engine) as session:
        upcoming = (
            session.query(CourseSession)
            .filter(
                CourseSession.start_date > today + dt.timedelta(days=30),
                CourseSession.price.is_not(None),
                # nothing to alert about yet: seats left, registration open for weeks
                or_(CourseSession.seats_remaining.is_(None), CourseSession.seats_remaining > 0),
                or_(
                    CourseSession.registration_deadline.is_(None),
                    CourseSession.registration_deadline > today + dt.timedelta(days=8),
                ),
            )
            .order_by(CourseSession.id)
            .limit(3)
            .all()
        )
        ids = [s.id for s in upcoming]
    assert len(ids) == 3
    plans = Plans(engine)
    for session_id in ids:
        plans.add(ana, session_id)
    before = run_notify(engine, kb, settings, mailer, today=today)
    assert before.plan_queued == [], [m["Subject"] for m in smtp.messages]

    with Session(engine) as session:
        changed, full, withdrawn = (session.get(CourseSession, i) for i in ids)
        assert changed is not None
        assert full is not None
        assert withdrawn is not None
        assert changed.start_date is not None
        changed.start_date = changed.start_date + dt.timedelta(days=7)
        if changed.end_date is not None:
            changed.end_date = changed.end_date + dt.timedelta(days=7)
        full.seats_remaining = 0
        session.delete(withdrawn)
        session.commit()

    first = run_notify(engine, kb, settings, mailer, today=today)
    second = run_notify(engine, kb, settings, mailer, today=today)
    assert len(first.plan_queued) == 3
    assert second.plan_queued == []
    subjects = sorted(m["Subject"].split(":")[0] for m in smtp.messages)
    assert subjects == ["Cancelled", "Changed", "Full"]
    changed_body = next(m for m in smtp.messages if m["Subject"].startswith("Changed"))
    assert "since you saved it" in changed_body.get_content()


def test_the_notify_command(
    cli_env: Path, engine: Engine, smtp: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEATLAS_SMTP_HOST", smtp.host)
    monkeypatch.setenv("CEATLAS_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("CEATLAS_SMTP_SECURITY", "none")
    ana = _therapist(engine, "ana@example.org")
    CeRecords(engine, load_kb(), cli_env).add_license(
        ana, "FL", cycle_end=RENEWAL, today=dt.date(2099, 1, 1)
    )
    runner = CliRunner()
    result = runner.invoke(app, ["notify", "--today", "2099-08-24"])
    assert result.exit_code == 0, result.output
    assert (
        "queued 1 renewal reminder(s), 0 plan alert(s) and 0 saved-search digest(s); sent 1"
        in result.output
    )
    assert smtp.messages[0]["Subject"].startswith("Florida: renewal due in 7 days")
    again = runner.invoke(app, ["notify", "--today", "2099-08-24", "--json"])
    assert '"sent": 0' in again.output
    bad = runner.invoke(app, ["notify", "--today", "31/08/2099"])
    assert bad.exit_code == 2
    assert "--today: '31/08/2099' is not a date; use YYYY-MM-DD" in bad.output
