"""The words a therapist (or a board auditor) reads for the engine's codes.

Statuses, entry verdicts, delivery formats and approvals are stored and sent in the JSON
as codes (``does-not-count``, ``self_paced``, ``state:FL``); every screen, printout and
plain-text report shows these words instead.
"""

from __future__ import annotations

from decimal import Decimal

STATUS_WORDS = {
    "met": "Met",
    "missing": "Missing",
    "unknown": "Cannot be confirmed yet",
    "not-required": "No CE required",
    "exempt": "Exempt",
}
VERDICT_WORDS = {
    "counts": "counts",
    "partly": "counts in part",
    "uncertain": "may count (not confirmed)",
    "does-not-count": "does not count",
    "record": "record kept (no CE hours)",
}
ENTRY_FORMAT_WORDS = {
    "in_person": "in person",
    "live_online": "live online",
    "self_paced": "self-study (recorded or text)",
}


def status_words(code: str) -> str:
    return STATUS_WORDS.get(code, code.replace("-", " "))


def verdict_words(code: str) -> str:
    return VERDICT_WORDS.get(code, code.replace("-", " "))


def format_words(code: str) -> str:
    return ENTRY_FORMAT_WORDS.get(code, code.replace("_", " "))


def approval_words(authority: str, state_names: dict[str, str] | None = None) -> str:
    """'NCBTMB', 'Florida board' (for ``state:FL``), 'a school', 'another approver'."""
    if authority.startswith("state:"):
        code = authority[6:]
        return f"{(state_names or {}).get(code, code)} board"
    return {"school": "a school", "other": "another approver"}.get(authority, authority)


def hours_words(value: Decimal | None) -> str:
    """'24 h', '1.5 h', 'unknown'."""
    return "unknown" if value is None else f"{value.normalize():f} h"
