"""Outgoing e-mail: a transport chosen by settings (SMTP, or a folder in development) and
an outbox table that sends every message once, retrying failures with backoff."""

from ceatlas.mail.outbox import DeliveryReport, Outbox, OutboxEntry
from ceatlas.mail.transport import FolderMailer, Mailer, MailError, SmtpMailer, mailer_for

__all__ = [
    "DeliveryReport",
    "FolderMailer",
    "MailError",
    "Mailer",
    "Outbox",
    "OutboxEntry",
    "SmtpMailer",
    "mailer_for",
]
