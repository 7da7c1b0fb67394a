"""Fixtures for knowledge-base tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ceatlas.kb import DATA_DIR, KnowledgeBase, load_kb


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The packaged knowledge base."""
    return load_kb()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged data directory."""
    target = tmp_path / "kb"
    shutil.copytree(DATA_DIR, target)
    return target
