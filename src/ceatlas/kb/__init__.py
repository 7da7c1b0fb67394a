"""The CE Atlas knowledge base: conditions, techniques, competencies, pathways,
jurisdictions and CE categories, shipped as YAML and validated at load.

>>> from ceatlas.kb import load_kb
>>> kb = load_kb()
>>> kb.resolve("conditions", "pain shooting down the back of my leg")
'sciatica'
"""

from ceatlas.kb.base import KnowledgeBase, canonical_kind, default_kb, load_kb
from ceatlas.kb.errors import KBError, Problem
from ceatlas.kb.loader import DATA_DIR, KINDS
from ceatlas.kb.models import (
    NO_LIMIT,
    NOT_APPLICABLE,
    UNKNOWN,
    BodyRegion,
    Category,
    Competency,
    Condition,
    IcdCode,
    Jurisdiction,
    KBMeta,
    Pathway,
    Source,
    Technique,
    is_unknown,
    known,
)
from ceatlas.kb.normalize import normalize

__all__ = [
    "DATA_DIR",
    "KINDS",
    "NOT_APPLICABLE",
    "NO_LIMIT",
    "UNKNOWN",
    "BodyRegion",
    "Category",
    "Competency",
    "Condition",
    "IcdCode",
    "Jurisdiction",
    "KBError",
    "KBMeta",
    "KnowledgeBase",
    "Pathway",
    "Problem",
    "Source",
    "Technique",
    "canonical_kind",
    "default_kb",
    "is_unknown",
    "known",
    "load_kb",
    "normalize",
]
