"""Cross-reference and term-uniqueness checks over a fully parsed knowledge base."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ceatlas.kb.errors import Problem
from ceatlas.kb.loader import KINDS, Loaded
from ceatlas.kb.models import BodyRegion, Condition, Jurisdiction, Pathway, Technique
from ceatlas.kb.normalize import normalize
from ceatlas.kb.source_policy import host_problem

_SINGULAR = {
    "conditions": "condition",
    "techniques": "technique",
    "competencies": "competency",
    "pathways": "pathway",
    "jurisdictions": "jurisdiction",
    "categories": "category",
    "regions": "body region",
}


def _file(kind: str) -> str:
    return KINDS[kind][0]


def _refs(
    loaded: Loaded, kind: str, entry: str, field: str, ids: Iterable[str], target: str
) -> Iterator[Problem]:
    if target in loaded.unreadable:
        return
    known = loaded.entries.get(target, {})
    for ref in ids:
        if ref not in known:
            yield Problem(
                _file(kind), f"unknown {_SINGULAR[target]} {ref!r}", entry=entry, field=field
            )


def _condition_refs(loaded: Loaded) -> Iterator[Problem]:
    for cid, cond in loaded.entries.get("conditions", {}).items():
        assert isinstance(cond, Condition)
        yield from _refs(loaded, "conditions", cid, "techniques", cond.techniques, "techniques")
        yield from _refs(loaded, "conditions", cid, "related", cond.related, "conditions")
        if cid in cond.related:
            yield Problem(
                _file("conditions"), "a condition cannot relate to itself", cid, "related"
            )


def _technique_refs(loaded: Loaded) -> Iterator[Problem]:
    for tid, tech in loaded.entries.get("techniques", {}).items():
        assert isinstance(tech, Technique)
        yield from _refs(
            loaded, "techniques", tid, "competencies", tech.competencies, "competencies"
        )


def _pathway_refs(loaded: Loaded) -> Iterator[Problem]:
    for pid, path in loaded.entries.get("pathways", {}).items():
        assert isinstance(path, Pathway)
        yield from _refs(loaded, "pathways", pid, "competencies", path.competencies, "competencies")
        yield from _refs(loaded, "pathways", pid, "techniques", path.techniques, "techniques")
        yield from _refs(
            loaded,
            "pathways",
            pid,
            "prerequisite_pathways",
            path.prerequisite_pathways,
            "pathways",
        )
        for standard in path.standards:
            kind, _, ident = standard.about.partition(":")
            target = "techniques" if kind == "technique" else "competencies"
            yield from _refs(loaded, "pathways", pid, "standards.about", [ident], target)
        if pid in path.prerequisite_pathways:
            yield Problem(
                _file("pathways"),
                "a pathway cannot be its own prerequisite",
                pid,
                "prerequisite_pathways",
            )


def _jurisdiction_refs(loaded: Loaded) -> Iterator[Problem]:
    for jid, jur in loaded.entries.get("jurisdictions", {}).items():
        assert isinstance(jur, Jurisdiction)
        yield from _refs(
            loaded, "jurisdictions", jid, "topics", jur.referenced_categories(), "categories"
        )


def _region_refs(loaded: Loaded) -> Iterator[Problem]:
    for rid, region in loaded.entries.get("regions", {}).items():
        assert isinstance(region, BodyRegion)
        yield from _refs(loaded, "regions", rid, "conditions", region.conditions, "conditions")


def entry_terms(entry: Any) -> Iterator[tuple[str, str]]:
    """(field name, text) for every name-like string of an entry."""
    yield "id", entry.id
    yield "name", entry.name
    for field in ("synonyms", "abbreviations", "lay_phrases"):
        for text in getattr(entry, field, []):
            yield field, text


def _term_collisions(loaded: Loaded) -> Iterator[Problem]:
    for kind, entries in loaded.entries.items():
        owner: dict[str, str] = {}
        for eid, entry in entries.items():
            for field, text in entry_terms(entry):
                term = normalize(text)
                if not term:
                    yield Problem(_file(kind), f"{text!r} is empty once normalized", eid, field)
                    continue
                other = owner.setdefault(term, eid)
                if other != eid:
                    yield Problem(
                        _file(kind), f"term {text!r} is already used by {other!r}", eid, field
                    )


def _caution_refs(loaded: Loaded) -> Iterator[Problem]:
    for kind in ("conditions", "techniques"):
        for eid, entry in loaded.entries.get(kind, {}).items():
            for i, caution in enumerate(getattr(entry, "cautions", [])):
                yield from _refs(
                    loaded, kind, eid, f"cautions[{i}].when", caution.when, "conditions"
                )


def clinical_source_problems(loaded: Loaded) -> Iterator[Problem]:
    """Sources of conditions, techniques and their cautions whose host is not a clinical
    source (see :mod:`ceatlas.kb.source_policy`)."""
    for kind in ("conditions", "techniques"):
        for eid, entry in loaded.entries.get(kind, {}).items():
            cited = [("sources", s) for s in entry.sources]
            for i, caution in enumerate(getattr(entry, "cautions", [])):
                cited += [(f"cautions[{i}].sources", s) for s in caution.sources]
            for field, source in cited:
                problem = host_problem(source.url)
                if problem:
                    yield Problem(_file(kind), problem, eid, field)


def cross_reference_problems(loaded: Loaded) -> list[Problem]:
    """Every dangling reference and ambiguous term in ``loaded``."""
    checks = (
        _condition_refs,
        _caution_refs,
        clinical_source_problems,
        _technique_refs,
        _pathway_refs,
        _jurisdiction_refs,
        _region_refs,
        _term_collisions,
    )
    return [problem for check in checks for problem in check(loaded)]
