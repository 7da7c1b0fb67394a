"""Normalised catalog records: what every importer produces and the store writes.

Values are plain dicts keyed by column name so that a batch goes to the database without
another conversion; the record classes carry the identity and the nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SESSION_MODES = ("self_paced_online", "live_online", "in_person", "hybrid")
ONLINE_MODES = frozenset({"self_paced_online", "live_online"})
#: each way of learning in a therapist's words, for sentences ("a session in person")
MODE_WORDS = {
    "in_person": "in person",
    "hybrid": "hybrid (online and in person)",
    "live_online": "live online",
    "self_paced_online": "self-paced online",
}


class RecordError(Exception):
    """A record cannot be imported: ``field`` is a path inside the record."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason

    def within(self, prefix: str) -> RecordError:
        """The same error, with its field path placed under ``prefix``."""
        if not prefix:
            return self
        joined = (
            f"{prefix}.{self.field}"
            if self.field and not self.field.startswith("[")
            else (f"{prefix}{self.field}")
        )
        return RecordError(joined, self.reason)


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the report must say about a node that is not an error: ``kind`` is
    ``skipped`` (a node or session left out, with the reason) or ``warning`` (read, but
    doubtfully or partly)."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(slots=True)
class ProviderRecord:
    key: str
    values: dict[str, Any]
    approvals: list[dict[str, Any]] = field(default_factory=list)
    # A bare reference ({"@id": ...}) names a provider that must already exist.
    ref_only: bool = False


@dataclass(slots=True)
class SessionRecord:
    key: str
    values: dict[str, Any]


@dataclass(slots=True)
class CourseRecord:
    key: str
    values: dict[str, Any]
    provider: ProviderRecord | None
    approvals: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)


@dataclass(slots=True)
class ProgramRecord:
    key: str
    values: dict[str, Any]
    provider: ProviderRecord | None
    courses: list[CourseRecord] = field(default_factory=list)


Record = CourseRecord | ProgramRecord | ProviderRecord
