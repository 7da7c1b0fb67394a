"""CE Atlas runs all-MiniLM-L6-v2 on NumPy; its vectors must be the reference ones.

``reference.npz`` holds what sentence-transformers (torch) gives for the same texts
(``make_reference.py``): short and long (truncated at 256 tokens), empty, accented and
non-Latin text, in one batch so padding is exercised.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ceatlas import embeddings

REFERENCE = Path(__file__).with_name("reference.npz")


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], np.ndarray]:
    data = np.load(REFERENCE)
    return [str(t) for t in data["texts"]], data["vectors"]


def test_vectors_match_the_reference_runtime(reference: tuple[list[str], np.ndarray]) -> None:
    texts, expected = reference
    got = embeddings.encode(texts)
    assert got.shape == expected.shape == (len(texts), 384)
    assert got.dtype == np.float32
    # float32 arithmetic in another order: agreement to about 1e-6, cosine 1 to 6 places
    assert float(np.abs(got - expected).max()) < 1e-5
    assert float((got * expected).sum(axis=1).min()) > 0.999999


def test_one_text_at_a_time_equals_the_batch(reference: tuple[list[str], np.ndarray]) -> None:
    texts, _ = reference
    batch = embeddings.encode(texts)
    for i, text in enumerate(texts):
        assert np.abs(embeddings.encode([text])[0] - batch[i]).max() < 1e-5


def test_vectors_are_unit_length_and_order_is_kept() -> None:
    texts = ["a much longer text about lymphedema after surgery", "neck", "low back pain"]
    forward = embeddings.encode(texts)
    backward = embeddings.encode(texts[::-1])
    assert np.allclose(np.linalg.norm(forward, axis=1), 1.0, atol=1e-5)
    assert np.abs(forward - backward[::-1]).max() < 1e-5
    assert embeddings.encode([]).shape == (0, 384)


def test_loading_never_imports_torch() -> None:
    """The point of the NumPy runtime: a one-shot CLI call does not pay for torch."""
    code = (
        "import sys; from ceatlas import embeddings; embeddings.encode(['sciatica']); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"]
