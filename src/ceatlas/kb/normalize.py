"""Text normalization used for exact (not fuzzy) term matching."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Fold case, accents, punctuation, hyphens, ``&``/``and`` and a trailing plural ``s``.

    >>> normalize("Trigger-Points & Tender spots!")
    'trigger points and tender spot'
    >>> normalize("Parkinson's")
    'parkinson'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = _APOSTROPHES.sub("", folded.lower()).replace("&", " and ")
    words = _NON_WORD.sub(" ", folded).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)
