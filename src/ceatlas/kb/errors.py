"""The single error type raised for an invalid knowledge base."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a KB file: where it is and what is wrong."""

    file: str
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.entry is not None:
            parts.append(f"entry {self.entry!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.message)
        return ": ".join(parts)


class KBError(Exception):
    """The knowledge base is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"knowledge base is invalid ({count} problem{'s' if count != 1 else ''})"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))
