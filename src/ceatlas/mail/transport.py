"""How a message leaves: SMTP (with STARTTLS or TLS and credentials) or, by default in
development, one ``.eml`` file per message in a folder.

Both take a finished :class:`email.message.EmailMessage`; neither retries (the outbox does).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from ceatlas.config import Settings


class MailError(RuntimeError):
    """A message could not be handed over; the text says why (it is kept in the outbox)."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over for delivery, or raise :class:`MailError`."""


class SmtpMailer:
    """Sends through an SMTP server: ``security`` is ``starttls``, ``tls`` (implicit TLS,
    usually port 465) or ``none`` (a relay on the same host or a test server)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"SMTP {self.host}:{self.port}: {error}") from error


class FolderMailer:
    """Writes each message to ``folder`` as ``<n>-<message id>.eml`` (development default:
    nothing leaves the machine, and the files open in any mail program)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ident = "".join(c for c in str(message.get("Message-ID", "")) if c.isalnum())[:60]
        name = f"{len(os.listdir(self.folder)) + 1:06d}-{ident or 'message'}.eml"
        tmp = self.folder / f".{name}.tmp"
        try:
            tmp.write_bytes(message.as_bytes())
            tmp.replace(self.folder / name)
        except OSError as error:
            raise MailError(f"cannot write {self.folder / name}: {error}") from error


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when ``CEATLAS_SMTP_HOST`` is set, else the folder ``CEATLAS_MAIL_DIR``
    (by default ``<data dir>/mail``)."""
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=password,
        )
    return FolderMailer(settings.resolved_mail_dir)
