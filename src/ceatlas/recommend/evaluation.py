"""Top-1 / top-3 accuracy of a matcher on a labelled set of complaint phrasings.

The labelled set is a CSV with columns ``text``, ``conditions`` (KB condition ids separated
by ``;`` - any of them is a correct answer), ``kind`` (lay, clinical, typo) and ``split``
(``dev`` for tuning, ``heldout`` for reporting only).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ceatlas.recommend.matching import Matcher


@dataclass(frozen=True)
class Labelled:
    text: str
    conditions: tuple[str, ...]
    kind: str
    split: str


@dataclass
class Score:
    """Accuracy counts for one matcher on one group of phrasings."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    confident: int = 0
    confident_right: int = 0
    misses: list[tuple[str, tuple[str, ...], list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    @property
    def confident_precision(self) -> float:
        return self.confident_right / self.confident if self.confident else 0.0


def load_labelled(path: Path) -> list[Labelled]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Labelled(
                text=row["text"],
                conditions=tuple(c.strip() for c in row["conditions"].split(";") if c.strip()),
                kind=row["kind"],
                split=row["split"],
            )
            for row in csv.DictReader(handle)
        ]


def evaluate(matcher: Matcher, rows: Sequence[Labelled], confident: float) -> dict[str, Score]:
    """Scores keyed by group: ``all``, each split and each kind."""
    predictions = matcher.match_many([row.text for row in rows], limit=3)
    scores: dict[str, Score] = {}
    for row, found in zip(rows, predictions, strict=True):
        ids = [m.condition_id for m in found]
        for group in _groups(row):
            score = scores.setdefault(group, Score())
            score.total += 1
            right1 = bool(ids) and ids[0] in row.conditions
            score.top1 += right1
            score.top3 += any(i in row.conditions for i in ids[:3])
            if found and found[0].confidence >= confident:
                score.confident += 1
                score.confident_right += right1
            if not right1:
                score.misses.append((row.text, row.conditions, ids))
    return scores


def _groups(row: Labelled) -> Iterable[str]:
    return ("all", row.split, f"{row.split}/{row.kind}")
