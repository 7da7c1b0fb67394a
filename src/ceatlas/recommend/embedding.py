"""Sentence-embedding matcher: all-MiniLM-L6-v2 from the ``embeddings`` extra, offline.

The model is loaded on the first match (:mod:`ceatlas.embeddings`); the KB conditions'
embeddings are computed once per KB content and kept in memory, and on disk when a cache
folder is given.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ceatlas.embeddings import MODEL_NAME, encode, load_model, model_load_seconds, model_loaded
from ceatlas.kb.base import KnowledgeBase
from ceatlas.recommend.matching import TOP, ConditionMatch, condition_terms

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "MODEL_NAME",
    "EmbeddingMatcher",
    "encode",
    "load_model",
    "model_load_seconds",
    "model_loaded",
]

# Cosine similarities map linearly onto confidences: FLOOR -> 0, CEILING -> 1.
# Chosen on the development split of tests/recommend/complaints.csv.
FLOOR = 0.25
CEILING = 0.85

_EMBEDDINGS: dict[str, NDArray[np.float32]] = {}


class EmbeddingMatcher:
    """Nearest KB condition texts (names, synonyms, lay phrases) by cosine similarity."""

    name = "embedding"

    def __init__(
        self, kb: KnowledgeBase, cache_dir: Path | None = None, cache_size: int = 2048
    ) -> None:
        self.kb = kb
        self.cache_dir = cache_dir
        self.cache_size = cache_size
        self._cache: dict[str, NDArray[np.float32]] = {}
        self.terms = condition_terms(kb)  # grouped by condition, in KB order
        owners = [cid for cid, _, _ in self.terms]
        self._starts = np.array(
            [i for i, cid in enumerate(owners) if i == 0 or owners[i - 1] != cid], dtype=np.intp
        )
        self.condition_ids = list(kb.conditions)
        self._matrix: NDArray[np.float32] | None = None

    @property
    def key(self) -> str:
        digest = hashlib.sha256(MODEL_NAME.encode())
        for cid, text, _ in self.terms:
            digest.update(f"{cid}\x00{text}\x01".encode())
        return digest.hexdigest()[:24]

    def matrix(self) -> NDArray[np.float32]:
        """Embeddings of every KB condition text, computed once per KB content."""
        if self._matrix is not None:
            return self._matrix
        key = self.key
        found = _EMBEDDINGS.get(key)
        path = self.cache_dir / f"condition-embeddings-{key}.npy" if self.cache_dir else None
        if found is None and path is not None:
            found = _read_cache(path, len(self.terms))
        if found is None:
            found = encode([text for _, text, _ in self.terms])
            if path is not None:
                _write_cache(path, found)
        _EMBEDDINGS[key] = found
        self._matrix = found
        return found

    def vectors(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embeddings of ``texts``; recent ones come from a small in-memory cache."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, encode(missing), strict=True):
                self._cache[text] = vector
            while len(self._cache) > self.cache_size:
                self._cache.pop(next(iter(self._cache)))
        return np.stack([self._cache[t] for t in texts])

    def clear_cache(self) -> None:
        self._cache.clear()

    def scores_many(self, texts: Sequence[str]) -> list[dict[str, tuple[float, str]]]:
        """For each text, every condition's confidence and its nearest KB text."""
        if not texts:
            return []
        matrix = self.matrix()
        similarity = self.vectors(texts) @ matrix.T  # texts x terms
        # Terms are grouped by condition: the best term of each group is its condition's score.
        starts = self._starts
        best = np.maximum.reduceat(similarity, starts, axis=1)  # texts x conditions
        out: list[dict[str, tuple[float, str]]] = []
        for row, maxima in zip(similarity, best, strict=True):
            found: dict[str, tuple[float, str]] = {}
            for group in np.flatnonzero(maxima > FLOOR):
                sim = float(maxima[group])
                start = int(starts[group])
                end = int(starts[group + 1]) if group + 1 < len(starts) else len(self.terms)
                segment = row[start:end]
                # the first of the (near-)equal best terms, so batch and single texts agree
                # although batched products differ from single ones in the last bits
                first = int(np.flatnonzero(segment >= segment.max() - 1e-5)[0])
                cid, text, kind = self.terms[start + first]
                confidence = min(1.0, (sim - FLOOR) / (CEILING - FLOOR))
                found[cid] = (confidence, f"similar in meaning to {kind} '{text}' ({sim:.2f})")
            out.append(found)
        return out

    def match(self, text: str, limit: int = TOP) -> list[ConditionMatch]:
        return self.match_many([text], limit)[0]

    def match_many(self, texts: Sequence[str], limit: int = TOP) -> list[list[ConditionMatch]]:
        out: list[list[ConditionMatch]] = []
        for found in self.scores_many(texts):
            ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
            out.append(
                [
                    ConditionMatch(
                        condition_id=cid,
                        name=self.kb.conditions[cid].name,
                        confidence=round(score, 4),
                        via=via,
                    )
                    for cid, (score, via) in ranked
                ]
            )
        return out


def _read_cache(path: Path, rows: int) -> NDArray[np.float32] | None:
    """The cached matrix, or ``None`` when it is missing, unreadable or of another shape."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if loaded.ndim != 2 or loaded.shape[0] != rows:
        return None
    return np.asarray(loaded, dtype=np.float32)


def _write_cache(path: Path, matrix: NDArray[np.float32]) -> None:
    """Write the cache whole or not at all (other processes may be reading it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.save(handle, matrix)
        os.replace(partial, path)
    except OSError:
        return  # a cache that cannot be written is only slower next time
