"""The loaded, validated knowledge base and its look-up API."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ceatlas.kb.errors import KBError, Problem
from ceatlas.kb.loader import DATA_DIR, KINDS, META_FILE, files_signature, load_directory
from ceatlas.kb.models import (
    BodyRegion,
    Category,
    Competency,
    Condition,
    Entry,
    Jurisdiction,
    KBMeta,
    Pathway,
    Source,
    Technique,
)
from ceatlas.kb.normalize import normalize
from ceatlas.kb.validate import cross_reference_problems, entry_terms

_ALIASES = {
    "condition": "conditions",
    "technique": "techniques",
    "modality": "techniques",
    "modalities": "techniques",
    "competency": "competencies",
    "pathway": "pathways",
    "jurisdiction": "jurisdictions",
    "state": "jurisdictions",
    "states": "jurisdictions",
    "category": "categories",
    "region": "regions",
    "body-regions": "regions",
}


def canonical_kind(kind: str) -> str:
    """The plural kind name for ``kind`` (singular and a few aliases accepted)."""
    key = kind.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of: {', '.join(KINDS)}")
    return key


@dataclass(frozen=True)
class KnowledgeBase:
    """A fully validated knowledge base. Entry dicts are keyed by id, in file order."""

    meta: KBMeta
    conditions: dict[str, Condition]
    techniques: dict[str, Technique]
    competencies: dict[str, Competency]
    pathways: dict[str, Pathway]
    jurisdictions: dict[str, Jurisdiction]
    categories: dict[str, Category]
    regions: dict[str, BodyRegion]
    source_dir: Path
    _terms: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind in KINDS:
            terms: dict[str, str] = {}
            for eid, entry in self.entries(kind).items():
                for _, text in entry_terms(entry):
                    terms.setdefault(normalize(text), eid)
            self._terms[kind] = terms

    @property
    def version(self) -> str:
        """The data-set version from ``kb.yaml``."""
        return self.meta.version

    def entries(self, kind: str) -> dict[str, Any]:
        """The entries of one kind, keyed by id."""
        result: dict[str, Any] = getattr(self, canonical_kind(kind))
        return result

    def get(self, kind: str, id_or_name: str) -> Entry | None:
        """The entry whose id, or any normalized name/synonym/phrase, matches; else ``None``."""
        entries = self.entries(kind)
        if id_or_name in entries:
            found: Entry = entries[id_or_name]
            return found
        eid = self.resolve(kind, id_or_name)
        return entries[eid] if eid is not None else None

    def resolve(self, kind: str, text: str) -> str | None:
        """The id whose id/name/synonym/abbreviation/lay phrase equals ``text`` once normalized."""
        return self._terms[canonical_kind(kind)].get(normalize(text))

    def closest(self, kind: str, word: str) -> list[str]:
        """Up to three entry names closest to ``word`` by spelling (names and synonyms), for
        a "did you mean" hint."""
        from rapidfuzz import fuzz, process

        names = {e.name: e.name for e in self.entries(kind).values()}
        for entry in self.entries(kind).values():
            for synonym in getattr(entry, "synonyms", []):
                names[synonym] = entry.name
        found = process.extract(word, list(names), scorer=fuzz.WRatio, limit=6, score_cutoff=80)
        return list(dict.fromkeys(names[f[0]] for f in found))[:3]

    def terms(self, kind: str) -> dict[str, str]:
        """Every normalized term of a kind mapped to its entry id (for search indexing)."""
        return dict(self._terms[canonical_kind(kind)])

    def technique_listings(self) -> dict[str, int]:
        """How many conditions list each technique among their own."""
        listed: dict[str, int] = {}
        for condition in self.conditions.values():
            for tid in set(condition.techniques):
                listed[tid] = listed.get(tid, 0) + 1
        return listed

    def generic_techniques(self) -> frozenset[str]:
        """Techniques listed for a third of the conditions or more (Swedish massage): they
        say little about any one client's condition."""
        n = len(self.conditions)
        return frozenset(t for t, count in self.technique_listings().items() if 3 * count >= n)

    def condition_regions(self) -> dict[str, list[str]]:
        """Condition id -> the body regions it sits in (from each region's ``conditions``)."""
        out: dict[str, list[str]] = {}
        for rid, region in self.regions.items():
            for cid in region.conditions:
                out.setdefault(cid, []).append(rid)
        return out

    def counts(self) -> dict[str, int]:
        """Number of entries per kind."""
        return {kind: len(self.entries(kind)) for kind in KINDS}

    def all_sources(self) -> list[tuple[Source, list[str]]]:
        """Every distinct source (by url) with the ``kind:id`` entries that cite it."""
        by_url: dict[str, tuple[Source, list[str]]] = {}
        for kind in KINDS:
            for eid, entry in self.entries(kind).items():
                for source in entry.sources:
                    _, citers = by_url.setdefault(source.url, (source, []))
                    ref = f"{kind}:{eid}"
                    if ref not in citers:
                        citers.append(ref)
        return list(by_url.values())


def load_kb(path: Path | None = None) -> KnowledgeBase:
    """Load and fully validate the KB in ``path`` (packaged data when ``None``).

    Raises :class:`KBError` listing every problem; never returns a partial KB.
    """
    directory = Path(path) if path is not None else DATA_DIR
    loaded = load_directory(directory)
    problems = loaded.problems + cross_reference_problems(loaded)
    if loaded.meta is None and not any(p.file == META_FILE for p in problems):
        problems.append(Problem(META_FILE, "missing KB metadata"))
    if problems or loaded.meta is None:
        raise KBError(problems)
    e = loaded.entries
    return KnowledgeBase(
        meta=loaded.meta,
        conditions=e["conditions"],
        techniques=e["techniques"],
        competencies=e["competencies"],
        pathways=e["pathways"],
        jurisdictions=e["jurisdictions"],
        categories=e["categories"],
        regions=e["regions"],
        source_dir=directory,
    )


_CACHE: dict[tuple[str, tuple[tuple[str, int], ...]], KnowledgeBase] = {}


def default_kb() -> KnowledgeBase:
    """The KB configured by ``CEATLAS_KB_DIR`` (else packaged), cached until files change."""
    from ceatlas.config import load_settings

    directory = load_settings().kb_dir or DATA_DIR
    key = (str(Path(directory).resolve()), files_signature(Path(directory)))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_kb(Path(directory))
    return _CACHE[key]
