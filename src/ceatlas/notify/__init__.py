"""Reminders and alerts by e-mail, queued in the outbox and sent by ``ceatlas notify``."""

from ceatlas.notify.job import NotifyReport, run_notify

__all__ = ["NotifyReport", "run_notify"]
