"""Measure the course reader on a labelled set of course descriptions.

Each record gives a title, a description, optional provider keywords and, per field
(conditions, techniques, categories), the terms that are ``primary``, ``secondary`` and
``mentioned``. For each field the report gives precision and recall of the primary terms,
of the terms a course covers (primary or secondary), and how many mentioned or negated
terms were reported as primary. The previous behaviour is measured beside it: provider
tags taken at their word, every tag counted as covered (what the catalog did before the
reader), which on an untagged catalog finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ceatlas.catalog.reader import InferredTerm, TermIndex, read_course
from ceatlas.kb import KnowledgeBase

FIELDS = ("conditions", "techniques", "categories")


@dataclass
class Counts:
    hit: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.hit / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hit / self.expected if self.expected else 1.0


@dataclass
class FieldScore:
    primary: Counts = field(default_factory=Counts)
    covers: Counts = field(default_factory=Counts)
    mentioned_as_primary: int = 0
    misses: list[str] = field(default_factory=list)


Reader = Callable[[dict[str, Any]], list[InferredTerm]]


def load_set(paths: Iterable[Path]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in sorted(paths):
        records += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return records


def reader_of(index: TermIndex) -> Reader:
    def read(record: dict[str, Any]) -> list[InferredTerm]:
        return read_course(
            index,
            str(record["title"]),
            str(record.get("description") or ""),
            [str(k) for k in record.get("keywords") or []],
        )

    return read


def with_embeddings(records: list[dict[str, Any]], index: TermIndex, kb: KnowledgeBase) -> Reader:
    """The lexical reader plus the embedding assist (:mod:`.reader_embed`), computed for
    ``records`` at once (one batch of title embeddings)."""
    from ceatlas.catalog.reader_embed import TitleEmbedder

    lexical = reader_of(index)
    readings = TitleEmbedder.build(kb).assist(
        [str(r["title"]) for r in records], [lexical(r) for r in records]
    )
    by_id = {str(r["id"]): terms for r, terms in zip(records, readings, strict=True)}

    def read(record: dict[str, Any]) -> list[InferredTerm]:
        return by_id[str(record["id"])]

    return read


def tags_only(kb: KnowledgeBase) -> Reader:
    """The previous behaviour: provider keywords resolved to KB ids, each one 'covered'."""

    def read(record: dict[str, Any]) -> list[InferredTerm]:
        out = []
        for word in record.get("keywords") or []:
            for kind in FIELDS:
                found = kb.resolve(kind, str(word))
                if found:
                    out.append(InferredTerm(kind, found, "primary", 1.0, str(word), "declared"))
        return out

    return read


def score(records: list[dict[str, Any]], read: Reader) -> dict[str, FieldScore]:
    scores = {f: FieldScore() for f in FIELDS}
    for record in records:
        terms = read(record)
        for name in FIELDS:
            want = record.get("expect", {}).get(name) or {}
            primary = set(want.get("primary") or [])
            covers = primary | set(want.get("secondary") or [])
            mentioned = set(want.get("mentioned") or [])
            got_primary = {t.id for t in terms if t.kind == name and t.centrality == "primary"}
            got_covers = got_primary | {
                t.id for t in terms if t.kind == name and t.centrality == "secondary"
            }
            s = scores[name]
            s.primary.hit += len(got_primary & primary)
            s.primary.predicted += len(got_primary)
            s.primary.expected += len(primary)
            s.covers.hit += len(got_covers & covers)
            s.covers.predicted += len(got_covers)
            s.covers.expected += len(covers)
            s.mentioned_as_primary += len(got_primary & mentioned)
            for missing in sorted(primary - got_primary):
                s.misses.append(f"{record['id']}: primary {name} {missing} not found")
            for extra in sorted(got_primary - primary):
                s.misses.append(f"{record['id']}: {name} {extra} read as primary")
    return scores


def table(rows: dict[str, dict[str, FieldScore]]) -> str:
    """A Markdown table: one row per reader and field."""
    lines = [
        "| reader | field | primary P | primary R | covers P | covers R | mentioned as primary |",
        "|---|---|---|---|---|---|---|",
    ]
    for reader, scores in rows.items():
        for name, s in scores.items():
            lines.append(
                f"| {reader} | {name} | {s.primary.precision:.3f} | {s.primary.recall:.3f} | "
                f"{s.covers.precision:.3f} | {s.covers.recall:.3f} | {s.mentioned_as_primary} |"
            )
    return "\n".join(lines)


def overall(scores: dict[str, FieldScore]) -> tuple[Counts, Counts, int]:
    """Primary and covers counts summed over the fields, and mentioned-as-primary."""
    primary, covers = Counts(), Counts()
    for s in scores.values():
        for total, part in ((primary, s.primary), (covers, s.covers)):
            total.hit += part.hit
            total.predicted += part.predicted
            total.expected += part.expected
    return primary, covers, sum(s.mentioned_as_primary for s in scores.values())


def score_regions(
    records: list[dict[str, Any]], labels: dict[str, dict[str, list[str]]], read: Reader
) -> FieldScore:
    """Body regions read from the records that ``labels`` covers (id -> primary and
    secondary regions): precision and recall of primary regions and of regions covered."""
    by_id = {r["id"]: r for r in records}
    result = FieldScore()
    for rid, expect in labels.items():
        terms = [t for t in read(by_id[rid]) if t.kind == "regions"]
        primary = {t.id for t in terms if t.centrality == "primary"}
        covers = {t.id for t in terms if t.centrality != "mentioned"}
        want_primary = set(expect.get("primary", []))
        want_covers = want_primary | set(expect.get("secondary", []))
        for counts, got, want in (
            (result.primary, primary, want_primary),
            (result.covers, covers, want_covers),
        ):
            counts.hit += len(got & want)
            counts.predicted += len(got)
            counts.expected += len(want)
        if covers != want_covers:
            result.misses.append(f"{rid}: read {sorted(covers)}, labelled {sorted(want_covers)}")
    return result
