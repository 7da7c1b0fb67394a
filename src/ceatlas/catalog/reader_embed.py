"""The course reader's embedding assist (switched on with ``CEATLAS_READER_EMBEDDINGS=1``
when the ``embeddings`` extra is installed).

A title often names its subject in words no KB name or synonym matches ("Event Massage",
"Sore Shoulders at the Desk"). For a course whose lexical reading found no *primary*
condition or technique, the title (the module's own part for a program module) is compared
by cosine similarity with every KB condition and technique name, synonym and lay phrase
("The Shoulder That Won't Lift" is close to "I can't lift my arm over my head"); the closest
entry above :data:`THRESHOLD` becomes primary, with the title as its evidence. The lexical
reading is never changed otherwise, so a term it found (or negated) keeps its centrality.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ceatlas.catalog.reader import InferredTerm, module_subject
from ceatlas.embeddings import available, encode
from ceatlas.kb import KnowledgeBase

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: cosine similarity from which a title's closest KB entry is taken as its subject; chosen
#: on tests/catalog/reader_set (0.60-0.75 tried: 0.70 kept precision above 0.9)
THRESHOLD = 0.70
KINDS = ("conditions", "techniques")


def wanted() -> bool:
    """True when the settings ask for the embedding assist and the extra is installed."""
    return os.environ.get("CEATLAS_READER_EMBEDDINGS", "0").strip() == "1" and available()


@dataclass
class TitleEmbedder:
    """KB condition and technique names and synonyms, embedded once per KB."""

    ids: dict[str, list[str]]
    matrices: dict[str, NDArray[np.float32]]

    @classmethod
    def build(cls, kb: KnowledgeBase) -> TitleEmbedder:
        ids: dict[str, list[str]] = {}
        matrices = {}
        for kind in KINDS:
            texts: list[str] = []
            ids[kind] = []
            for eid, entry in kb.entries(kind).items():
                lay = getattr(entry, "lay_phrases", [])
                for text in [entry.name, *getattr(entry, "synonyms", []), *lay]:
                    ids[kind].append(eid)
                    texts.append(text)
            matrices[kind] = encode(texts)
        return cls(ids, matrices)

    def assist(
        self, titles: Sequence[str], readings: Sequence[list[InferredTerm]]
    ) -> list[list[InferredTerm]]:
        """Each reading with, for a kind that has no primary term, the title's closest KB
        entry of that kind as primary when it is close enough."""

        def lacking(terms: list[InferredTerm]) -> list[str]:
            have = {t.kind for t in terms if t.centrality == "primary"}
            return [kind for kind in KINDS if kind not in have]

        todo = [i for i, terms in enumerate(readings) if lacking(terms)]
        out = [list(terms) for terms in readings]
        if not todo:
            return out
        subjects = [module_subject(titles[i]) for i in todo]
        vectors = encode(subjects)
        for i, subject, vector in zip(todo, subjects, vectors, strict=True):
            terms = readings[i]
            for kind in lacking(terms):
                similarity = self.matrices[kind] @ vector
                best = int(np.argmax(similarity))
                score = float(similarity[best])
                eid = self.ids[kind][best]
                if score < THRESHOLD or any(t.kind == kind and t.id == eid for t in terms):
                    continue
                evidence = f"close in meaning to the title: {subject}"
                out[i].append(InferredTerm(kind, eid, "primary", round(score, 2), evidence))
        return out
