"""Recommendation fixtures: the KB and the embedding model are loaded once per session."""

from __future__ import annotations

import pytest

from ceatlas.kb import KnowledgeBase, load_kb
from ceatlas.recommend import LexicalMatcher, Matcher, make_matcher


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture(scope="session")
def lexical(kb: KnowledgeBase) -> LexicalMatcher:
    return LexicalMatcher(kb)


@pytest.fixture(scope="session")
def embedding(kb: KnowledgeBase) -> Matcher:
    """The embedding matcher (the extra is installed in CI); the model loads once, here."""
    matcher = make_matcher(kb, "embedding")
    assert matcher.match("pain down my leg")  # loads the model and the KB embeddings
    return matcher


@pytest.fixture(scope="session")
def combined(kb: KnowledgeBase, embedding: Matcher, lexical: LexicalMatcher) -> Matcher:
    from ceatlas.recommend import CombinedMatcher
    from ceatlas.recommend.embedding import EmbeddingMatcher

    assert isinstance(embedding, EmbeddingMatcher)
    return CombinedMatcher(lexical, embedding)
